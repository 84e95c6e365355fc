/**
 * Runs the expiry of holds and the reclaiming of leases on the server's own clock, a few times a
 * second, one sweep at a time.
 */
import type { ServerContext } from '../context.ts';
import { expireHolds } from './holds.ts';
import { reclaimLeases } from './leases.ts';

export const SWEEP_INTERVAL_MS = 250;

export class HoldSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sweep());
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      await expireHolds(this.ctx);
      await reclaimLeases(this.ctx);
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'hold sweep failed');
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  async idle(): Promise<void> {
    await this.running;
  }
}
