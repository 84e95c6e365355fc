/**
 * Over 400 lines on purpose: the whole QR-pay wire contract (signed messages and every body) in one file, as both ends import it.
 *
 * "QR-pay": the mobile-wallet API Marquee speaks, modelled on WeChat Pay API v3 (read from its
 * public docs; PAYMENTS.md). Pure and shared: the canonical signed messages, the header formats
 * and every request/answer/notification body as a zod schema. The RSA and AES primitives run on
 * each side with node:crypto (`payment-sandbox/` provides, `sync-server/src/payments/` consumes).
 *
 * - Merchant → provider: JSON over HTTPS, signed SHA256-with-RSA by the merchant's key over
 *   `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, sent as
 *   `Authorization: QRPAY-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`.
 *   A request without a valid signature is refused with 401 `SIGN_ERROR`.
 * - Provider → merchant (answers and callbacks): signed with the platform key over
 *   `TIMESTAMP\nNONCE\nBODY\n` (the raw body bytes) in `Qrpay-Serial`, `Qrpay-Signature`,
 *   `Qrpay-Timestamp`, `Qrpay-Nonce`. Verify before parsing; a 2xx without a valid signature is
 *   forged. An answer to a request that failed verification (401) carries no signature.
 * - Callbacks carry `resource` encrypted AEAD_AES_256_GCM (RFC 5116: ciphertext ‖ 16-byte tag,
 *   base64) under the merchant's 32-character APIv3 key, with a 12-character nonce and the
 *   associated data given in the resource. The merchant answers 200/204 for success; anything
 *   else, or no answer within 5 s, is a failed delivery retried on {@link QRPAY_NOTIFY_RETRY_SECONDS}.
 * - Idempotency is the API's own: `out_trade_no` and `out_refund_no` are the merchant's keys.
 *   The same key with the same parameters gets the same answer; with other parameters it is refused
 *   (400 `INVALID_REQUEST`), so a retried call can never create a second order or refund.
 */
import { z } from 'zod';
import { concatBytes, utf8Encode } from '../encoding.ts';
import { formatAmount, parseAmount } from '../money.ts';

// ---------------------------------------------------------------------------------------------
// Names, limits and the schedule

export const QRPAY_AUTH_SCHEME = 'QRPAY-SHA256-RSA2048';
/** Header names, lower-case as Node hands them over (HTTP header names are case-insensitive). */
export const QRPAY_HEADER = {
  serial: 'qrpay-serial',
  signature: 'qrpay-signature',
  timestamp: 'qrpay-timestamp',
  nonce: 'qrpay-nonce',
  requestId: 'request-id',
} as const;
/** A signed message older or newer than this is refused (replay protection on both sides). */
export const QRPAY_MAX_CLOCK_SKEW_SECONDS = 300;
/** The merchant must answer a callback within this time, or the delivery counts as failed. */
export const QRPAY_NOTIFY_ANSWER_TIMEOUT_MS = 5000;
/**
 * Seconds between callback deliveries after a failed one, as the provider documents it
 * (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h, about 24 h 4 min), then it gives up:
 * delivery is not promised, and the merchant must query the order.
 */
export const QRPAY_NOTIFY_RETRY_SECONDS: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
];
/** Micropay: query every 5 s while the customer is still paying, reverse after 30 s. */
export const QRPAY_MICROPAY_POLL_MS = 5000;
export const QRPAY_MICROPAY_DEADLINE_MS = 30_000;

