/**
 * Expires holds on the server's own clock so their seats reappear in the change stream without
 * any client polling. Safe with several instances: each sweep is one transaction that only acts
 * on rows still `active` and past expiry.
 */
import type { ServerContext } from '../context.ts';
import { publishSeatMap } from '../sync/change-log.ts';
import { reclaimLeases } from './leases.ts';

export const SWEEP_INTERVAL_MS = 250;
const SWEEP_BATCH = 500;

export async function expireHolds(ctx: ServerContext): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db.read((ex) =>
    ex.get<{ id: string }>("SELECT id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT 1", [now]),
  );
  if (due === undefined) return 0;
  return ctx.db.write(async (ex, tx) => {
    const holds = await ex.all<{ id: string; showtime_id: string }>(
      "SELECT id, showtime_id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT ?",
      [now, SWEEP_BATCH],
    );
    const showtimes = new Set<string>();
    for (const hold of holds) {
      await ex.run("DELETE FROM seat_claims WHERE owner_id = ? AND state = 'held'", [hold.id]);
      await ex.run("UPDATE holds SET status = 'expired' WHERE id = ? AND status = 'active'", [hold.id]);
      showtimes.add(hold.showtime_id);
    }
    for (const showtimeId of showtimes) await publishSeatMap(ctx, ex, tx, showtimeId);
    return holds.length;
  });
}

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
