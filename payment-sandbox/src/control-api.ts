/**
 * The tester's JSON control API under `/sandbox` (loopback only, like the whole sandbox): what the
 * phone page does, for tests to do the same. Errors are Marquee's `{"error": {code, message}}`.
 */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { Appid, ApiV3Key, KeySerial, Mchid } from '@marquee/shared/payment-wire/qrpay';
import { EcrTxnId } from '@marquee/shared/payment-wire/ecr';
import { keySerial } from './crypto.ts';
import { registerMerchant, type PlatformKey } from './keys.ts';
import { PAYMENT_CODE_BEHAVIOURS, PROVIDER_SETTINGS, type QrpayProvider } from './provider.ts';
import { ActionRefused } from './refusal.ts';
import { TerminalAction, TerminalBehaviour, type SimulatedTerminal } from './card-terminal.ts';
import { putSetting, type Db } from './store.ts';

export interface ControlContext {
  db: Db;
  provider: QrpayProvider;
  terminal: SimulatedTerminal | undefined;
  platform: PlatformKey;
  now: () => number;
}

const Merchant = z.object({
  mchid: Mchid,
  appid: Appid,
  serial_no: KeySerial,
  public_key_pem: z.string().includes('PUBLIC KEY'),
  api_v3_key: ApiV3Key,
});
const Pay = z.object({
  callback: z.enum(['normal', 'drop', 'delay']).default('normal'),
  delayMs: z.number().int().min(0).max(3_600_000).optional(),
});
const Resend = z.object({ times: z.number().int().min(1).max(100).default(1) });
const PaymentCode = z.object({ behaviour: z.enum(PAYMENT_CODE_BEHAVIOURS).default('password') });
const CompleteRefund = z.object({ status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']).default('SUCCESS') });
const Settings = z.object({
  refundDelayMs: z.number().int().min(0).max(86_400_000).optional(),
  refundOutcome: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']).optional(),
  micropayDefault: z.enum(PAYMENT_CODE_BEHAVIOURS).optional(),
});
const Line = z.object({ silent: z.boolean() });
const Act = z.object({ txnId: EcrTxnId.optional(), action: TerminalAction });

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

export function controlApi(ctx: ControlContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  /** Parses the body, runs the action, answers its result or the reason it cannot apply. */
  const action =
    <T>(schema: z.ZodType<T>, run: (req: Request, input: T) => unknown) =>
    (req: Request, res: Response): void => {
      const input = schema.safeParse(req.body ?? {});
      if (!input.success) {
        const issue = input.error.issues[0];
        return refuse(
          res,
          400,
          'validation_failed',
          `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
        );
      }
      try {
        res.json(run(req, input.data) ?? {});
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
        refuse(res, 409, 'invalid_state', error.message);
      }
    };
  const p = (req: Request, name: string): string => String(req.params[name] ?? '');
  const terminal = (): SimulatedTerminal => {
    if (ctx.terminal === undefined)
      throw new ActionRefused('the card terminal is not running (--no-terminal)');
    return ctx.terminal;
  };

  router.get('/state', (_req, res) => {
    res.json({
      platform: { serial_no: ctx.platform.serial },
      orders: ctx.provider.orders(),
      refunds: ctx.provider.refunds(),
      deliveries: ctx.provider.deliveries(),
      terminal: ctx.terminal?.view() ?? null,
    });
  });
  router.get('/platform-key', (_req, res) => {
    res.json({ serial_no: ctx.platform.serial, public_key_pem: ctx.platform.publicKeyPem });
  });
  router.post(
    '/merchants',
    action(Merchant, (_req, m) => {
      let serial: string;
      try {
        serial = keySerial(m.public_key_pem);
      } catch {
        throw new ActionRefused('public_key_pem is not a public key');
      }
      if (serial !== m.serial_no) throw new ActionRefused('serial_no is not the key’s serial');
      registerMerchant(
        ctx.db,
        {
          mchid: m.mchid,
          appid: m.appid,
          serialNo: m.serial_no,
          publicKeyPem: m.public_key_pem,
          apiV3Key: m.api_v3_key,
        },
        ctx.now(),
      );
      return { mchid: m.mchid };
    }),
  );
  router.get('/orders/:mchid/:no', (req, res) => {
    const order = ctx.provider.order(p(req, 'mchid'), p(req, 'no'));
    if (order === undefined) return refuse(res, 404, 'not_found', 'no such order');
    res.json({
      order,
      transaction: ctx.provider.transaction(order),
      deliveries: ctx.provider.deliveries(order.out_trade_no),
    });
  });
  router.post(
    '/orders/:mchid/:no/pay',
    action(Pay, (req, input) =>
      ctx.provider.pay(p(req, 'mchid'), p(req, 'no'), {
        mode: input.callback,
        ...(input.delayMs === undefined ? {} : { delayMs: input.delayMs }),
      }),
    ),
  );
  router.post(
    '/orders/:mchid/:no/pay-twice',
    action(z.object({}), (req) =>
      ctx.provider.pay(p(req, 'mchid'), p(req, 'no'), { mode: 'normal', copies: 2 }),
    ),
  );
  router.post(
    '/orders/:mchid/:no/decline',
    action(z.object({}), (req) => ctx.provider.decline(p(req, 'mchid'), p(req, 'no'))),
  );
  router.post(
    '/orders/:mchid/:no/resend',
    action(Resend, (req, input) => ({
      queued: ctx.provider.resend(p(req, 'mchid'), p(req, 'no'), input.times),
    })),
  );
  router.post(
    '/payment-codes',
    action(PaymentCode, (_req, input) => ({ auth_code: ctx.provider.createPaymentCode(input.behaviour) })),
  );
  router.post(
    '/refunds/:mchid/:no/complete',
    action(CompleteRefund, (req, input) => {
      ctx.provider.processRefunds({
        mchid: p(req, 'mchid'),
        outRefundNo: p(req, 'no'),
        status: input.status,
      });
      return {};
    }),
  );
  router.put(
    '/settings',
    action(Settings, (_req, input) => {
      if (input.refundDelayMs !== undefined)
        putSetting(ctx.db, PROVIDER_SETTINGS.refundDelayMs, String(input.refundDelayMs));
      if (input.refundOutcome !== undefined)
        putSetting(ctx.db, PROVIDER_SETTINGS.refundOutcome, input.refundOutcome);
      if (input.micropayDefault !== undefined) {
        putSetting(ctx.db, PROVIDER_SETTINGS.micropayDefault, input.micropayDefault);
      }
      return input;
    }),
  );
  router.get('/terminal', (_req, res) => {
    if (ctx.terminal === undefined) return refuse(res, 404, 'not_found', 'the card terminal is not running');
    res.json(ctx.terminal.view());
  });
  router.put(
    '/terminal/behaviour',
    action(TerminalBehaviour, (_req, behaviour) => {
      terminal().setBehaviour(behaviour);
      return behaviour;
    }),
  );
  router.put(
    '/terminal/line',
    action(Line, (_req, input) => {
      terminal().setSilent(input.silent);
      return input;
    }),
  );
  router.post(
    '/terminal/act',
    action(Act, (_req, input) => terminal().act(input.txnId, input.action)),
  );
  router.use((_req, res) => refuse(res, 404, 'not_found', 'no such control route'));
  return router;
}