export const QRPAY_PATH = {
  native: '/v3/pay/transactions/native',
  codepay: '/v3/pay/transactions/codepay',
  /** GET `?mchid=…` */
  order: (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`,
  close: (outTradeNo: string) => `${QRPAY_PATH.order(outTradeNo)}/close`,
  reverse: (outTradeNo: string) => `${QRPAY_PATH.order(outTradeNo)}/reverse`,
  refunds: '/v3/refund/domestic/refunds',
  refund: (outRefundNo: string) => `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
  /** GET `?bill_date=YYYY-MM-DD&bill_type=ALL` */
  tradeBill: '/v3/bill/tradebill',
  billDownload: '/v3/billdownload/file',
} as const;

// ---------------------------------------------------------------------------------------------
// Failures: stable codes for everything that can go wrong on the merchant's side of the wire

export const QRPAY_FAILURE_CODES = [
  /** A 2xx answer or a callback without signature headers: forged. */
  'signature_missing',
  'signature_invalid',
  /** Signed with a platform key serial the merchant has not configured. */
  'unknown_serial',
  'stale_timestamp',
  /** Signed correctly but not the shape the API defines. */
  'malformed',
  'decrypt_failed',
  /** The provider refused, in a signed answer: `providerCode` says why. */
  'provider_error',
  /** The provider refused without signing (e.g. 401 SIGN_ERROR): unauthenticated, outcome unknown. */
  'unsigned_error',
  'timeout',
  'network',
  /** A downloaded statement does not match the hash in the signed answer. */
  'hash_mismatch',
] as const;
export type QrpayFailureCode = (typeof QRPAY_FAILURE_CODES)[number];

export interface QrpayFailure {
  code: QrpayFailureCode;
  message: string;
  /** HTTP status of the provider's answer, where there was one. */
  status?: number;
  /** The provider's own error code (`ORDER_NOT_EXIST`, `PARAM_ERROR`…) for `provider_error`. */
  providerCode?: string;
}

export type QrpayResult<T> = { ok: true; value: T } | { ok: false; error: QrpayFailure };

export function qrpayOk<T>(value: T): QrpayResult<T> {
  return { ok: true, value };
}

export function qrpayFail(
  code: QrpayFailureCode,
  message: string,
  extra: { status?: number; providerCode?: string } = {},
): QrpayResult<never> {
  return { ok: false, error: { code, message, ...extra } };
}

/** The provider's error codes and their HTTP statuses (the subset the sandbox speaks). */
export const QRPAY_PROVIDER_ERRORS = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  ORDERPAID: 400,
  ORDER_CLOSED: 400,
  AUTH_CODE_INVALID: 400,
  SIGN_ERROR: 401,
  NOT_ENOUGH: 403,
  ORDER_NOT_EXIST: 404,
  RESOURCE_NOT_EXISTS: 404,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
} as const;
export type QrpayProviderError = keyof typeof QRPAY_PROVIDER_ERRORS;

export const QrpayErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  detail: z.object({ field: z.string().optional(), issue: z.string().optional() }).optional(),
});
export type QrpayErrorBody = z.infer<typeof QrpayErrorBody>;

// ---------------------------------------------------------------------------------------------
// Signed messages and headers

