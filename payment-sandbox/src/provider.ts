/**
 * Over 400 lines on purpose: one provider's order, refund, callback and statement state share one store.
 *
 * What the QR-pay provider does, behind its HTTP API and its "phone": native orders, payment-code
 * (micropay) orders, close and reverse, asynchronous refunds, callbacks and the daily statement.
 * Every answer is `{status, body}` exactly as the API sends it; the HTTP layer only signs it.
 *
 * Faithful where it matters to a merchant: `out_trade_no` / `out_refund_no` are idempotency keys
 * (same parameters → same answer, other parameters → 400 INVALID_REQUEST), a paid order is never
 * paid twice, refunds are PROCESSING first and finish later, callbacks only say "paid" (failures
 * are learned by query), payment-code orders have no callback at all, and a reversed payment
 * gives the money back.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  billDate,
  billTime,
  blankTradeBillRow,
  formatTradeBill,
  rfc3339,
  type CodepayRequest,
  type NativeOrderRequest,
  type NotifyEnvelope,
  type NotifyEventType,
  type QrpayErrorBody,
  type QrpayProviderError,
  QRPAY_PATH,
  QRPAY_PROVIDER_ERRORS,
  Refund,
  type RefundNotice,
  type RefundRequest,
  type RefundStatus,
  type TradeBillRow,
  Transaction,
  type TradeBillType,
} from '@marquee/shared/payment-wire/qrpay';
import { encryptResource, randomDigits, randomToken, sha1Hex } from './crypto.ts';
import { ActionRefused } from './refusal.ts';
import { getSetting, type Db, type MerchantRow, type OrderRow, type RefundRow } from './store.ts';

export interface Answer {
  status: number;
  /** JSON-serialised as the answer body; a string is sent as is (statements). */
  body?: unknown;
  /** Statements are downloaded unsigned (integrity comes from the hash in the signed answer). */
  unsigned?: boolean;
}

export function providerError(code: QrpayProviderError, message: string, field?: string): Answer {
  const body: QrpayErrorBody = {
    code,
    message,
    ...(field === undefined ? {} : { detail: { field, issue: message } }),
  };
  return { status: QRPAY_PROVIDER_ERRORS[code], body };
}

export type CallbackMode = 'normal' | 'drop' | 'delay';
export type FinalRefundStatus = Exclude<RefundStatus, 'PROCESSING'>;
export type PaymentCodeBehaviour = 'pay' | 'password' | 'decline';
export const PAYMENT_CODE_BEHAVIOURS: readonly PaymentCodeBehaviour[] = ['pay', 'password', 'decline'];

export interface ProviderOptions {
  now: () => number;
  /** Multiplies every delay (refund processing, callback delay); the tests compress time with it. */
  timeScale: number;
  /** The provider's time zone, minutes east of UTC (+08:00 for the real ones). */
  tzOffsetMinutes: number;
}

const TRADE_STATE_DESC: Record<string, string> = {
  NOTPAY: 'not paid',
  USERPAYING: 'waiting for the customer to confirm on their phone',
  SUCCESS: 'paid',
  REFUND: 'refund requested',
  CLOSED: 'closed',
  REVOKED: 'reversed',
  PAYERROR: 'payment failed: insufficient balance',
};

const SETTINGS = {
  refundDelayMs: 'refund.delayMs',
  refundOutcome: 'refund.outcome',
  micropayDefault: 'micropay.default',
} as const;

export class QrpayProvider {
  constructor(
    private readonly db: Db,
    private readonly options: ProviderOptions,
  ) {}

  // -------------------------------------------------------------------------------------------
  // The API

