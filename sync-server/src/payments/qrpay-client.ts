/**
 * The merchant's side of the QR-pay API (shared/src/payment-wire/qrpay.ts): protocol only, no
 * Marquee order logic. It signs every request with the merchant key, verifies every answer's
 * platform signature over the raw body before parsing it (a 2xx without a valid one is forged),
 * decrypts and verifies callbacks, retries only what is safe to retry, and answers every outcome
 * as a {@link QrpayResult} with a stable code, never by throwing.
 *
 * Idempotency is the API's: the caller's `out_trade_no` / `out_refund_no` are the keys. A call
 * that timed out or hit a network error or a 5xx is sent again with the same body (new timestamp
 * and nonce), so the provider answers it as the same order or refund, never a second one.
 */
import { createDecipheriv, createHash, randomBytes, sign, verify } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import {
  answerSignatureMessage,
  checkTimestamp,
  CodepayAnswer,
  formatAuthorization,
  NativeOrderAnswer,
  NotifyEnvelope,
  notifyEvent,
  parseTradeBill,
  QRPAY_MICROPAY_DEADLINE_MS,
  QRPAY_MICROPAY_POLL_MS,
  QRPAY_PATH,
  QrpayErrorBody,
  qrpayFail,
  qrpayOk,
  readSignatureHeaders,
  Refund,
  requestSignatureMessage,
  ReverseOrderAnswer,
  TradeBillAnswer,
  Transaction,
  type CodepayRequest,
  type EncryptedResource,
  type HeaderBag,
  type NativeOrderRequest,
  type QrpayMerchantConfig,
  type QrpayNotifyEvent,
  type QrpayResult,
  type RefundRequest,
  type TradeBill,
  type TradeState,
} from '@marquee/shared/payment-wire/qrpay';

export interface QrpayClientOptions {
  /** The provider's API origin, e.g. `https://api.provider.example` (the sandbox's URL). */
  baseUrl: string;
  merchant: QrpayMerchantConfig;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Extra attempts after a timeout, a network error or a 5xx (default 2). */
  retries?: number;
  /** Wall clock in ms, for timestamps and the freshness check (default Date.now). */
  clock?: () => number;
  fetch?: typeof fetch;
}

/** How a payment by the customer's payment code ended, after the documented poll-then-reverse. */
export type MicropayOutcome =
  | { outcome: 'paid'; transaction: Transaction }
  /** Refused or failed: no money was taken. */
  | { outcome: 'failed'; tradeState?: TradeState; providerCode?: string }
  /** Still open at the deadline, or the cashier gave up: reversed (money returned if it had been taken). */
  | { outcome: 'reversed' };

type Expect<T> = { kind: 'json'; schema: z.ZodType<T> } | { kind: 'empty' } | { kind: 'text' };

const NO_BODY = new Uint8Array();
const EMPTY: Expect<null> = { kind: 'empty' };
const TEXT: Expect<string> = { kind: 'text' };

export class QrpayClient {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly clock: () => number;
  private readonly fetch: typeof fetch;
  private readonly apiV3Key: Buffer;

  constructor(private readonly options: QrpayClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.clock = options.clock ?? Date.now;
    this.fetch = options.fetch ?? fetch;
    this.apiV3Key = Buffer.from(options.merchant.apiV3Key, 'ascii');
  }

  // -------------------------------------------------------------------------------------------
  // Orders

  /** A native order: show `code_url` as a QR code for the customer to scan. */
  nativeOrder(order: Omit<NativeOrderRequest, 'appid' | 'mchid'>): Promise<QrpayResult<NativeOrderAnswer>> {
    return this.call('POST', QRPAY_PATH.native, { ...this.ids(), ...order }, json(NativeOrderAnswer));
  }

  /** One codepay request; usually {@link payByCode}, which follows up the way the API asks. */
  codepay(order: Omit<CodepayRequest, 'appid' | 'mchid'>): Promise<QrpayResult<CodepayAnswer>> {
    return this.call('POST', QRPAY_PATH.codepay, { ...this.ids(), ...order }, json(CodepayAnswer));
  }

  queryOrder(outTradeNo: string): Promise<QrpayResult<Transaction>> {
    const mchid = encodeURIComponent(this.options.merchant.mchid);
    return this.call('GET', `${QRPAY_PATH.order(outTradeNo)}?mchid=${mchid}`, undefined, json(Transaction));
  }

  closeOrder(outTradeNo: string): Promise<QrpayResult<null>> {
    return this.call('POST', QRPAY_PATH.close(outTradeNo), { mchid: this.options.merchant.mchid }, EMPTY);
  }

  reverseOrder(outTradeNo: string): Promise<QrpayResult<z.infer<typeof ReverseOrderAnswer>>> {
    return this.call('POST', QRPAY_PATH.reverse(outTradeNo), this.ids(), json(ReverseOrderAnswer));
  }