export interface RequestToSign {
  method: string;
  /** Path and query exactly as sent, without scheme and host: `/v3/pay/transactions/native`. */
  url: string;
  timestamp: string;
  nonce: string;
  /** The body bytes exactly as sent; empty for GET. */
  body: Uint8Array;
}

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`: what the merchant signs and the provider verifies. */
export function requestSignatureMessage(r: RequestToSign): Uint8Array {
  return concatBytes(
    utf8Encode(`${r.method.toUpperCase()}\n${r.url}\n${r.timestamp}\n${r.nonce}\n`),
    r.body,
    utf8Encode('\n'),
  );
}

/** `TIMESTAMP\nNONCE\nBODY\n` over the raw body: what the provider signs on answers and callbacks. */
export function answerSignatureMessage(a: {
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}): Uint8Array {
  return concatBytes(utf8Encode(`${a.timestamp}\n${a.nonce}\n`), a.body, utf8Encode('\n'));
}

const Token = z.string().regex(/^[A-Za-z0-9]{1,64}$/);
const Timestamp = z.string().regex(/^\d{1,12}$/);
const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
export const Mchid = z.string().regex(/^\d{1,32}$/);
export const Appid = z.string().regex(/^[A-Za-z0-9_]{1,32}$/);
/** A platform or merchant key serial: upper-case hex, as certificate serials are written. */
export const KeySerial = z.string().regex(/^[0-9A-F]{8,64}$/);
/** The merchant's APIv3 key: 32 characters whose bytes are the AES-256 key. */
export const ApiV3Key = z.string().regex(/^[A-Za-z0-9]{32}$/);

/**
 * What a merchant configures to talk to the provider: its ids, its own signing key (the private
 * key never leaves the merchant), its APIv3 key, and the platform public keys it trusts by serial
 * (more than one while the provider rotates keys). The sandbox writes one of these for its demo
 * merchant; the merchant client takes one.
 */
export const QrpayMerchantConfig = z.object({
  mchid: Mchid,
  appid: Appid,
  merchantSerial: KeySerial,
  merchantPrivateKeyPem: z.string().includes('PRIVATE KEY'),
  apiV3Key: ApiV3Key,
  platformKeys: z
    .array(z.object({ serial: KeySerial, publicKeyPem: z.string().includes('PUBLIC KEY') }))
    .min(1),
});
export type QrpayMerchantConfig = z.infer<typeof QrpayMerchantConfig>;

export interface QrpayAuthorization {
  mchid: string;
  serialNo: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

export function formatAuthorization(a: QrpayAuthorization): string {
  return (
    `${QRPAY_AUTH_SCHEME} mchid="${a.mchid}",nonce_str="${a.nonce}",timestamp="${a.timestamp}",` +
    `serial_no="${a.serialNo}",signature="${a.signature}"`
  );
}

const AuthorizationFields = z.object({
  mchid: Mchid,
  nonce_str: Token,
  timestamp: Timestamp,
  serial_no: KeySerial,
  signature: Base64,
});

/** Reads an `Authorization` header; the five fields may come in any order, as the docs allow. */
export function parseAuthorization(header: string | undefined): QrpayResult<QrpayAuthorization> {
  if (header === undefined) return qrpayFail('signature_missing', 'no Authorization header');
  const prefix = `${QRPAY_AUTH_SCHEME} `;
  if (!header.startsWith(prefix))
    return qrpayFail('signature_invalid', `expected the ${QRPAY_AUTH_SCHEME} scheme`);
  const fields: Record<string, string> = {};
  for (const part of header.slice(prefix.length).split(',')) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (match === null) return qrpayFail('signature_invalid', 'malformed Authorization field');
    const [, name = '', value = ''] = match;
    if (Object.hasOwn(fields, name)) return qrpayFail('signature_invalid', `Authorization repeats ${name}`);
    fields[name] = value;
  }
  const parsed = AuthorizationFields.safeParse(fields);
  if (!parsed.success) return qrpayFail('signature_invalid', 'Authorization lacks a field or has a bad one');
  const f = parsed.data;
  return qrpayOk({
    mchid: f.mchid,
    serialNo: f.serial_no,
    nonce: f.nonce_str,
    timestamp: f.timestamp,
    signature: f.signature,
  });
}

export interface QrpaySignature {
  serial: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

export function signatureHeaders(s: QrpaySignature): Record<string, string> {
  return {
    [QRPAY_HEADER.serial]: s.serial,
    [QRPAY_HEADER.signature]: s.signature,
    [QRPAY_HEADER.timestamp]: s.timestamp,
    [QRPAY_HEADER.nonce]: s.nonce,
  };
}

/** Headers as Node gives them (`IncomingHttpHeaders`) or `Object.fromEntries(fetchHeaders)`. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

/** The four signature headers, or `signature_missing` when there are none at all. */
export function readSignatureHeaders(headers: HeaderBag): QrpayResult<QrpaySignature> {
  const serial = headerValue(headers, QRPAY_HEADER.serial);
  const signature = headerValue(headers, QRPAY_HEADER.signature);
  const timestamp = headerValue(headers, QRPAY_HEADER.timestamp);
  const nonce = headerValue(headers, QRPAY_HEADER.nonce);
  if (serial === undefined && signature === undefined && timestamp === undefined && nonce === undefined) {
    return qrpayFail('signature_missing', 'the message carries no signature');
  }
  if (
    !KeySerial.safeParse(serial).success ||
    !Base64.safeParse(signature).success ||
    !Timestamp.safeParse(timestamp).success ||
    !Token.safeParse(nonce).success
  ) {
    return qrpayFail('signature_invalid', 'incomplete or malformed signature headers');
  }
  return qrpayOk({
    serial: serial ?? '',
    signature: signature ?? '',
    timestamp: timestamp ?? '',
    nonce: nonce ?? '',
  });
}

/** Refuses a signed timestamp (seconds) more than the allowed skew away from `nowMs`. */
export function checkTimestamp(
  timestamp: string,
  nowMs: number,
  maxSkewSeconds = QRPAY_MAX_CLOCK_SKEW_SECONDS,
): QrpayResult<null> {
  const seconds = Number(timestamp);
  if (!Number.isSafeInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > maxSkewSeconds) {
    return qrpayFail('stale_timestamp', `signed at ${timestamp}, more than ${maxSkewSeconds} s from now`);
  }
  return qrpayOk(null);
}

// ---------------------------------------------------------------------------------------------
// Time as the API writes it

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function shifted(epochMs: number, offsetMinutes: number): Date {
  return new Date(epochMs + offsetMinutes * 60_000);
}

/** RFC 3339 with the offset, to the second: `2015-05-20T13:29:35+08:00`. */
export function rfc3339(epochMs: number, offsetMinutes: number): string {
  const d = shifted(epochMs, offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The statement day (`YYYY-MM-DD`) an instant falls on, in the provider's time zone. */
export function billDate(epochMs: number, offsetMinutes: number): string {
  return rfc3339(epochMs, offsetMinutes).slice(0, 10);
}

/** `YYYY-MM-DD HH:mm:ss` in the provider's time zone, as statements write trade times. */
export function billTime(epochMs: number, offsetMinutes: number): string {
  return rfc3339(epochMs, offsetMinutes).slice(0, 19).replace('T', ' ');
}

export const Rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/, 'an RFC 3339 time with offset');
export const BillDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

// ---------------------------------------------------------------------------------------------
// Bodies: orders

/** Merchant order number: 6–32 of digits, letters, `_ - | *`, unique per merchant. */
export const OutTradeNo = z.string().regex(/^[0-9A-Za-z_\-|*]{6,32}$/);
export const OutRefundNo = z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/);
const Currency = z.string().regex(/^[A-Z]{3}$/);
const MinorUnits = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const NotifyUrl = z.url().max(255);

export const OrderAmount = z.object({ total: MinorUnits, currency: Currency });

export const NativeOrderRequest = z.object({
  appid: Appid,
  mchid: Mchid,
  description: z.string().min(1).max(127),
  out_trade_no: OutTradeNo,
  time_expire: Rfc3339.optional(),
  attach: z.string().max(128).optional(),
  notify_url: NotifyUrl,
  amount: OrderAmount,
});
export type NativeOrderRequest = z.infer<typeof NativeOrderRequest>;

export const NativeOrderAnswer = z.object({ code_url: z.string().min(1).max(256) });
export type NativeOrderAnswer = z.infer<typeof NativeOrderAnswer>;

/** A customer's payment code: 18 digits beginning 10–15, read by the cashier's scanner. */
export const AuthCode = z.string().regex(/^1[0-5]\d{16}$/, 'a payment code is 18 digits starting 10–15');

export const CodepayRequest = z.object({
  appid: Appid,
  mchid: Mchid,
  description: z.string().min(1).max(127),
  out_trade_no: OutTradeNo,
  attach: z.string().max(128).optional(),
  payer: z.object({ auth_code: AuthCode }),
  amount: OrderAmount,
  scene_info: z.object({ store_info: z.object({ out_id: z.string().min(1).max(32) }) }),
});
export type CodepayRequest = z.infer<typeof CodepayRequest>;

export const TradeState = z.enum([
  'SUCCESS',
  'REFUND',
  'NOTPAY',
  'CLOSED',
  'REVOKED',
  'USERPAYING',
  'PAYERROR',
]);
export type TradeState = z.infer<typeof TradeState>;

export const Transaction = z.object({
  appid: Appid,
  mchid: Mchid,
  out_trade_no: OutTradeNo,
  transaction_id: z.string().min(1).max(32).optional(),
  trade_type: z.enum(['NATIVE', 'MICROPAY']).optional(),
  trade_state: TradeState,
  trade_state_desc: z.string().max(256),
  bank_type: z.string().max(32).optional(),
  attach: z.string().max(128).optional(),
  success_time: Rfc3339.optional(),
  payer: z.object({ openid: z.string().max(128) }).optional(),
  amount: z
    .object({
      total: MinorUnits,
      payer_total: z.number().int().min(0).optional(),
      currency: Currency,
      payer_currency: Currency.optional(),
    })
    .optional(),
});
export type Transaction = z.infer<typeof Transaction>;

/** While the customer confirms on their phone the codepay answer says only this: poll by query. */
export const CodepayUserPaying = z.object({ trade_state: z.literal('USERPAYING') });
export const CodepayAnswer = z.union([Transaction, CodepayUserPaying]);
export type CodepayAnswer = z.infer<typeof CodepayAnswer>;

export const CloseOrderRequest = z.object({ mchid: Mchid });
export const ReverseOrderRequest = z.object({ appid: Appid, mchid: Mchid });
export const ReverseOrderAnswer = z.object({ appid: Appid, mchid: Mchid, out_trade_no: OutTradeNo });

// ---------------------------------------------------------------------------------------------
// Bodies: refunds

export const RefundStatus = z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']);
export type RefundStatus = z.infer<typeof RefundStatus>;

export const RefundRequest = z.object({
  out_trade_no: OutTradeNo,
  out_refund_no: OutRefundNo,
  reason: z.string().max(80).optional(),
  notify_url: NotifyUrl.optional(),
  amount: z.object({ refund: MinorUnits, total: MinorUnits, currency: Currency }),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

const RefundAmounts = z.object({
  total: MinorUnits,
  refund: MinorUnits,
  payer_total: z.number().int().min(0),
  payer_refund: z.number().int().min(0),
  currency: Currency,
});

export const Refund = z.object({
  refund_id: z.string().min(1).max(32),
  out_refund_no: OutRefundNo,
  transaction_id: z.string().min(1).max(32),
  out_trade_no: OutTradeNo,
  channel: z.enum(['ORIGINAL', 'BALANCE', 'OTHER_BALANCE', 'OTHER_BANKCARD']),
  user_received_account: z.string().max(64),
  success_time: Rfc3339.optional(),
  create_time: Rfc3339,
  status: RefundStatus,
  amount: RefundAmounts,
});
export type Refund = z.infer<typeof Refund>;

/** What a refund callback decrypts to. */
export const RefundNotice = z.object({
  mchid: Mchid,
  out_trade_no: OutTradeNo,
  transaction_id: z.string().min(1).max(32),
  out_refund_no: OutRefundNo,
  refund_id: z.string().min(1).max(32),
  refund_status: RefundStatus,
  success_time: Rfc3339.optional(),
  user_received_account: z.string().max(64),
  amount: RefundAmounts.omit({ currency: true }),
});
export type RefundNotice = z.infer<typeof RefundNotice>;

// ---------------------------------------------------------------------------------------------
// Callbacks

export const NOTIFY_EVENT_TYPES = [
  'TRANSACTION.SUCCESS',
  'REFUND.SUCCESS',
  'REFUND.ABNORMAL',
  'REFUND.CLOSED',
] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

export const EncryptedResource = z.object({
  algorithm: z.literal('AEAD_AES_256_GCM'),
  ciphertext: Base64,
  /** 12 characters; its bytes are the GCM nonce. Unrelated to the signature's nonce. */
  nonce: z.string().regex(/^[A-Za-z0-9]{12}$/),
  associated_data: z.string().max(64),
  original_type: z.enum(['transaction', 'refund']),
});
export type EncryptedResource = z.infer<typeof EncryptedResource>;

export const NotifyEnvelope = z.object({
  /** The notification's id: the same on every redelivery of it. */
  id: z.string().min(1).max(36),
  create_time: Rfc3339,
  event_type: z.enum(NOTIFY_EVENT_TYPES),
  resource_type: z.literal('encrypt-resource'),
  summary: z.string().max(64),
  resource: EncryptedResource,
});
export type NotifyEnvelope = z.infer<typeof NotifyEnvelope>;

export type QrpayNotifyEvent =
  | {
      kind: 'transaction';
      id: string;
      createTime: string;
      eventType: 'TRANSACTION.SUCCESS';
      transaction: Transaction;
    }
  | {
      kind: 'refund';
      id: string;
      createTime: string;
      eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
      refund: RefundNotice;
    };

/** The typed event from a verified envelope and its decrypted resource (JSON text). */
export function notifyEvent(envelope: NotifyEnvelope, plaintext: string): QrpayResult<QrpayNotifyEvent> {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    return qrpayFail('malformed', 'the decrypted resource is not JSON');
  }
  const base = { id: envelope.id, createTime: envelope.create_time };
  const type = envelope.event_type;
  if (type === 'TRANSACTION.SUCCESS' && envelope.resource.original_type === 'transaction') {
    const transaction = Transaction.safeParse(json);
    if (!transaction.success || transaction.data.trade_state !== 'SUCCESS') {
      return qrpayFail('malformed', 'a TRANSACTION.SUCCESS resource that is not a paid transaction');
    }
    return qrpayOk({ kind: 'transaction', ...base, eventType: type, transaction: transaction.data });
  }
  if (type !== 'TRANSACTION.SUCCESS' && envelope.resource.original_type === 'refund') {
    const refund = RefundNotice.safeParse(json);
    if (!refund.success || `REFUND.${refund.data.refund_status}` !== type) {
      return qrpayFail('malformed', `a ${type} resource that does not say so`);
    }
    return qrpayOk({ kind: 'refund', ...base, eventType: type, refund: refund.data });
  }
  return qrpayFail('malformed', `event ${type} with a ${envelope.resource.original_type} resource`);
}

/** What the merchant answers a callback it could not take: the provider will deliver it again. */
export const NOTIFY_FAIL_ANSWER = { code: 'FAIL', message: 'not processed' } as const;

// ---------------------------------------------------------------------------------------------
// Daily statement (trade bill)

export const TradeBillType = z.enum(['ALL', 'SUCCESS', 'REFUND']);
export const TradeBillAnswer = z.object({
  hash_type: z.literal('SHA1'),
  hash_value: z.string().regex(/^[0-9a-f]{40}$/),
  download_url: z.url(),
});
export type TradeBillAnswer = z.infer<typeof TradeBillAnswer>;

/**
 * The statement's columns, as the provider writes them (its header is in Chinese); each is
 * named here by what it holds. Amounts are in minor units here and in major units (元) in the file.
 */
export const TRADE_BILL_COLUMNS = [
  ['tradeTime', '交易时间'],
  ['appid', '公众账号ID'],
  ['mchid', '商户号'],
  ['subMchid', '特约商户号'],
  ['deviceInfo', '设备号'],
  ['transactionId', '微信订单号'],
  ['outTradeNo', '商户订单号'],
  ['openid', '用户标识'],
  ['tradeType', '交易类型'],
  ['tradeState', '交易状态'],
  ['bankType', '付款银行'],
  ['currency', '货币种类'],
  ['settlementTotal', '应结订单金额'],
  ['couponAmount', '代金券金额'],
  ['refundId', '微信退款单号'],
  ['outRefundNo', '商户退款单号'],
  ['refundAmount', '退款金额'],
  ['couponRefundAmount', '充值券退款金额'],
  ['refundType', '退款类型'],
  ['refundStatus', '退款状态'],
  ['description', '商品名称'],
  ['attach', '商户数据包'],
  ['fee', '手续费'],
  ['rate', '费率'],
  ['orderAmount', '订单金额'],
  ['requestedRefundAmount', '申请退款金额'],
  ['rateNote', '费率备注'],
] as const;
export const TRADE_BILL_SUMMARY_COLUMNS = [
  ['count', '总交易单数'],
  ['settlementTotal', '应结订单总金额'],
  ['refundTotal', '退款总金额'],
  ['couponRefundTotal', '充值券退款总金额'],
  ['feeTotal', '手续费总金额'],
  ['orderTotal', '订单总金额'],
  ['requestedRefundTotal', '申请退款总金额'],
] as const;

type BillColumn = (typeof TRADE_BILL_COLUMNS)[number][0];
const AMOUNT_COLUMNS = new Set<BillColumn>([
  'settlementTotal',
  'couponAmount',
  'refundAmount',
  'couponRefundAmount',
  'fee',
  'orderAmount',
  'requestedRefundAmount',
]);
type AmountColumn =
  | 'settlementTotal'
  | 'couponAmount'
  | 'refundAmount'
  | 'couponRefundAmount'
  | 'fee'
  | 'orderAmount'
  | 'requestedRefundAmount';

/** One statement line: a payment (`tradeState` SUCCESS) or a refund (REFUND, with refund fields). */
export type TradeBillRow = { [K in Exclude<BillColumn, AmountColumn>]: string } & {
  [K in AmountColumn]: number;
};

export interface TradeBillSummary {
  count: number;
  settlementTotal: number;
  refundTotal: number;
  couponRefundTotal: number;
  feeTotal: number;
  orderTotal: number;
  requestedRefundTotal: number;
}

export interface TradeBill {
  rows: TradeBillRow[];
  summary: TradeBillSummary;
}

/** A row with every text empty and every amount zero, to fill in. */
export function blankTradeBillRow(): TradeBillRow {
  const row: Record<string, string | number> = {};
  for (const [key] of TRADE_BILL_COLUMNS) row[key] = AMOUNT_COLUMNS.has(key) ? 0 : '';
  // Every column was just set with the type its name calls for.
  return row as TradeBillRow;
}

/** Text fields may not hold the file's separators; the provider's own files have the same rule. */
function billText(value: string): string {
  return value.replace(/[,`\r\n]/g, ' ');
}

