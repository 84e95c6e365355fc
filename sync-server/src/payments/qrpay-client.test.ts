/**
 * Over 400 lines on purpose: one client against the real sandbox, one scenario per provider behaviour.
 *
 * The merchant client against the real payment sandbox, a child process on an ephemeral port with
 * its own data directory and compressed time, and a real HTTP server as the merchant's notify_url.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerSignatureMessage,
  billDate,
  QrpayMerchantConfig,
  signatureHeaders,
  type QrpayNotifyEvent,
} from '@marquee/shared/payment-wire/qrpay';
import { spawnSandbox, type SandboxProcess } from '../../../payment-sandbox/src/child-process.ts';
import { QrpayClient } from './qrpay-client.ts';

interface Callback {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The merchant's notify endpoint: keeps every delivery, answers what `answer` says. */
class NotifyReceiver {
  readonly received: Callback[] = [];
  answer: (delivery: number) => number = () => 204;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = this.answer(this.received.length);
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/qrpay/notify`;
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<Callback[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.received.length} callbacks, not ${count}`);
      await sleep(10);
    }
    return this.received.slice(0, count);
  }

  reset(): void {
    this.received.length = 0;
    this.answer = () => 204;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }
}

let dataDir: string;
let sandbox: SandboxProcess;
let merchant: QrpayMerchantConfig;
let client: QrpayClient;
const receiver = new NotifyReceiver();
let seq = 0;
const outTradeNo = (): string => `MQ${Date.now()}${String(++seq).padStart(4, '0')}`;

/** A native order waiting for the customer, with our receiver as its notify_url. */
async function openNativeOrder(total: number): Promise<string> {
  const no = outTradeNo();
  const order = await client.nativeOrder({
    description: 'Marquee - 2 tickets',
    out_trade_no: no,
    notify_url: receiver.url,
    amount: { total, currency: 'CNY' },
  });
  expect(order.ok).toBe(true);
  return no;
}

async function paidNativeOrder(total: number): Promise<string> {
  const no = await openNativeOrder(total);
  await sandbox.control.pay(merchant.mchid, no);
  return no;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'marquee-qrpay-'));
  sandbox = await spawnSandbox({ dataDir, timeScale: 0.01, terminal: false });
  merchant = QrpayMerchantConfig.parse(JSON.parse(readFileSync(sandbox.demoMerchantFile, 'utf8')));
  client = new QrpayClient({ baseUrl: sandbox.url, merchant, timeoutMs: 5000 });
  await receiver.start();
});

afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('QR-pay native orders and callbacks', () => {
  it('shows a code_url, and after the customer approves on the phone a signed, encrypted callback verifies', async () => {
    receiver.reset();
    const no = outTradeNo();
    const order = await client.nativeOrder({
      description: 'Marquee - Hall 3 - 2 tickets',
      out_trade_no: no,
      notify_url: receiver.url,
      amount: { total: 9000, currency: 'CNY' },
    });
    expect(order).toMatchObject({ ok: true, value: { code_url: expect.stringMatching(/^qrpay:\/\/pay\//) } });
    expect(await client.queryOrder(no)).toMatchObject({ ok: true, value: { trade_state: 'NOTPAY' } });

    await sandbox.control.pay(merchant.mchid, no);
    const [callback] = await receiver.waitFor(1);
    const event = client.verifyNotify(callback!.headers, callback!.body);
    expect(event).toMatchObject({
      ok: true,
      value: {
        kind: 'transaction',
        eventType: 'TRANSACTION.SUCCESS',
        transaction: { out_trade_no: no, trade_state: 'SUCCESS', amount: { total: 9000, currency: 'CNY' } },
      },
    });
    // The envelope on the wire is encrypted: the amount is not readable without the APIv3 key.
    expect(callback!.body.toString()).not.toContain('9000');
  });

  it('answers the same out_trade_no with the same code, and refuses it with other parameters', async () => {
    const no = outTradeNo();
    const body = {
      description: 'Marquee',
      out_trade_no: no,
      notify_url: receiver.url,
      amount: { total: 100, currency: 'CNY' },
    };
    const first = await client.nativeOrder(body);
    const again = await client.nativeOrder(body);
    expect(again).toEqual(first);
    const changed = await client.nativeOrder({ ...body, amount: { total: 1, currency: 'CNY' } });
    expect(changed).toMatchObject({
      ok: false,
      error: { code: 'provider_error', status: 400, providerCode: 'INVALID_REQUEST' },
    });
  });

  it('when the callback is lost, an order query still says paid', async () => {
    receiver.reset();
    const no = await openNativeOrder(4550);
    await sandbox.control.pay(merchant.mchid, no, { callback: 'drop' });
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    expect(await client.queryOrder(no)).toMatchObject({
      ok: true,
      value: {
        trade_state: 'SUCCESS',
        transaction_id: expect.any(String),
        amount: { total: 4550, payer_total: 4550 },
      },
    });
  });

  it('delivers duplicate callbacks, ten of them, that all verify to the same event', async () => {
    receiver.reset();
    const no = await paidNativeOrder(3000);
    await receiver.waitFor(1);
    await sandbox.control.resend(merchant.mchid, no, 10);
    const callbacks = await receiver.waitFor(11);
    const events = callbacks.map((c) => client.verifyNotify(c.headers, c.body));
    expect(events.every((e) => e.ok)).toBe(true);
    const values = events.map((e) => (e as { value: QrpayNotifyEvent }).value);
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1);
    expect(values[0]).toMatchObject({ kind: 'transaction', transaction: { out_trade_no: no } });
    // Each delivery is signed afresh (its own nonce) over the very same body.
    expect(new Set(callbacks.map((c) => c.headers['qrpay-nonce'])).size).toBe(11);
    expect(new Set(callbacks.map((c) => c.body.toString())).size).toBe(1);
  });

  it('"pay twice" charges once and only says so twice', async () => {
    receiver.reset();
    const no = await openNativeOrder(500);
    const order = await sandbox.control.payTwice(merchant.mchid, no);
    expect(order.trade_state).toBe('SUCCESS');
    const callbacks = await receiver.waitFor(2);
    const ids = callbacks.map((c) => {
      const event = client.verifyNotify(c.headers, c.body);
      return event.ok ? event.value.id : undefined;
    });
    expect(ids[0]).toBeDefined();
    expect(ids[0]).toBe(ids[1]);
  });

  it('delivers again on the retry schedule while the merchant answers with an error', async () => {
    receiver.reset();
    receiver.answer = (n) => (n < 3 ? 500 : 204);
    const no = await paidNativeOrder(1200);
    await receiver.waitFor(3);
    await sleep(300);
    expect(receiver.received).toHaveLength(3);
    const view = await sandbox.control.order(merchant.mchid, no);
    expect(view.deliveries).toMatchObject([{ state: 'delivered', attempts: 3 }]);
  });

  it('refuses forged and tampered callbacks with stable codes', async () => {
    receiver.reset();
    await paidNativeOrder(2500);
    const [real] = await receiver.waitFor(1);
    const { headers, body } = real!;

    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] = tampered[tampered.length - 3]! ^ 1;
    expect(client.verifyNotify(headers, tampered)).toMatchObject({
      ok: false,
      error: { code: 'signature_invalid' },
    });
    expect(client.verifyNotify({ 'content-type': 'application/json' }, body)).toMatchObject({
      ok: false,
      error: { code: 'signature_missing' },
    });
    expect(client.verifyNotify({ ...headers, 'qrpay-serial': 'ABCDEF0123456789' }, body)).toMatchObject({
      ok: false,
      error: { code: 'unknown_serial' },
    });

    // A forger with its own key, claiming the platform's serial.
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = sign(
      'sha256',
      answerSignatureMessage({ timestamp: ts, nonce: 'N0nce', body }),
      forger,
    ).toString('base64');
    const forgedHeaders = signatureHeaders({
      serial: sandbox.platformSerial,
      signature: forged,
      timestamp: ts,
      nonce: 'N0nce',
    });
    expect(client.verifyNotify(forgedHeaders, body)).toMatchObject({
      ok: false,
      error: { code: 'signature_invalid' },
    });

    // A replay of a genuine callback long after it was sent.
    const later = new QrpayClient({ baseUrl: sandbox.url, merchant, clock: () => Date.now() + 10 * 60_000 });
    expect(later.verifyNotify(headers, body)).toMatchObject({
      ok: false,
      error: { code: 'stale_timestamp' },
    });

    // Genuinely signed by the platform, but its resource was not encrypted with our APIv3 key.
    const platformKey = readFileSync(join(dataDir, 'platform-key.pem'), 'utf8');
    const envelope = JSON.parse(body.toString()) as { resource: { ciphertext: string } };
    envelope.resource.ciphertext = Buffer.alloc(64, 7).toString('base64');
    const reencrypted = Buffer.from(JSON.stringify(envelope));
    const resigned = sign(
      'sha256',
      answerSignatureMessage({ timestamp: ts, nonce: 'N1nce', body: reencrypted }),
      platformKey,
    );
    const resignedHeaders = signatureHeaders({
      serial: sandbox.platformSerial,
      signature: resigned.toString('base64'),
      timestamp: ts,
      nonce: 'N1nce',
    });
    expect(client.verifyNotify(resignedHeaders, reencrypted)).toMatchObject({
      ok: false,
      error: { code: 'decrypt_failed' },
    });
  });
});

describe('QR-pay answers and requests', () => {
  it('treats an unsigned or wrongly signed 2xx answer as forged', async () => {
    const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    let signWith: 'none' | 'impostor' = 'none';
    const fake = createServer((_req, res) => {
      const body = Buffer.from('{"code_url":"qrpay://pay/bizpayurl?pr=evil"}');
      if (signWith === 'impostor') {
        const ts = String(Math.floor(Date.now() / 1000));
        const signature = sign(
          'sha256',
          answerSignatureMessage({ timestamp: ts, nonce: 'abc', body }),
          impostor,
        ).toString('base64');
        for (const [k, v] of Object.entries(
          signatureHeaders({ serial: sandbox.platformSerial, signature, timestamp: ts, nonce: 'abc' }),
        )) {
          res.setHeader(k, v);
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end(body);
    });
    await new Promise<void>((ready) => fake.listen(0, '127.0.0.1', ready));
    const fakeClient = new QrpayClient({
      baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      merchant,
    });
    const order = {
      description: 'Marquee',
      out_trade_no: outTradeNo(),
      notify_url: receiver.url,
      amount: { total: 1, currency: 'CNY' },
    };
    expect(await fakeClient.nativeOrder(order)).toMatchObject({
      ok: false,
      error: { code: 'signature_missing', status: 200 },
    });
    signWith = 'impostor';
    expect(await fakeClient.nativeOrder(order)).toMatchObject({
      ok: false,
      error: { code: 'signature_invalid' },
    });
    fake.closeAllConnections();
    await new Promise((done) => fake.close(done));
  });

  it('is refused 401 SIGN_ERROR, unsigned, when it signs with a key the provider does not know', async () => {
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const wrong = new QrpayClient({
      baseUrl: sandbox.url,
      merchant: { ...merchant, merchantPrivateKeyPem: stranger.privateKey },
      retries: 0,
    });
    expect(await wrong.queryOrder('MQ000000')).toMatchObject({
      ok: false,
      error: { code: 'unsigned_error', status: 401, providerCode: 'SIGN_ERROR' },
    });
  });

  it('gives up with `timeout` when the provider does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', ready));
    const slow = new QrpayClient({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      merchant,
      timeoutMs: 150,
      retries: 1,
    });
    const started = Date.now();
    expect(await slow.queryOrder('MQ000001')).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(2000);
    silent.closeAllConnections();
    await new Promise((done) => silent.close(done));
  });
});

describe('QR-pay payment codes (micropay)', () => {
  const codepay = (no: string, code: string) => ({
    description: 'Marquee box office',
    out_trade_no: no,
    payer: { auth_code: code },
    amount: { total: 6800, currency: 'CNY' },
    scene_info: { store_info: { out_id: 'BOX-1' } },
  });

  it('waits while the customer confirms (USERPAYING), polls, and ends paid', async () => {
    const code = await sandbox.control.paymentCode('password');
    const no = outTradeNo();
    const paying = client.payByCode(codepay(no, code), { pollMs: 50, deadlineMs: 5000 });
    await sleep(200);
    expect(await client.queryOrder(no)).toMatchObject({ ok: true, value: { trade_state: 'USERPAYING' } });
    await sandbox.control.pay(merchant.mchid, no);
    expect(await paying).toMatchObject({
      ok: true,
      value: {
        outcome: 'paid',
        transaction: { out_trade_no: no, trade_type: 'MICROPAY', amount: { total: 6800 } },
      },
    });
  });

  it('reverses a payment still open at the deadline', async () => {
    const code = await sandbox.control.paymentCode('password');
    const no = outTradeNo();
    expect(await client.payByCode(codepay(no, code), { pollMs: 50, deadlineMs: 400 })).toEqual({
      ok: true,
      value: { outcome: 'reversed' },
    });
    expect(await client.queryOrder(no)).toMatchObject({ ok: true, value: { trade_state: 'REVOKED' } });
    // Too late for the customer now.
    await expect(sandbox.control.pay(merchant.mchid, no)).rejects.toThrow(/409/);
  });

  it('ends failed, charging nothing, when the customer cannot pay', async () => {
    const code = await sandbox.control.paymentCode('decline');
    expect(await client.payByCode(codepay(outTradeNo(), code), { pollMs: 50, deadlineMs: 1000 })).toEqual({
      ok: true,
      value: { outcome: 'failed', providerCode: 'NOT_ENOUGH' },
    });
  });
});

describe('QR-pay refunds and statements', () => {
  it('refunds asynchronously: PROCESSING, then a REFUND.SUCCESS callback, and the query agrees', async () => {
    receiver.reset();
    const no = await paidNativeOrder(9000);
    await receiver.waitFor(1);
    const request = {
      out_trade_no: no,
      out_refund_no: `R${no}`,
      reason: 'customer returned 1 ticket',
      notify_url: receiver.url,
      amount: { refund: 4500, total: 9000, currency: 'CNY' },
    };
    const refund = await client.refund(request);
    expect(refund).toMatchObject({ ok: true, value: { status: 'PROCESSING', amount: { refund: 4500 } } });
    // The same out_refund_no again is the same refund, not a second one.
    const again = await client.refund(request);
    expect(again.ok && again.value.refund_id).toBe(refund.ok && refund.value.refund_id);
    expect(
      await client.refund({
        ...request,
        out_refund_no: `S${no}`,
        amount: { ...request.amount, refund: 4501 },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'provider_error', providerCode: 'INVALID_REQUEST' },
    });

    const [, callback] = await receiver.waitFor(2);
    expect(client.verifyNotify(callback!.headers, callback!.body)).toMatchObject({
      ok: true,
      value: {
        kind: 'refund',
        eventType: 'REFUND.SUCCESS',
        refund: { out_refund_no: `R${no}`, amount: { refund: 4500 } },
      },
    });
    expect(await client.queryRefund(`R${no}`)).toMatchObject({ ok: true, value: { status: 'SUCCESS' } });
    expect(await client.queryOrder(no)).toMatchObject({ ok: true, value: { trade_state: 'REFUND' } });
  });

  it("downloads the day's statement, checks its hash and lists the day's trades", async () => {
    receiver.reset();
    const no = await paidNativeOrder(12345);
    const refund = await client.refund({
      out_trade_no: no,
      out_refund_no: `R${no}`,
      amount: { refund: 345, total: 12345, currency: 'CNY' },
    });
    expect(refund.ok).toBe(true);
    await sandbox.control.completeRefund(merchant.mchid, `R${no}`, 'SUCCESS');
    const bill = await client.tradeBill(billDate(Date.now(), 480));
    expect(bill.ok).toBe(true);
    if (!bill.ok) return;
    const row = bill.value.rows.find((r) => r.outTradeNo === no && r.tradeState === 'SUCCESS');
    expect(row).toMatchObject({ settlementTotal: 12345, orderAmount: 12345, fee: 74, mchid: merchant.mchid });
    expect(bill.value.rows.find((r) => r.outTradeNo === no && r.tradeState === 'REFUND')).toMatchObject({
      outRefundNo: `R${no}`,
      refundAmount: 345,
    });
    const paid = bill.value.rows.reduce((sum, r) => sum + r.settlementTotal, 0);
    expect(bill.value.summary).toMatchObject({ count: bill.value.rows.length, settlementTotal: paid });
  });

  it('keeps orders across a sandbox restart', async () => {
    const no = await paidNativeOrder(700);
    await sandbox.stop();
    sandbox = await spawnSandbox({ dataDir, timeScale: 0.01, terminal: false });
    client = new QrpayClient({ baseUrl: sandbox.url, merchant });
    expect(await client.queryOrder(no)).toMatchObject({
      ok: true,
      value: { trade_state: 'SUCCESS', amount: { total: 700 } },
    });
  });
});
