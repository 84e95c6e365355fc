/**
 * The terminal's Ed25519 device key: generated on first run, kept in the data dir with mode 0600,
 * never sent anywhere — only its public half is, at enrollment.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeyPair } from '@marquee/shared';

export interface DeviceKey {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function loadOrCreateDeviceKey(dataDir: string): DeviceKey {
  const file = join(dataDir, 'device-key.json');
  let seed: Buffer;
  if (existsSync(file)) {
    seed = Buffer.from((JSON.parse(readFileSync(file, 'utf8')) as { seed: string }).seed, 'base64url');
  } else {
    seed = randomBytes(32);
    writeFileSync(file, JSON.stringify({ seed: seed.toString('base64url') }), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const pair = generateSigningKeyPair(seed);
  return { keyId: pair.keyId, publicKey: pair.publicKey, privateKey: pair.privateKey };
}