function summarise(rows: readonly TradeBillRow[]): TradeBillSummary {
  const sum = (column: AmountColumn): number => rows.reduce((total, row) => total + row[column], 0);
  return {
    count: rows.length,
    settlementTotal: sum('settlementTotal'),
    refundTotal: sum('refundAmount'),
    couponRefundTotal: sum('couponRefundAmount'),
    feeTotal: sum('fee'),
    orderTotal: sum('orderAmount'),
    requestedRefundTotal: sum('requestedRefundAmount'),
  };
}

/**
 * The statement file: a header line, one line per row with every field prefixed by a backtick
 * (so spreadsheets keep long numbers as text), then the summary header and the summary line.
 * Lines end in CRLF. Amounts are written in major units of `currency`.
 */
export function formatTradeBill(rows: readonly TradeBillRow[], currency: string): string {
  const lines = [TRADE_BILL_COLUMNS.map(([, title]) => title).join(',')];
  for (const row of rows) {
    lines.push(
      TRADE_BILL_COLUMNS.map(([key]) => {
        const value = row[key];
        return `\`${typeof value === 'number' ? formatAmount(value, currency) : billText(value)}`;
      }).join(','),
    );
  }
  const summary = summarise(rows);
  lines.push(TRADE_BILL_SUMMARY_COLUMNS.map(([, title]) => title).join(','));
  lines.push(
    TRADE_BILL_SUMMARY_COLUMNS.map(([key]) =>
      key === 'count' ? `\`${summary.count}` : `\`${formatAmount(summary[key], currency)}`,
    ).join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads a statement file back, amounts to minor units by string arithmetic (never floats). */
export function parseTradeBill(text: string, currency: string): QrpayResult<TradeBill> {
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  const header = TRADE_BILL_COLUMNS.map(([, title]) => title).join(',');
  const summaryHeader = TRADE_BILL_SUMMARY_COLUMNS.map(([, title]) => title).join(',');
  if (lines[0] !== header) return qrpayFail('malformed', 'the statement does not start with its header');
  const summaryAt = lines.indexOf(summaryHeader);
  if (summaryAt < 1 || summaryAt !== lines.length - 2) {
    return qrpayFail('malformed', 'the statement does not end with its summary');
  }
  const fields = (line: string, count: number): string[] | undefined => {
    const parts = line.split(',');
    if (parts.length !== count || !parts.every((p) => p.startsWith('`'))) return undefined;
    return parts.map((p) => p.slice(1));
  };
  const amount = (value: string): number | undefined => {
    const parsed = parseAmount(value, currency);
    return parsed.ok ? parsed.value : undefined;
  };
  const rows: TradeBillRow[] = [];
  for (const [index, line] of lines.slice(1, summaryAt).entries()) {
    const values = fields(line, TRADE_BILL_COLUMNS.length);
    if (values === undefined)
      return qrpayFail('malformed', `statement line ${index + 2} has the wrong fields`);
    const row: Record<string, string | number> = {};
    for (const [i, [key]] of TRADE_BILL_COLUMNS.entries()) {
      const value = values[i] ?? '';
      if (!AMOUNT_COLUMNS.has(key)) {
        row[key] = value;
        continue;
      }
      const minor = amount(value);
      if (minor === undefined) return qrpayFail('malformed', `statement line ${index + 2}: bad ${key}`);
      row[key] = minor;
    }
    // Every column was read and converted above, field by field.
    rows.push(row as TradeBillRow);
  }
  const totals = fields(lines[summaryAt + 1] ?? '', TRADE_BILL_SUMMARY_COLUMNS.length);
  if (totals === undefined) return qrpayFail('malformed', 'the statement summary has the wrong fields');
  const summary = summarise(rows);
  const written: Record<string, number | undefined> = {};
  for (const [i, [key]] of TRADE_BILL_SUMMARY_COLUMNS.entries()) {
    const value = totals[i] ?? '';
    written[key] = key === 'count' ? (/^\d+$/.test(value) ? Number(value) : undefined) : amount(value);
  }
  for (const [key] of TRADE_BILL_SUMMARY_COLUMNS) {
    if (written[key] !== summary[key]) {
      return qrpayFail('malformed', `the statement summary's ${key} does not add up`);
    }
  }
  return qrpayOk({ rows, summary });
}
