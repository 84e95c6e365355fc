import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../encoding.ts';
import {
  answerSignatureMessage,
  billDate,
  blankTradeBillRow,
  billTime,
  checkTimestamp,
  formatAuthorization,
  formatTradeBill,
  NativeOrderRequest,
  notifyEvent,
  parseAuthorization,
  parseTradeBill,
  QRPAY_NOTIFY_RETRY_SECONDS,
  readSignatureHeaders,
  requestSignatureMessage,
  rfc3339,
  type NotifyEnvelope,
  type TradeBillRow,
} from './qrpay.ts';

const text = (bytes: Uint8Array): string => {
  const decoded = utf8Decode(bytes);
  if (!decoded.ok) throw new Error('not utf-8');
  return decoded.value;
};

describe('QR-pay signed messages', () => {
  it('builds the request message line by line, the empty body of a GET included', () => {
    // The documented example for a GET without a body.
    const message = requestSignatureMessage({
      method: 'get',
      url: '/v3/certificates',
      timestamp: '1554208460',
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
      body: new Uint8Array(),
    });
    expect(text(message)).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
  });

  it('signs the raw body bytes of answers, so a re-serialised body would not verify', () => {
    const body = utf8Encode('{"code_url":"qrpay://x",  "a":1}');
    expect(text(answerSignatureMessage({ timestamp: '1', nonce: 'N', body }))).toBe(
      '1\nN\n{"code_url":"qrpay://x",  "a":1}\n',
    );
  });

  it('round-trips the Authorization header whatever the field order', () => {
    const auth = {
      mchid: '1900000109',
      serialNo: 'ABCDEF0123',
      nonce: 'n0nce',
      timestamp: '1700000000',
      signature: 'c2ln+/==',
    };
    expect(parseAuthorization(formatAuthorization(auth))).toEqual({ ok: true, value: auth });
    const shuffled =
      'QRPAY-SHA256-RSA2048 signature="c2ln+/==",serial_no="ABCDEF0123",timestamp="1700000000",nonce_str="n0nce",mchid="1900000109"';
    expect(parseAuthorization(shuffled)).toEqual({ ok: true, value: auth });
  });

  it('refuses a missing, foreign, repeated or incomplete Authorization with a stable code', () => {
    expect(parseAuthorization(undefined)).toMatchObject({ ok: false, error: { code: 'signature_missing' } });
    for (const bad of [
      'Bearer abc',
      'QRPAY-SHA256-RSA2048 mchid="1",mchid="2"',
      'QRPAY-SHA256-RSA2048 mchid="1900000109",nonce_str="n",timestamp="1",serial_no="ABCDEF01"',
      'QRPAY-SHA256-RSA2048 mchid=1900000109',
    ]) {
      expect(parseAuthorization(bad)).toMatchObject({ ok: false, error: { code: 'signature_invalid' } });
    }
  });

  it('tells a message without signature from one with a broken signature', () => {
    expect(readSignatureHeaders({ 'content-type': 'application/json' })).toMatchObject({
      ok: false,
      error: { code: 'signature_missing' },
    });
    expect(readSignatureHeaders({ 'Qrpay-Serial': 'ABCDEF01', 'qrpay-signature': 'x' })).toMatchObject({
      ok: false,
      error: { code: 'signature_invalid' },
    });
    expect(
      readSignatureHeaders({
        'Qrpay-Serial': 'ABCDEF01',
        'Qrpay-Signature': 'c2ln',
        'Qrpay-Timestamp': '1700000000',
        'Qrpay-Nonce': ['abc', 'def'],
      }),
    ).toEqual({
      ok: true,
      value: { serial: 'ABCDEF01', signature: 'c2ln', timestamp: '1700000000', nonce: 'abc' },
    });
  });

  it('refuses timestamps more than five minutes away (replayed or forged callbacks)', () => {
    const now = 1_700_000_000_000;
    expect(checkTimestamp('1700000000', now).ok).toBe(true);
    expect(checkTimestamp('1699999700', now).ok).toBe(true);
    expect(checkTimestamp('1699999699', now)).toMatchObject({
      ok: false,
      error: { code: 'stale_timestamp' },
    });
    expect(checkTimestamp('1700000301', now).ok).toBe(false);
  });

  it('keeps the documented retry schedule: about 24 hours in 15 more deliveries', () => {
    expect(QRPAY_NOTIFY_RETRY_SECONDS.slice(0, 4)).toEqual([15, 15, 30, 180]);
    const total = QRPAY_NOTIFY_RETRY_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBe(24 * 3600 + 4 * 60);
  });
});

