import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPin } from '../host/kiosk-pin.ts';
import { loadTerminalConfig, parseTerminalConfig } from './terminal-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'marquee-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the terminal config file', () => {
  it('reads a PIN hash, idle time and provisioning enrollment', () => {
    const kioskPinHash = hashPin('2468');
    const file = join(dir, 'terminal-config.json');
    writeFileSync(
      file,
      JSON.stringify({
        kioskPinHash,
        idleResetSeconds: 120,
        profile: 'kiosk',
        enroll: { serverUrl: 'http://10.0.0.2:8080', code: 'ABCD-1234' },
      }),
    );
    expect(loadTerminalConfig(file)).toEqual({
      config: {
        kioskPinHash,
        idleResetSeconds: 120,
        profile: 'kiosk',
        enroll: { serverUrl: 'http://10.0.0.2:8080', code: 'ABCD-1234' },
      },
    });
  });

  it('starts with defaults when the file is missing', () => {
    expect(loadTerminalConfig(join(dir, 'nope.json'))).toEqual({ config: {} });
  });

  it('starts with defaults and says why when the file is broken', () => {
    expect(parseTerminalConfig('{').problem).toMatch(/not valid JSON/);
    expect(parseTerminalConfig(JSON.stringify({ kioskPinHash: '1234' })).problem).toMatch(/kioskPinHash/);
    expect(parseTerminalConfig(JSON.stringify({ idleResetSeconds: 1 })).config).toEqual({});
    expect(parseTerminalConfig(JSON.stringify({ surprise: true })).problem).toBeDefined();
  });
});
