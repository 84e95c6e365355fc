/**
 * The QR-pay HTTP API (`/v3/…`): verifies the merchant's request signature over the raw bytes
 * (401 SIGN_ERROR, unsigned, otherwise), parses the body with the shared schemas (400 PARAM_ERROR)
 * and signs every answer with the platform key, as the provider does.
 */
import express, { type Request, type Response } from 'express';
import type { z } from 'zod';
import {
  answerSignatureMessage,
  checkTimestamp,
  CloseOrderRequest,
  CodepayRequest,
  NativeOrderRequest,
  parseAuthorization,
  QRPAY_HEADER,
  QRPAY_PATH,
  RefundRequest,
  requestSignatureMessage,
  ReverseOrderRequest,
  signatureHeaders,
  BillDate,
  TradeBillType,
} from '@marquee/shared/payment-wire/qrpay';
import { randomToken, rsaSign, rsaVerify } from './crypto.ts';
import { merchantOf, type PlatformKey } from './keys.ts';
import { providerError, type Answer, type QrpayProvider } from './provider.ts';
import type { Db, MerchantRow } from './store.ts';

export interface ApiContext {
  db: Db;
  provider: QrpayProvider;
  platform: PlatformKey;
  now: () => number;
  log: (message: string) => void;
}

/** Nonces seen within the clock-skew window, per merchant: a replayed request is refused. */
class NonceMemory {
  private readonly seen = new Map<string, number>();

  fresh(key: string, now: number): boolean {
    if (this.seen.size > 10_000) {
      for (const [k, until] of this.seen) if (until < now) this.seen.delete(k);
    }
    const until = this.seen.get(key);
    if (until !== undefined && until >= now) return false;
    this.seen.set(key, now + 10 * 60_000);
    return true;
  }
}

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export function qrpayApi(ctx: ApiContext): express.Router {
  const router = express.Router();
  const nonces = new NonceMemory();
  router.use('/v3', express.raw({ type: () => true, limit: '64kb' }));

  const send = (res: Response, answer: Answer): void => {
    const body =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    res.status(answer.status);
    res.setHeader(QRPAY_HEADER.requestId, randomToken(24));
    if (body !== '') {
      res.type(typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
    }
    if (answer.unsigned !== true) {
      const timestamp = String(Math.floor(ctx.now() / 1000));
      const nonce = randomToken(32);
      const message = answerSignatureMessage({ timestamp, nonce, body: Buffer.from(body, 'utf8') });
      const signature = rsaSign(message, ctx.platform.privateKeyPem);
      for (const [name, value] of Object.entries(
        signatureHeaders({ serial: ctx.platform.serial, signature, timestamp, nonce }),
      )) {
        res.setHeader(name, value);
      }
    }
    res.end(body);
  };

  /** Refused before the merchant is known: no signature, as the provider answers a bad request signature. */
  const unauthorized = (res: Response, why: string): void => {
    ctx.log(`401 ${why}`);
    send(res, { ...providerError('SIGN_ERROR', why), unsigned: true });
  };

  router.use('/v3', (req, res, next) => {
    const auth = parseAuthorization(req.header('authorization'));
    if (!auth.ok) return unauthorized(res, auth.error.message);
    const merchant = merchantOf(ctx.db, auth.value.mchid);
    if (merchant === undefined) return unauthorized(res, `merchant ${auth.value.mchid} is not registered`);
    if (auth.value.serialNo !== merchant.serial_no)
      return unauthorized(res, 'serial_no is not the merchant key');
    const fresh = checkTimestamp(auth.value.timestamp, ctx.now());
    if (!fresh.ok) return unauthorized(res, fresh.error.message);
    const message = requestSignatureMessage({
      method: req.method,
      url: req.originalUrl,
      timestamp: auth.value.timestamp,
      nonce: auth.value.nonce,
      body: rawBody(req),
    });
    if (!rsaVerify(message, auth.value.signature, merchant.public_key_pem)) {
      return unauthorized(res, 'the signature does not verify');
    }
    if (!nonces.fresh(`${merchant.mchid}:${auth.value.nonce}`, ctx.now())) {
      return unauthorized(res, 'the nonce was already used');
    }
    res.locals.merchant = merchant;
    next();
  });

  const merchant = (res: Response): MerchantRow => res.locals.merchant as MerchantRow;

  /** Parses the JSON body with `schema`, or answers 400 PARAM_ERROR naming the field. */
  const body =
    <T>(schema: z.ZodType<T>, handle: (req: Request, res: Response, input: T) => Answer) =>
    (req: Request, res: Response): void => {
      let json: unknown;
      try {
        json = JSON.parse(rawBody(req).toString('utf8'));
      } catch {
        return send(res, providerError('PARAM_ERROR', 'the body is not JSON'));
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return send(
          res,
          providerError('PARAM_ERROR', issue?.message ?? 'invalid', issue?.path.join('.') ?? ''),
        );
      }
      send(res, handle(req, res, parsed.data));
    };

  const param = (req: Request, name: string): string => String(req.params[name] ?? '');
  const query = (req: Request, name: string): string | undefined => {
    const value = req.query[name];
    return typeof value === 'string' ? value : undefined;
  };

  // Route patterns spell out QRPAY_PATH's templates (whose builders escape ':').
  router.post(
    QRPAY_PATH.native,
    body(NativeOrderRequest, (_req, res, input) => ctx.provider.native(merchant(res), input)),
  );
  router.post(
    QRPAY_PATH.codepay,
    body(CodepayRequest, (_req, res, input) => ctx.provider.codepay(merchant(res), input)),
  );
  router.get('/v3/pay/transactions/out-trade-no/:no', (req, res) => {
    send(res, ctx.provider.query(merchant(res), param(req, 'no'), query(req, 'mchid')));
  });
  router.post(
    '/v3/pay/transactions/out-trade-no/:no/close',
    body(CloseOrderRequest, (req, res, input) =>
      ctx.provider.close(merchant(res), param(req, 'no'), input.mchid),
    ),
  );
  router.post(
    '/v3/pay/transactions/out-trade-no/:no/reverse',
    body(ReverseOrderRequest, (req, res, input) =>
      ctx.provider.reverse(merchant(res), param(req, 'no'), input),
    ),
  );
  router.post(
    QRPAY_PATH.refunds,
    body(RefundRequest, (_req, res, input) => ctx.provider.refund(merchant(res), input)),
  );
  router.get('/v3/refund/domestic/refunds/:no', (req, res) => {
    send(res, ctx.provider.queryRefund(merchant(res), param(req, 'no')));
  });
  router.get(QRPAY_PATH.tradeBill, (req, res) => {
    const date = BillDate.safeParse(query(req, 'bill_date'));
    const type = TradeBillType.safeParse(query(req, 'bill_type') ?? 'ALL');
    if (!date.success)
      return send(res, providerError('PARAM_ERROR', 'bill_date must be YYYY-MM-DD', 'bill_date'));
    if (!type.success)
      return send(res, providerError('PARAM_ERROR', 'bill_type is ALL, SUCCESS or REFUND', 'bill_type'));
    send(
      res,
      ctx.provider.tradeBill(
        merchant(res),
        date.data,
        type.data,
        `${req.protocol}://${req.get('host') ?? ''}`,
      ),
    );
  });
  router.get(QRPAY_PATH.billDownload, (req, res) => {
    send(res, ctx.provider.downloadBill(merchant(res), query(req, 'token')));
  });
  router.use('/v3', (_req, res) => send(res, providerError('RESOURCE_NOT_EXISTS', 'no such API')));
  return router;
}