describe('QR-pay bodies', () => {
  it('accepts a native order as documented and refuses a float amount', () => {
    const order = {
      appid: 'wxd678efh567hg6787',
      mchid: '1230000109',
      description: 'Marquee - Hall 3 - 2 tickets',
      out_trade_no: 'M20261202193000a1',
      notify_url: 'https://cinema.example/qrpay/notify',
      amount: { total: 9000, currency: 'CNY' },
    };
    expect(NativeOrderRequest.safeParse(order).success).toBe(true);
    expect(NativeOrderRequest.safeParse({ ...order, amount: { total: 90.5, currency: 'CNY' } }).success).toBe(
      false,
    );
    expect(NativeOrderRequest.safeParse({ ...order, out_trade_no: 'short' }).success).toBe(false);
  });

  it('writes times as the API does, in the provider time zone', () => {
    const at = Date.parse('2015-05-20T05:29:35Z');
    expect(rfc3339(at, 480)).toBe('2015-05-20T13:29:35+08:00');
    expect(rfc3339(at, -150)).toBe('2015-05-20T02:59:35-02:30');
    expect(billDate(Date.parse('2026-12-02T16:30:00Z'), 480)).toBe('2026-12-03');
    expect(billTime(at, 480)).toBe('2015-05-20 13:29:35');
  });

  const envelope = (event: NotifyEnvelope['event_type'], type: 'transaction' | 'refund'): NotifyEnvelope => ({
    id: 'EV-1',
    create_time: '2026-12-02T19:30:00+08:00',
    event_type: event,
    resource_type: 'encrypt-resource',
    summary: 'ok',
    resource: {
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: 'AA==',
      nonce: 'abcdefghijkl',
      associated_data: type,
      original_type: type,
    },
  });
  const paid = {
    appid: 'wxd678efh567hg6787',
    mchid: '1230000109',
    out_trade_no: 'M20261202193000a1',
    transaction_id: '4200000001',
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    trade_state_desc: 'paid',
    amount: { total: 9000, payer_total: 9000, currency: 'CNY', payer_currency: 'CNY' },
  };

  it('turns a verified, decrypted callback into a typed event', () => {
    const event = notifyEvent(envelope('TRANSACTION.SUCCESS', 'transaction'), JSON.stringify(paid));
    expect(event).toMatchObject({
      ok: true,
      value: { kind: 'transaction', transaction: { amount: { total: 9000 } } },
    });
  });

  it('refuses a callback whose resource contradicts its event type', () => {
    const unpaid = JSON.stringify({ ...paid, trade_state: 'NOTPAY' });
    expect(notifyEvent(envelope('TRANSACTION.SUCCESS', 'transaction'), unpaid)).toMatchObject({
      ok: false,
      error: { code: 'malformed' },
    });
    expect(notifyEvent(envelope('REFUND.SUCCESS', 'transaction'), JSON.stringify(paid)).ok).toBe(false);
    expect(notifyEvent(envelope('TRANSACTION.SUCCESS', 'transaction'), 'not json').ok).toBe(false);
  });
});

describe('QR-pay daily statement', () => {
  const row = (overrides: Partial<TradeBillRow>): TradeBillRow => ({
    ...blankTradeBillRow(),
    tradeTime: '2026-12-02 19:30:00',
    appid: 'wxd678efh567hg6787',
    mchid: '1230000109',
    transactionId: '4200000001',
    outTradeNo: 'M20261202193000a1',
    tradeType: 'NATIVE',
    tradeState: 'SUCCESS',
    currency: 'CNY',
    description: 'Marquee, Hall 3',
    rate: '0.60%',
    settlementTotal: 9000,
    fee: 54,
    orderAmount: 9000,
    ...overrides,
  });

  it('writes the provider format: Chinese header, backtick fields, yuan amounts, summary', () => {
    const file = formatTradeBill([row({})], 'CNY');
    const lines = file.split('\r\n');
    expect(lines[0]).toMatch(/^交易时间,公众账号ID,商户号/);
    expect(lines[1]).toContain('`90.00');
    expect(lines[1]).toContain('`Marquee  Hall 3'); // the comma would split the field
    expect(lines[2]).toBe(
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    );
    expect(lines[3]).toBe('`1,`90.00,`0.00,`0.00,`0.54,`90.00,`0.00');
  });

  it('reads back exactly what it wrote, to the fen', () => {
    const amount = fc.integer({ min: 0, max: 10_000_000_00 });
    fc.assert(
      fc.property(fc.array(fc.tuple(amount, amount), { maxLength: 5 }), (amounts) => {
        const rows = amounts.map(([paid, refunded]) =>
          row({ settlementTotal: paid, orderAmount: paid, refundAmount: refunded, description: 'Marquee' }),
        );
        const bill = parseTradeBill(formatTradeBill(rows, 'CNY'), 'CNY');
        expect(bill.ok && bill.value.rows).toEqual(rows);
      }),
    );
  });

  it('refuses a statement whose summary does not add up or whose lines are cut', () => {
    const file = formatTradeBill([row({}), row({ outTradeNo: 'M20261202193000a2' })], 'CNY');
    expect(parseTradeBill(file.replace('`180.00', '`170.00'), 'CNY')).toMatchObject({
      ok: false,
      error: { code: 'malformed' },
    });
    expect(parseTradeBill(file.split('\r\n').slice(0, 2).join('\r\n'), 'CNY').ok).toBe(false);
    expect(parseTradeBill(file.replace('`90.00', '`90.0.0'), 'CNY').ok).toBe(false);
  });
});
