/**
 * Keys the sandbox makes on its first start, in its data directory:
 * - the platform key pair (`platform-key.pem`, private, 0600; `platform-public-key.pem`) whose
 *   serial and public key a merchant configures to verify answers and callbacks;
 * - a demo merchant, registered as if through the provider's merchant portal (its public key and
 *   APIv3 key), whose full credentials go to `demo-merchant.json` for the merchant side to load.
 * Other merchants register with `POST /sandbox/merchants`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QrpayMerchantConfig } from '@marquee/shared/payment-wire/qrpay';
import { keySerial, randomDigits, randomToken } from './crypto.ts';
import type { Db, MerchantRow } from './store.ts';

export interface PlatformKey {
  serial: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export function ensurePlatformKey(dataDir: string): PlatformKey {
  const privatePath = join(dataDir, 'platform-key.pem');
  const publicPath = join(dataDir, 'platform-public-key.pem');
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    const pair = rsaKeyPair();
    writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicPath, pair.publicKeyPem);
  }
  const publicKeyPem = readFileSync(publicPath, 'utf8');
  return { serial: keySerial(publicKeyPem), privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem };
}

export const DEMO_MCHID = '1900000109';

export function registerMerchant(
  db: Db,
  merchant: { mchid: string; appid: string; serialNo: string; publicKeyPem: string; apiV3Key: string },
  now: number,
): void {
  db.prepare(
    `INSERT INTO merchants (mchid, appid, serial_no, public_key_pem, api_v3_key, created_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (mchid) DO UPDATE SET appid = excluded.appid, serial_no = excluded.serial_no,
       public_key_pem = excluded.public_key_pem, api_v3_key = excluded.api_v3_key`,
  ).run(merchant.mchid, merchant.appid, merchant.serialNo, merchant.publicKeyPem, merchant.apiV3Key, now);
}

export function merchantOf(db: Db, mchid: string): MerchantRow | undefined {
  return db.prepare('SELECT * FROM merchants WHERE mchid = ?').get(mchid) as MerchantRow | undefined;
}

/** Creates the demo merchant once; returns the path of its credentials file. */
export function ensureDemoMerchant(db: Db, dataDir: string, platform: PlatformKey, now: number): string {
  const path = join(dataDir, 'demo-merchant.json');
  if (existsSync(path) && merchantOf(db, DEMO_MCHID) !== undefined) return path;
  const pair = rsaKeyPair();
  const config: QrpayMerchantConfig = {
    mchid: DEMO_MCHID,
    appid: `wx${randomDigits(16)}`,
    merchantSerial: keySerial(pair.publicKeyPem),
    merchantPrivateKeyPem: pair.privateKeyPem,
    apiV3Key: randomToken(32),
    platformKeys: [{ serial: platform.serial, publicKeyPem: platform.publicKeyPem }],
  };
  registerMerchant(
    db,
    {
      mchid: config.mchid,
      appid: config.appid,
      serialNo: config.merchantSerial,
      publicKeyPem: pair.publicKeyPem,
      apiV3Key: config.apiV3Key,
    },
    now,
  );
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}
