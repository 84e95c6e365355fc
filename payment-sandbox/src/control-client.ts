/**
 * A typed client for the sandbox's control API: what a tester does on the phone page, for tests
 * and for the demo to drive. Answers are parsed, never cast.
 */
import { z } from 'zod';
import type { TerminalAction, TerminalBehaviour } from './card-terminal.ts';
import type { PaymentCodeBehaviour } from './provider.ts';

const OrderRow = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  trade_type: z.enum(['NATIVE', 'MICROPAY']),
  trade_state: z.string(),
  total: z.number(),
  currency: z.string(),
  code_url: z.string().nullable(),
  transaction_id: z.string().nullable(),
  refunded: z.number(),
});
export type SandboxOrder = z.infer<typeof OrderRow>;

const Delivery = z.object({
  notification_id: z.string(),
  subject: z.string(),
  event_type: z.string(),
  state: z.string().nullable(),
  attempts: z.number().nullable(),
  dropped: z.number(),
});
export type SandboxDelivery = z.infer<typeof Delivery>;

const CardTransaction = z.object({
  txn_id: z.string(),
  op: z.enum(['sale', 'refund']),
  amount: z.number(),
  currency: z.string(),
  state: z.string(),
  voided: z.number(),
  message: z.string(),
});
export type SandboxCardTransaction = z.infer<typeof CardTransaction>;

const TerminalView = z.object({
  connected: z.boolean(),
  silent: z.boolean(),
  current: CardTransaction.optional(),
  transactions: z.array(CardTransaction),
});
export type SandboxTerminalView = z.infer<typeof TerminalView>;

const OrderView = z.object({ order: OrderRow, deliveries: z.array(Delivery) });

export class SandboxControl {
  constructor(readonly url: string) {}

  async order(mchid: string, outTradeNo: string): Promise<z.infer<typeof OrderView>> {
    return OrderView.parse(await this.call('GET', `/orders/${mchid}/${encodeURIComponent(outTradeNo)}`));
  }

  /** The customer pays; `drop`: the provider completes but sends no callback; `delay`: later. */
  async pay(
    mchid: string,
    outTradeNo: string,
    callback: { callback?: 'normal' | 'drop' | 'delay'; delayMs?: number } = {},
  ) {
    return OrderRow.parse(
      await this.call('POST', `/orders/${mchid}/${encodeURIComponent(outTradeNo)}/pay`, callback),
    );
  }

  async payTwice(mchid: string, outTradeNo: string): Promise<SandboxOrder> {
    return OrderRow.parse(
      await this.call('POST', `/orders/${mchid}/${encodeURIComponent(outTradeNo)}/pay-twice`, {}),
    );
  }

  async decline(mchid: string, outTradeNo: string): Promise<SandboxOrder> {
    return OrderRow.parse(
      await this.call('POST', `/orders/${mchid}/${encodeURIComponent(outTradeNo)}/decline`, {}),
    );
  }

  async resend(mchid: string, outTradeNo: string, times: number): Promise<void> {
    await this.call('POST', `/orders/${mchid}/${encodeURIComponent(outTradeNo)}/resend`, { times });
  }

  /** A customer's payment code that behaves as asked when the cashier scans it. */
  async paymentCode(behaviour: PaymentCodeBehaviour): Promise<string> {
    return z.object({ auth_code: z.string() }).parse(await this.call('POST', '/payment-codes', { behaviour }))
      .auth_code;
  }

  async completeRefund(
    mchid: string,
    outRefundNo: string,
    status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
  ): Promise<void> {
    await this.call('POST', `/refunds/${mchid}/${encodeURIComponent(outRefundNo)}/complete`, { status });
  }

  async settings(settings: {
    refundDelayMs?: number;
    refundOutcome?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
    micropayDefault?: PaymentCodeBehaviour;
  }): Promise<void> {
    await this.call('PUT', '/settings', settings);
  }

  async registerMerchant(merchant: {
    mchid: string;
    appid: string;
    serial_no: string;
    public_key_pem: string;
    api_v3_key: string;
  }): Promise<void> {
    await this.call('POST', '/merchants', merchant);
  }

  async terminal(): Promise<SandboxTerminalView> {
    return TerminalView.parse(await this.call('GET', '/terminal'));
  }

  async terminalBehaviour(behaviour: TerminalBehaviour): Promise<void> {
    await this.call('PUT', '/terminal/behaviour', behaviour);
  }

  /** `true` pulls the cable (silence both ways); `false` plugs it back. */
  async terminalSilent(silent: boolean): Promise<void> {
    await this.call('PUT', '/terminal/line', { silent });
  }

  async terminalAct(action: TerminalAction, txnId?: string): Promise<SandboxCardTransaction> {
    return CardTransaction.parse(
      await this.call('POST', '/terminal/act', { action, ...(txnId === undefined ? {} : { txnId }) }),
    );
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) {
      const error = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(json);
      throw new Error(
        `sandbox ${method} ${path}: ${res.status} ${error.success ? `${error.data.error.code}: ${error.data.error.message}` : ''}`,
      );
    }
    return json;
  }
}
