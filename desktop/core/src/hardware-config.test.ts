import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHardwareConfig, parseHardwareConfig } from './hardware-config.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marquee-hardware-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const printer = { path: '/dev/ttyUSB0', baudRate: 115200, columns: 48 };

function errorOf(config: unknown): string {
  const result = parseHardwareConfig(JSON.stringify(config));
  if (result.ok) throw new Error('expected the config to be refused');
  expect(result.error.code).toBe('validation_failed');
  return result.error.message;
}

describe('the hardware config file', () => {
  it('means "no printer here" when it does not exist', () => {
    expect(loadHardwareConfig(dir)).toEqual({ present: false });
  });

  it('reads a full config with its defaults filled in', () => {
    writeFileSync(
      join(dir, 'hardware.json'),
      JSON.stringify({
        printer: { ...printer, model: 'epson-tm-t20iii', codepage: 'gb18030' },
        backupPrinter: { path: '/dev/ttyUSB1', baudRate: 9600, columns: 32 },
        scanner: { path: '/dev/ttyACM0', baudRate: 9600 },
        cashDrawer: {},
      }),
    );
    const loaded = loadHardwareConfig(dir);
    expect(loaded.present).toBe(true);
    if (!loaded.present || !loaded.config.ok) throw new Error('expected a valid config');
    expect(loaded.config.value).toMatchObject({
      printer: { model: 'epson-tm-t20iii', codepage: 'gb18030' },
      backupPrinter: { codepage: 'cp437' },
      cashDrawer: { pin: 2, pulseMs: 100 },
      failoverAfterSeconds: 15,
      receipts: true,
      receipt: { header: [], footer: [], taxes: [] },
    });
  });

  it('names the field that is wrong, in words an installer can act on', () => {
    expect(errorOf({ printer: { ...printer, columns: 40 } })).toMatch(/printer\.columns/);
    expect(errorOf({ printer: { ...printer, baudRate: 11520 } })).toMatch(
      /printer\.baudRate: expected one of .*115200/,
    );
    expect(errorOf({ printer: { ...printer, model: 'acme-3000' } })).toMatch(
      /unknown printer model "acme-3000"/,
    );
    expect(errorOf({ printer: { ...printer, model: 'star-tsp650' } })).toMatch(/does not speak ESC\/POS/);
    expect(errorOf({ printer: { ...printer, model: 'epson-tm-t88iii' } })).toMatch(/cannot print QR codes/);
    expect(errorOf({ printer: { ...printer, path: '' } })).toMatch(/printer\.path/);
    expect(errorOf({ printer, speed: 'fast' })).toMatch(/speed/);
    expect(errorOf({ printer, cashDrawer: { pin: 3 } })).toMatch(/cashDrawer\.pin/);
  });

  it('refuses a printer model whose code pages cannot print with the chosen one', () => {
    expect(errorOf({ printer: { ...printer, model: 'mpt-ii', codepage: 'windows1252' } })).toMatch(
      /cannot be driven with these settings/,
    );
  });

  it('reports a file that is not JSON instead of failing to start', () => {
    writeFileSync(join(dir, 'hardware.json'), '{ "printer": ');
    const loaded = loadHardwareConfig(dir);
    if (!loaded.present) throw new Error('expected the file to be found');
    expect(loaded.config.ok).toBe(false);
    if (!loaded.config.ok) expect(loaded.config.error.message).toMatch(/not valid JSON/);
  });

  it('accepts a gate that only has a scanner', () => {
    const result = parseHardwareConfig(JSON.stringify({ scanner: { path: '/dev/ttyACM0', baudRate: 9600 } }));
    expect(result.ok).toBe(true);
  });
});