  native(m: MerchantRow, req: NativeOrderRequest): Answer {
    const mismatch = this.checkIds(m, req.appid, req.mchid);
    if (mismatch !== undefined) return mismatch;
    const fingerprint = JSON.stringify([
      'NATIVE',
      req.description,
      req.amount.total,
      req.amount.currency,
      req.notify_url,
      req.attach ?? null,
      req.time_expire ?? null,
    ]);
    const existing = this.order(m.mchid, req.out_trade_no);
    if (existing !== undefined) {
      if (existing.fingerprint !== fingerprint) return reused('out_trade_no');
      if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND') {
        return providerError('ORDERPAID', 'the order is already paid');
      }
      if (existing.trade_state !== 'NOTPAY') return providerError('ORDER_CLOSED', 'the order is closed');
      return { status: 200, body: { code_url: existing.code_url } };
    }
    const codeUrl = `qrpay://pay/bizpayurl?pr=${randomToken(12)}`;
    this.insertOrder(m, req, 'NATIVE', fingerprint, { notifyUrl: req.notify_url, codeUrl, authCode: null });
    return { status: 200, body: { code_url: codeUrl } };
  }

  codepay(m: MerchantRow, req: CodepayRequest): Answer {
    const mismatch = this.checkIds(m, req.appid, req.mchid);
    if (mismatch !== undefined) return mismatch;
    const fingerprint = JSON.stringify([
      'MICROPAY',
      req.description,
      req.amount.total,
      req.amount.currency,
      req.payer.auth_code,
      req.attach ?? null,
      req.scene_info.store_info.out_id,
    ]);
    const existing = this.order(m.mchid, req.out_trade_no);
    if (existing !== undefined) {
      return existing.fingerprint === fingerprint ? this.codepayAnswer(existing) : reused('out_trade_no');
    }
    const code = this.db
      .prepare('SELECT * FROM payment_codes WHERE auth_code = ?')
      .get(req.payer.auth_code) as { behaviour: PaymentCodeBehaviour; used_by: string | null } | undefined;
    if (code?.used_by != null) return providerError('AUTH_CODE_INVALID', 'the payment code was already used');
    const behaviour = code?.behaviour ?? this.micropayDefault();
    this.db.transaction(() => {
      this.insertOrder(m, req, 'MICROPAY', fingerprint, {
        notifyUrl: null,
        codeUrl: null,
        authCode: req.payer.auth_code,
      });
      this.db
        .prepare(
          `INSERT INTO payment_codes (auth_code, behaviour, used_by, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (auth_code) DO UPDATE SET used_by = excluded.used_by`,
        )
        .run(req.payer.auth_code, behaviour, req.out_trade_no, this.options.now());
      if (behaviour === 'pay') this.markPaid(m.mchid, req.out_trade_no);
      if (behaviour === 'decline') this.setState(m.mchid, req.out_trade_no, 'PAYERROR');
    })();
    return this.codepayAnswer(this.mustOrder(m.mchid, req.out_trade_no));
  }

  query(m: MerchantRow, outTradeNo: string, mchidParam: string | undefined): Answer {
    if (mchidParam !== m.mchid)
      return providerError('PARAM_ERROR', 'mchid must be the signing merchant', 'mchid');
    const order = this.order(m.mchid, outTradeNo);
    if (order === undefined) return providerError('ORDER_NOT_EXIST', 'no such order');
    return { status: 200, body: this.transaction(order) };
  }

  close(m: MerchantRow, outTradeNo: string, mchid: string): Answer {
    if (mchid !== m.mchid) return providerError('PARAM_ERROR', 'mchid must be the signing merchant', 'mchid');
    const order = this.order(m.mchid, outTradeNo);
    if (order === undefined) return providerError('ORDER_NOT_EXIST', 'no such order');
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') {
      return providerError('ORDERPAID', 'the order is paid: refund it instead');
    }
    if (order.trade_state !== 'CLOSED' && order.trade_state !== 'REVOKED')
      this.setState(m.mchid, outTradeNo, 'CLOSED');
    return { status: 204 };
  }

  reverse(m: MerchantRow, outTradeNo: string, body: { appid: string; mchid: string }): Answer {
    const mismatch = this.checkIds(m, body.appid, body.mchid);
    if (mismatch !== undefined) return mismatch;
    const order = this.order(m.mchid, outTradeNo);
    if (order === undefined) return providerError('ORDER_NOT_EXIST', 'no such order');
    if (order.trade_type !== 'MICROPAY') {
      return providerError('INVALID_REQUEST', 'only payment-code orders are reversed; close a native order');
    }
    if (order.trade_state === 'REFUND') {
      return providerError('INVALID_REQUEST', 'a refunded order cannot be reversed');
    }
    if (order.trade_state !== 'REVOKED') {
      // Reversing a payment that went through gives the money back.
      this.db
        .prepare(
          `UPDATE orders SET trade_state = 'REVOKED', trade_state_desc = ?, revoked_time = ?,
             refunded = CASE WHEN trade_state = 'SUCCESS' THEN total ELSE 0 END
           WHERE mchid = ? AND out_trade_no = ?`,
        )
        .run(
          order.trade_state === 'SUCCESS'
            ? 'reversed: the money went back to the customer'
            : TRADE_STATE_DESC.REVOKED,
          this.options.now(),
          m.mchid,
          outTradeNo,
        );
    }
    return { status: 200, body: { appid: m.appid, mchid: m.mchid, out_trade_no: outTradeNo } };
  }

  refund(m: MerchantRow, req: RefundRequest): Answer {
    const fingerprint = JSON.stringify([
      req.out_trade_no,
      req.amount.refund,
      req.amount.total,
      req.amount.currency,
      req.notify_url ?? null,
      req.reason ?? null,
    ]);
    const existing = this.refundRow(m.mchid, req.out_refund_no);
    if (existing !== undefined) {
      return existing.fingerprint === fingerprint
        ? { status: 200, body: this.refundBody(existing) }
        : reused('out_refund_no');
    }
    const order = this.order(m.mchid, req.out_trade_no);
    if (order === undefined) return providerError('RESOURCE_NOT_EXISTS', 'no such order');
    if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND') {
      return providerError('INVALID_REQUEST', `the order is ${order.trade_state}, not paid`);
    }
    if (req.amount.total !== order.total || req.amount.currency !== order.currency) {
      return providerError('PARAM_ERROR', 'amount.total and currency must be the order’s', 'amount.total');
    }
    if (order.refunded + req.amount.refund > order.total) {
      return providerError('INVALID_REQUEST', 'the refund is more than what is left to refund');
    }
    const now = this.options.now();
    const refundId = `50${randomDigits(27)}`;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO refunds (mchid, out_refund_no, refund_id, out_trade_no, fingerprint, amount, total,
             currency, reason, notify_url, status, created_at, due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PROCESSING', ?, ?)`,
        )
        .run(
          m.mchid,
          req.out_refund_no,
          refundId,
          req.out_trade_no,
          fingerprint,
          req.amount.refund,
          order.total,
          order.currency,
          req.reason ?? null,
          req.notify_url ?? null,
          now,
          now + this.scaled(this.refundDelayMs()),
        );
      this.db
        .prepare(
          `UPDATE orders SET refunded = refunded + ?, trade_state = 'REFUND', trade_state_desc = ?
           WHERE mchid = ? AND out_trade_no = ?`,
        )
        .run(req.amount.refund, TRADE_STATE_DESC.REFUND, m.mchid, req.out_trade_no);
    })();
    return { status: 200, body: this.refundBody(this.mustRefund(m.mchid, req.out_refund_no)) };
  }

  queryRefund(m: MerchantRow, outRefundNo: string): Answer {
    const refund = this.refundRow(m.mchid, outRefundNo);
    if (refund === undefined) return providerError('RESOURCE_NOT_EXISTS', 'no such refund');
    return { status: 200, body: this.refundBody(refund) };
  }

  /** `GET /v3/bill/tradebill`: prepares the day's statement and answers where to download it. */
  tradeBill(m: MerchantRow, date: string, type: z.infer<typeof TradeBillType>, apiBase: string): Answer {
    const now = this.options.now();
    // The real provider publishes a day's statement the next morning; the sandbox also serves the
    // current day so that a test does not have to wait for midnight.
    if (date > billDate(now, this.options.tzOffsetMinutes)) {
      return providerError('INVALID_REQUEST', 'there is no statement for a day that has not begun');
    }
    const rows = this.billRows(m, date).filter(
      (row) =>
        type === 'ALL' || (type === 'REFUND' ? row.tradeState === 'REFUND' : row.tradeState !== 'REFUND'),
    );
    if (rows.length === 0) return providerError('INVALID_REQUEST', 'no trades that day: no statement');
    const body = formatTradeBill(rows, rows[0]?.currency ?? 'CNY');
    const token = randomToken(32);
    this.db
      .prepare('INSERT INTO bills (token, mchid, body, expires_at) VALUES (?, ?, ?, ?)')
      .run(token, m.mchid, body, now + 5 * 60_000);
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: sha1Hex(body),
        download_url: `${apiBase}${QRPAY_PATH.billDownload}?token=${token}`,
      },
    };
  }

  downloadBill(m: MerchantRow, token: string | undefined): Answer {
    const bill = this.db.prepare('SELECT * FROM bills WHERE token = ?').get(token ?? '') as
      { mchid: string; body: string; expires_at: number } | undefined;
    if (bill === undefined || bill.mchid !== m.mchid || bill.expires_at < this.options.now()) {
      return providerError('INVALID_REQUEST', 'the download link is unknown or expired');
    }
    return { status: 200, body: bill.body, unsigned: true };
  }

  // -------------------------------------------------------------------------------------------
  // The phone and the tester

  /** The customer pays (native: scans the code and confirms; micropay: enters the password). */
  pay(
    mchid: string,
    outTradeNo: string,
    callback: { mode: CallbackMode; delayMs?: number; copies?: number },
  ): OrderRow {
    const order = this.mustOrder(mchid, outTradeNo);
    const paidAlready = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
    if (!paidAlready) {
      const payable =
        order.trade_type === 'NATIVE' ? order.trade_state === 'NOTPAY' : order.trade_state === 'USERPAYING';
      if (!payable) throw new ActionRefused(`the order is ${order.trade_state}`);
      if (order.time_expire !== null && Date.parse(order.time_expire) < this.options.now()) {
        throw new ActionRefused('the order expired: the customer cannot pay it any more');
      }
      this.markPaid(mchid, outTradeNo);
    } else if (order.trade_type === 'MICROPAY') {
      throw new ActionRefused('a payment-code order is paid once; it has no callback to repeat');
    }
    if (order.trade_type === 'NATIVE') {
      const paid = this.mustOrder(mchid, outTradeNo);
      // Paying an order that is already paid charges nothing; it only makes the provider say so again.
      const copies = callback.copies ?? 1;
      this.notify(
        paid.mchid,
        paid.out_trade_no,
        'TRANSACTION.SUCCESS',
        'payment succeeded',
        this.transaction(paid),
        {
          url: paid.notify_url ?? '',
          drop: callback.mode === 'drop',
          delayMs: callback.mode === 'delay' ? (callback.delayMs ?? 10_000) : 0,
          copies,
        },
      );
    }
    return this.mustOrder(mchid, outTradeNo);
  }

  /** The customer's payment fails: native orders stay payable, a payment-code order fails. */
  decline(mchid: string, outTradeNo: string): OrderRow {
    const order = this.mustOrder(mchid, outTradeNo);
    if (order.trade_type === 'NATIVE' && order.trade_state === 'NOTPAY') {
      this.db
        .prepare(`UPDATE orders SET last_attempt = 'declined' WHERE mchid = ? AND out_trade_no = ?`)
        .run(mchid, outTradeNo);
    } else if (order.trade_type === 'MICROPAY' && order.trade_state === 'USERPAYING') {
      this.setState(mchid, outTradeNo, 'PAYERROR');
    } else {
      throw new ActionRefused(`the order is ${order.trade_state}`);
    }
    return this.mustOrder(mchid, outTradeNo);
  }

  /** Delivers the order's payment callback again, `times` more times (duplicates by design). */
  resend(mchid: string, outTradeNo: string, times: number): number {
    const notification = this.db
      .prepare(
        `SELECT id FROM notifications WHERE mchid = ? AND subject = ? AND event_type = 'TRANSACTION.SUCCESS'
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(mchid, outTradeNo) as { id: string } | undefined;
    const order = this.mustOrder(mchid, outTradeNo);
    if (notification === undefined || order.notify_url === null)
      throw new ActionRefused('the order has no callback');
    for (let i = 0; i < times; i++) this.addDelivery(notification.id, order.notify_url, 0);
    return times;
  }

  /** Finishes due refunds (and any the tester finishes now with `force`). */
  processRefunds(force?: { mchid: string; outRefundNo: string; status: FinalRefundStatus }): void {
    const now = this.options.now();
    const due =
      force === undefined
        ? (this.db
            .prepare(`SELECT * FROM refunds WHERE status = 'PROCESSING' AND due_at <= ?`)
            .all(now) as RefundRow[])
        : [this.mustRefund(force.mchid, force.outRefundNo)];
    for (const refund of due) {
      if (refund.status !== 'PROCESSING') throw new ActionRefused(`the refund is ${refund.status}`);
      const status = force?.status ?? this.refundOutcome();
      this.db.transaction(() => {
        this.db
          .prepare(
            `UPDATE refunds SET status = ?, success_time = ?, due_at = NULL WHERE mchid = ? AND out_refund_no = ?`,
          )
          .run(status, status === 'SUCCESS' ? now : null, refund.mchid, refund.out_refund_no);
        if (status === 'CLOSED') {
          // A closed refund never happened: the amount is refundable again.
          this.db
            .prepare(
              `UPDATE orders SET refunded = refunded - ?,
                 trade_state = CASE WHEN refunded - ? = 0 THEN 'SUCCESS' ELSE trade_state END,
                 trade_state_desc = CASE WHEN refunded - ? = 0 THEN ? ELSE trade_state_desc END
               WHERE mchid = ? AND out_trade_no = ?`,
            )
            .run(
              refund.amount,
              refund.amount,
              refund.amount,
              TRADE_STATE_DESC.SUCCESS,
              refund.mchid,
              refund.out_trade_no,
            );
        }
        const done = this.mustRefund(refund.mchid, refund.out_refund_no);
        if (done.notify_url !== null) {
          const type: NotifyEventType = `REFUND.${status}`;
          this.notify(
            done.mchid,
            done.out_refund_no,
            type,
            `refund ${status.toLowerCase()}`,
            this.refundNotice(done),
            {
              url: done.notify_url,
              drop: false,
              delayMs: 0,
              copies: 1,
            },
          );
        }
      })();
    }
  }

  createPaymentCode(behaviour: PaymentCodeBehaviour): string {
    const code = `13${randomDigits(16)}`;
    this.db
      .prepare('INSERT INTO payment_codes (auth_code, behaviour, used_by, created_at) VALUES (?, ?, NULL, ?)')
      .run(code, behaviour, this.options.now());
    return code;
  }

  // -------------------------------------------------------------------------------------------
  // Views for the phone page and the control API

  orders(): OrderRow[] {
    return this.db.prepare('SELECT * FROM orders ORDER BY created_at DESC LIMIT 200').all() as OrderRow[];
  }

  refunds(): RefundRow[] {
    return this.db.prepare('SELECT * FROM refunds ORDER BY created_at DESC LIMIT 200').all() as RefundRow[];
  }

  deliveries(subject?: string): unknown[] {
    return this.db
      .prepare(
        `SELECT d.id, n.id AS notification_id, n.subject, n.event_type, d.url, d.state, d.attempts, d.next_at,
           d.last_result, n.dropped
         FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id
         WHERE ? IS NULL OR n.subject = ?
         ORDER BY n.created_at DESC, d.id LIMIT 500`,
      )
      .all(subject ?? null, subject ?? null);
  }

  order(mchid: string, outTradeNo: string): OrderRow | undefined {
    return this.db
      .prepare('SELECT * FROM orders WHERE mchid = ? AND out_trade_no = ?')
      .get(mchid, outTradeNo) as OrderRow | undefined;
  }

  /** The Transaction the API shows for an order. */
  transaction(o: OrderRow): Transaction {
    const paid = o.transaction_id !== null;
    const tz = this.options.tzOffsetMinutes;
    return {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.out_trade_no,
      ...(paid ? { transaction_id: o.transaction_id ?? '' } : {}),
      trade_type: o.trade_type,
      trade_state: Transaction.shape.trade_state.parse(o.trade_state),
      trade_state_desc: o.trade_state_desc,
      ...(paid
        ? {
            bank_type: 'OTHERS',
            success_time: rfc3339(o.success_time ?? 0, tz),
            payer: { openid: o.openid ?? '' },
            ...(o.attach === null ? {} : { attach: o.attach }),
            amount: {
              total: o.total,
              payer_total: o.total,
              currency: o.currency,
              payer_currency: o.currency,
            },
          }
        : { amount: { total: o.total, currency: o.currency } }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private checkIds(m: MerchantRow, appid: string, mchid: string): Answer | undefined {
    if (mchid !== m.mchid) return providerError('PARAM_ERROR', 'mchid must be the signing merchant', 'mchid');
    if (appid !== m.appid)
      return providerError('INVALID_REQUEST', 'appid is not bound to this mchid', 'appid');
    return undefined;
  }

  private codepayAnswer(order: OrderRow): Answer {
    switch (order.trade_state) {
      case 'SUCCESS':
      case 'REFUND':
        return { status: 200, body: this.transaction(order) };
      case 'USERPAYING':
        // Accepted, not finished: the customer confirms on the phone, the merchant polls by query.
        return { status: 202, body: { trade_state: 'USERPAYING' } };
      case 'PAYERROR':
        return providerError('NOT_ENOUGH', 'the customer’s balance is not enough');
      default:
        return providerError('ORDER_CLOSED', `the order is ${order.trade_state}`);
    }
  }

  private insertOrder(
    m: MerchantRow,
    req: NativeOrderRequest | CodepayRequest,
    type: 'NATIVE' | 'MICROPAY',
    fingerprint: string,
    extra: { notifyUrl: string | null; codeUrl: string | null; authCode: string | null },
  ): void {
    const state = type === 'NATIVE' ? 'NOTPAY' : 'USERPAYING';
    this.db
      .prepare(
        `INSERT INTO orders (mchid, out_trade_no, trade_type, fingerprint, appid, description, attach, total,
           currency, notify_url, time_expire, code_url, auth_code, trade_state, trade_state_desc, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.mchid,
        req.out_trade_no,
        type,
        fingerprint,
        req.appid,
        req.description,
        req.attach ?? null,
        req.amount.total,
        req.amount.currency,
        extra.notifyUrl,
        'time_expire' in req ? (req.time_expire ?? null) : null,
        extra.codeUrl,
        extra.authCode,
        state,
        TRADE_STATE_DESC[state] ?? state,
        this.options.now(),
      );
  }

  private markPaid(mchid: string, outTradeNo: string): void {
    this.db
      .prepare(
        `UPDATE orders SET trade_state = 'SUCCESS', trade_state_desc = ?, transaction_id = ?, openid = ?,
           success_time = ? WHERE mchid = ? AND out_trade_no = ?`,
      )
      .run(
        TRADE_STATE_DESC.SUCCESS,
        `42${randomDigits(26)}`,
        `o${randomToken(27)}`,
        this.options.now(),
        mchid,
        outTradeNo,
      );
  }

  private setState(mchid: string, outTradeNo: string, state: string): void {
    this.db
      .prepare('UPDATE orders SET trade_state = ?, trade_state_desc = ? WHERE mchid = ? AND out_trade_no = ?')
      .run(state, TRADE_STATE_DESC[state] ?? state, mchid, outTradeNo);
  }

  private mustOrder(mchid: string, outTradeNo: string): OrderRow {
    const order = this.order(mchid, outTradeNo);
    if (order === undefined) throw new ActionRefused(`no order ${outTradeNo} of merchant ${mchid}`);
    return order;
  }

  private refundRow(mchid: string, outRefundNo: string): RefundRow | undefined {
    return this.db
      .prepare('SELECT * FROM refunds WHERE mchid = ? AND out_refund_no = ?')
      .get(mchid, outRefundNo) as RefundRow | undefined;
  }

  private mustRefund(mchid: string, outRefundNo: string): RefundRow {
    const refund = this.refundRow(mchid, outRefundNo);
    if (refund === undefined) throw new ActionRefused(`no refund ${outRefundNo} of merchant ${mchid}`);
    return refund;
  }

  private refundBody(r: RefundRow): Refund {
    const order = this.mustOrder(r.mchid, r.out_trade_no);
    const tz = this.options.tzOffsetMinutes;
    return {
      refund_id: r.refund_id,
      out_refund_no: r.out_refund_no,
      transaction_id: order.transaction_id ?? '',
      out_trade_no: r.out_trade_no,
      channel: 'ORIGINAL',
      user_received_account: 'customer wallet',
      ...(r.success_time === null ? {} : { success_time: rfc3339(r.success_time, tz) }),
      create_time: rfc3339(r.created_at, tz),
      status: Refund.shape.status.parse(r.status),
      amount: {
        total: r.total,
        refund: r.amount,
        payer_total: r.total,
        payer_refund: r.amount,
        currency: r.currency,
      },
    };
  }

  private refundNotice(r: RefundRow): RefundNotice {
    const { amount, ...body } = this.refundBody(r);
    return {
      mchid: r.mchid,
      out_trade_no: body.out_trade_no,
      transaction_id: body.transaction_id,
      out_refund_no: body.out_refund_no,
      refund_id: body.refund_id,
      refund_status: body.status,
      ...(body.success_time === undefined ? {} : { success_time: body.success_time }),
      user_received_account: body.user_received_account,
      amount: {
        total: amount.total,
        refund: amount.refund,
        payer_total: amount.payer_total,
        payer_refund: amount.payer_refund,
      },
    };
  }

  private notify(
    mchid: string,
    subject: string,
    eventType: NotifyEventType,
    summary: string,
    resource: Transaction | RefundNotice,
    delivery: { url: string; drop: boolean; delayMs: number; copies: number },
  ): void {
    const merchant = this.db.prepare('SELECT api_v3_key FROM merchants WHERE mchid = ?').get(mchid) as
      { api_v3_key: string } | undefined;
    if (merchant === undefined) throw new ActionRefused(`merchant ${mchid} is not registered`);
    const now = this.options.now();
    const envelope: NotifyEnvelope = {
      id: randomUUID(),
      create_time: rfc3339(now, this.options.tzOffsetMinutes),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: encryptResource(
        merchant.api_v3_key,
        JSON.stringify(resource),
        eventType === 'TRANSACTION.SUCCESS' ? 'transaction' : 'refund',
      ),
    };
    this.db
      .prepare(
        'INSERT INTO notifications (id, mchid, subject, event_type, body, dropped, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(envelope.id, mchid, subject, eventType, JSON.stringify(envelope), delivery.drop ? 1 : 0, now);
    if (delivery.drop) return;
    for (let i = 0; i < delivery.copies; i++)
      this.addDelivery(envelope.id, delivery.url, this.scaled(delivery.delayMs));
  }

  private addDelivery(notificationId: string, url: string, delayMs: number): void {
    const now = this.options.now();
    this.db
      .prepare(
        `INSERT INTO deliveries (notification_id, url, state, attempts, next_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)`,
      )
      .run(notificationId, url, now + delayMs, now);
  }

  private billRows(m: MerchantRow, date: string): TradeBillRow[] {
    const tz = this.options.tzOffsetMinutes;
    const onDay = (at: number | null): boolean => at !== null && billDate(at, tz) === date;
    const rows: TradeBillRow[] = [];
    const orders = this.db
      .prepare('SELECT * FROM orders WHERE mchid = ? AND success_time IS NOT NULL ORDER BY success_time')
      .all(m.mchid) as OrderRow[];
    const base = (o: OrderRow, at: number): TradeBillRow => ({
      ...blankTradeBillRow(),
      tradeTime: billTime(at, tz),
      appid: o.appid,
      mchid: o.mchid,
      transactionId: o.transaction_id ?? '',
      outTradeNo: o.out_trade_no,
      openid: o.openid ?? '',
      tradeType: o.trade_type,
      bankType: 'OTHERS',
      currency: o.currency,
      description: o.description,
      attach: o.attach ?? '',
      rate: '0.60%',
    });
    for (const o of orders) {
      if (onDay(o.success_time)) {
        rows.push({
          ...base(o, o.success_time ?? 0),
          tradeState: 'SUCCESS',
          settlementTotal: o.total,
          orderAmount: o.total,
          fee: Math.floor((o.total * 6 + 500) / 1000),
        });
      }
      if (o.revoked_time !== null && o.refunded > 0 && onDay(o.revoked_time)) {
        // A reversed payment appears under its own order number, as the provider's statements do.
        rows.push({
          ...base(o, o.revoked_time),
          tradeState: 'REVOKED',
          refundAmount: o.refunded,
          requestedRefundAmount: o.refunded,
          refundType: 'ORIGINAL',
          refundStatus: 'SUCCESS',
        });
      }
    }
    const refunds = this.db
      .prepare(`SELECT * FROM refunds WHERE mchid = ? AND status = 'SUCCESS' ORDER BY success_time`)
      .all(m.mchid) as RefundRow[];
    for (const r of refunds) {
      const o = this.order(r.mchid, r.out_trade_no);
      if (o === undefined || !onDay(r.success_time)) continue;
      rows.push({
        ...base(o, r.success_time ?? 0),
        tradeState: 'REFUND',
        refundId: r.refund_id,
        outRefundNo: r.out_refund_no,
        refundAmount: r.amount,
        requestedRefundAmount: r.amount,
        refundType: 'ORIGINAL',
        refundStatus: 'SUCCESS',
      });
    }
    return rows.sort((a, b) => a.tradeTime.localeCompare(b.tradeTime));
  }

  private scaled(ms: number): number {
    return Math.round(ms * this.options.timeScale);
  }

  private refundDelayMs(): number {
    return Number(getSetting(this.db, SETTINGS.refundDelayMs) ?? 60_000);
  }

  private refundOutcome(): FinalRefundStatus {
    const value = getSetting(this.db, SETTINGS.refundOutcome);
    return value === 'ABNORMAL' || value === 'CLOSED' ? value : 'SUCCESS';
  }

  private micropayDefault(): PaymentCodeBehaviour {
    const value = getSetting(this.db, SETTINGS.micropayDefault);
    return value === 'pay' || value === 'decline' ? value : 'password';
  }
}

export const PROVIDER_SETTINGS = SETTINGS;

function reused(field: 'out_trade_no' | 'out_refund_no'): Answer {
  return providerError('INVALID_REQUEST', `${field} was already used with other parameters`, field);
}
