/**
 * Delivers callbacks to merchants' `notify_url`s the way the provider does: POST the signed JSON
 * envelope, count only 200/204 within 5 s as delivered, otherwise try again on the documented
 * schedule (15 s, 15 s, 30 s, 3 m, 10 m, …, about 24 h), then give up. Every attempt is signed
 * afresh (new timestamp and nonce) over the same body, so a merchant sees byte-identical envelopes
 * with the same notification id. Deliveries live in SQLite: a restart carries on where it was.
 */
import {
  answerSignatureMessage,
  QRPAY_NOTIFY_ANSWER_TIMEOUT_MS,
  QRPAY_NOTIFY_RETRY_SECONDS,
  signatureHeaders,
} from '@marquee/shared/payment-wire/qrpay';
import { randomToken, rsaSign } from './crypto.ts';
import type { PlatformKey } from './keys.ts';
import type { Db } from './store.ts';

interface DueDelivery {
  id: number;
  url: string;
  attempts: number;
  body: string;
}

export interface NotifierOptions {
  now: () => number;
  timeScale: number;
  log: (message: string) => void;
}

/** The time the provider waits after the `attempts`-th failed delivery, or undefined: give up. */
export function retryDelayMs(attempts: number, timeScale: number): number | undefined {
  const seconds = QRPAY_NOTIFY_RETRY_SECONDS[attempts - 1];
  return seconds === undefined ? undefined : Math.round(seconds * 1000 * timeScale);
}

export class Notifier {
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly platform: PlatformKey,
    private readonly options: NotifierOptions,
  ) {}

  /** Starts every delivery that is due; called on the sandbox's clock tick. */
  tick(): void {
    const due = this.db
      .prepare(
        `SELECT d.id, d.url, d.attempts, n.body FROM deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at LIMIT 50`,
      )
      .all(this.options.now()) as DueDelivery[];
    for (const delivery of due) {
      if (this.inFlight.has(delivery.id)) continue;
      const attempt = this.deliver(delivery).finally(() => this.inFlight.delete(delivery.id));
      this.inFlight.set(delivery.id, attempt);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const timestamp = String(Math.floor(this.options.now() / 1000));
    const nonce = randomToken(32);
    const body = Buffer.from(delivery.body, 'utf8');
    const signature = rsaSign(
      answerSignatureMessage({ timestamp, nonce, body }),
      this.platform.privateKeyPem,
    );
    let result: string;
    let delivered = false;
    try {
      const answer = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'qrpay-sandbox-notifier',
          ...signatureHeaders({ serial: this.platform.serial, signature, timestamp, nonce }),
        },
        body,
        signal: AbortSignal.timeout(QRPAY_NOTIFY_ANSWER_TIMEOUT_MS),
      });
      await answer.arrayBuffer();
      delivered = answer.status === 200 || answer.status === 204;
      result = `HTTP ${answer.status}`;
    } catch (error) {
      result =
        error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 5 s' : 'unreachable';
    }
    const attempts = delivery.attempts + 1;
    const now = this.options.now();
    if (delivered) {
      this.db
        .prepare(
          `UPDATE deliveries SET state = 'delivered', attempts = ?, last_result = ?, updated_at = ? WHERE id = ?`,
        )
        .run(attempts, result, now, delivery.id);
      return;
    }
    const wait = retryDelayMs(attempts, this.options.timeScale);
    this.db
      .prepare(
        `UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_result = ?, updated_at = ? WHERE id = ?`,
      )
      .run(wait === undefined ? 'gave_up' : 'pending', attempts, now + (wait ?? 0), result, now, delivery.id);
    this.options.log(
      `callback ${delivery.id} to ${delivery.url}: ${result}; ${wait === undefined ? 'giving up' : `again in ${wait} ms`}`,
    );
  }
}