  /**
   * Charges the customer's payment code: codepay, then while the customer is still confirming
   * (USERPAYING) or the answer was lost, query every `pollMs`; still open at `deadlineMs`, or
   * `cancelled()` by the cashier: reverse. Reversal is the only way out of an open payment, so a
   * failed reversal is returned as the error (call {@link reverseOrder} again).
   */
  async payByCode(
    order: Omit<CodepayRequest, 'appid' | 'mchid'>,
    options: { pollMs?: number; deadlineMs?: number; cancelled?: () => boolean } = {},
  ): Promise<QrpayResult<MicropayOutcome>> {
    const pollMs = options.pollMs ?? QRPAY_MICROPAY_POLL_MS;
    const deadline = this.clock() + (options.deadlineMs ?? QRPAY_MICROPAY_DEADLINE_MS);
    const first = await this.codepay(order);
    if (first.ok) {
      if (first.value.trade_state === 'SUCCESS' && 'mchid' in first.value) {
        return qrpayOk({ outcome: 'paid', transaction: first.value });
      }
    } else if (first.error.code === 'provider_error' && (first.error.status ?? 500) < 500) {
      // A definite refusal (balance, invalid code): nothing was charged.
      return qrpayOk({
        outcome: 'failed',
        ...(first.error.providerCode === undefined ? {} : { providerCode: first.error.providerCode }),
      });
    }
    // USERPAYING, or the answer never arrived: learn the state by query until it is final.
    for (;;) {
      if (options.cancelled?.() === true || this.clock() >= deadline) break;
      await sleep(Math.max(0, Math.min(pollMs, deadline - this.clock())));
      const state = await this.queryOrder(order.out_trade_no);
      if (!state.ok) {
        if (state.error.providerCode === 'ORDER_NOT_EXIST') return qrpayOk({ outcome: 'failed' });
        continue;
      }
      const t = state.value;
      if (t.trade_state === 'SUCCESS') return qrpayOk({ outcome: 'paid', transaction: t });
      if (t.trade_state === 'PAYERROR' || t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED') {
        return qrpayOk({ outcome: 'failed', tradeState: t.trade_state });
      }
    }
    const reversed = await this.reverseOrder(order.out_trade_no);
    if (!reversed.ok) return reversed;
    return qrpayOk({ outcome: 'reversed' });
  }

  // -------------------------------------------------------------------------------------------
  // Refunds and statements

  /** Asks for a refund; it is PROCESSING at first, and finishes by callback or {@link queryRefund}. */
  refund(request: RefundRequest): Promise<QrpayResult<Refund>> {
    return this.call('POST', QRPAY_PATH.refunds, request, json(Refund));
  }

  queryRefund(outRefundNo: string): Promise<QrpayResult<Refund>> {
    return this.call('GET', QRPAY_PATH.refund(outRefundNo), undefined, json(Refund));
  }

  /**
   * The day's statement: asks for it (signed answer with the file's SHA-1), downloads it (an
   * unsigned answer, as the provider's is) and checks the hash before reading it.
   */
  async tradeBill(
    billDate: string,
    options: { billType?: 'ALL' | 'SUCCESS' | 'REFUND'; currency?: string } = {},
  ): Promise<QrpayResult<TradeBill>> {
    const query = `?bill_date=${encodeURIComponent(billDate)}&bill_type=${options.billType ?? 'ALL'}`;
    const answer = await this.call(
      'GET',
      `${QRPAY_PATH.tradeBill}${query}`,
      undefined,
      json(TradeBillAnswer),
    );
    if (!answer.ok) return answer;
    const url = new URL(answer.value.download_url);
    if (url.origin !== new URL(this.options.baseUrl).origin) {
      return qrpayFail('malformed', 'the statement is to be downloaded from another host');
    }
    const file = await this.call('GET', url.pathname + url.search, undefined, TEXT);
    if (!file.ok) return file;
    const hash = createHash('sha1').update(file.value, 'utf8').digest('hex');
    if (hash !== answer.value.hash_value)
      return qrpayFail('hash_mismatch', 'the statement is not the one announced');
    return parseTradeBill(file.value, options.currency ?? 'CNY');
  }

  // -------------------------------------------------------------------------------------------
  // Callbacks

  /**
   * A callback as it arrived: its headers and its raw body bytes (not re-serialised JSON). Verifies
   * the platform signature and the timestamp, then decrypts the resource with the APIv3 key. The
   * caller still checks the amount against its own order, and answers 204 once it processed it (or
   * had already), anything else to have it delivered again.
   */
  verifyNotify(headers: HeaderBag, rawBody: Uint8Array): QrpayResult<QrpayNotifyEvent> {
    const verified = this.verifySignature(headers, rawBody);
    if (!verified.ok) return verified;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(rawBody).toString('utf8'));
    } catch {
      return qrpayFail('malformed', 'the callback body is not JSON');
    }
    const envelope = NotifyEnvelope.safeParse(json);
    if (!envelope.success) return qrpayFail('malformed', 'the callback is not a notification envelope');
    const plaintext = this.decrypt(envelope.data.resource);
    if (!plaintext.ok) return plaintext;
    const event = notifyEvent(envelope.data, plaintext.value);
    if (!event.ok) return event;
    const mchid =
      event.value.kind === 'transaction' ? event.value.transaction.mchid : event.value.refund.mchid;
    if (mchid !== this.options.merchant.mchid)
      return qrpayFail('malformed', `a callback for merchant ${mchid}`);
    return event;
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private ids(): { appid: string; mchid: string } {
    return { appid: this.options.merchant.appid, mchid: this.options.merchant.mchid };
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    expect: Expect<T>,
  ): Promise<QrpayResult<T>> {
    const url = new URL(path, this.options.baseUrl);
    const bytes = body === undefined ? NO_BODY : Buffer.from(JSON.stringify(body), 'utf8');
    let last: QrpayResult<T> = qrpayFail('network', 'not sent');
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await sleep(200 * attempt);
      last = await this.attempt(method, url, bytes, expect);
      const retryable =
        !last.ok &&
        (last.error.code === 'timeout' ||
          last.error.code === 'network' ||
          (last.error.code === 'provider_error' && (last.error.status ?? 0) >= 500));
      if (!retryable) return last;
    }
    return last;
  }

  private async attempt<T>(
    method: string,
    url: URL,
    body: Uint8Array,
    expect: Expect<T>,
  ): Promise<QrpayResult<T>> {
    const signedUrl = url.pathname + url.search;
    const timestamp = String(Math.floor(this.clock() / 1000));
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    const message = requestSignatureMessage({ method, url: signedUrl, timestamp, nonce, body });
    const signature = sign('sha256', message, this.options.merchant.merchantPrivateKeyPem).toString('base64');
    let response: Response;
    let raw: Uint8Array;
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          authorization: formatAuthorization({
            mchid: this.options.merchant.mchid,
            serialNo: this.options.merchant.merchantSerial,
            nonce,
            timestamp,
            signature,
          }),
          accept: 'application/json',
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      raw = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return qrpayFail(timedOut ? 'timeout' : 'network', `${method} ${signedUrl}: ${String(error)}`);
    }
    const status = response.status;
    const ok = status >= 200 && status < 300;
    const headers = Object.fromEntries(response.headers);
    // Statement downloads are the one unsigned answer; their integrity is the announced hash.
    if (!(expect.kind === 'text' && ok)) {
      const verified = this.verifySignature(headers, raw);
      if (!verified.ok) {
        if (verified.error.code !== 'signature_missing' || ok)
          return { ok: false, error: { ...verified.error, status } };
        const claimed = parseJson(raw, QrpayErrorBody);
        return qrpayFail(
          'unsigned_error',
          `${status} without a signature: ${claimed?.message ?? 'no message'}`,
          {
            status,
            ...(claimed === undefined ? {} : { providerCode: claimed.code }),
          },
        );
      }
    }
    if (!ok) {
      const error = parseJson(raw, QrpayErrorBody);
      return qrpayFail('provider_error', error?.message ?? `HTTP ${status}`, {
        status,
        ...(error === undefined ? {} : { providerCode: error.code }),
      });
    }
    switch (expect.kind) {
      case 'empty':
        return qrpayOk(null as T);
      case 'text':
        return qrpayOk(Buffer.from(raw).toString('utf8') as T);
      case 'json': {
        const value = parseJson(raw, expect.schema);
        return value === undefined
          ? qrpayFail('malformed', `${method} ${signedUrl}: unexpected answer`, { status })
          : qrpayOk(value);
      }
    }
  }

  /** Checks a platform signature over raw bytes: known serial, fresh timestamp, valid signature. */
  private verifySignature(headers: HeaderBag, raw: Uint8Array): QrpayResult<null> {
    const sig = readSignatureHeaders(headers);
    if (!sig.ok) return sig;
    const key = this.options.merchant.platformKeys.find((k) => k.serial === sig.value.serial);
    if (key === undefined)
      return qrpayFail('unknown_serial', `no platform key with serial ${sig.value.serial}`);
    const fresh = checkTimestamp(sig.value.timestamp, this.clock());
    if (!fresh.ok) return fresh;
    const message = answerSignatureMessage({
      timestamp: sig.value.timestamp,
      nonce: sig.value.nonce,
      body: raw,
    });
    let valid = false;
    try {
      valid = verify('sha256', message, key.publicKeyPem, Buffer.from(sig.value.signature, 'base64'));
    } catch {
      valid = false;
    }
    return valid ? qrpayOk(null) : qrpayFail('signature_invalid', 'the platform signature does not verify');
  }

  private decrypt(resource: EncryptedResource): QrpayResult<string> {
    try {
      const data = Buffer.from(resource.ciphertext, 'base64');
      if (data.length < 17) return qrpayFail('decrypt_failed', 'the ciphertext is too short');
      const decipher = createDecipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(resource.nonce, 'ascii'));
      decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
      return qrpayOk(plain.toString('utf8'));
    } catch {
      return qrpayFail('decrypt_failed', 'the resource does not decrypt under this APIv3 key');
    }
  }
}

function json<T>(schema: z.ZodType<T>): Expect<T> {
  return { kind: 'json', schema };
}

function parseJson<T>(raw: Uint8Array, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(raw).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
