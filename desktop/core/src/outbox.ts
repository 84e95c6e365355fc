/**
 * The outbox: every sale, refund, admission and lease request the terminal makes is written here
 * (in the same transaction as its local effect) before the terminal reports success, and pushed to
 * the server as mutations with stable ids until the server answers. A rejected mutation is kept
 * and surfaced, never retried.
 */
import {
  MarqueeError,
  MutationResult,
  type MutationName,
  type MutationsResponse,
  type TerminalOutput,
} from '@marquee/shared';
import type { ServerApi } from './server-api.ts';
import type { Db } from './store.ts';

export interface OutboxRow {
  seq: number;
  id: string;
  name: MutationName;
  args: string;
  status: 'pending' | 'ok' | 'rejected';
  result: string | null;
  created_at: number;
  attempts: number;
}

const BATCH = 50;
/** Answers that say "not now" rather than "no": the batch stays pending and is sent again. */
const RETRYABLE = new Set(['offline', 'unavailable', 'internal', 'rate_limited']);

export class Outbox {
  private flushing: Promise<void> | undefined;
  private readonly waiters = new Map<string, ((result: MutationResult) => void)[]>();

  constructor(
    private readonly db: Db,
    private readonly server: ServerApi,
    private readonly terminalId: () => string | undefined,
    /** Runs inside the transaction that records the answers; must be synchronous. */
    private readonly onSettled: (results: readonly MutationResult[]) => void,
  ) {}

  /** Inside the caller's transaction: the intent becomes durable with the local effect. */
  add(id: string, name: MutationName, args: unknown, now: number): void {
    this.db
      .prepare("INSERT INTO outbox (id, name, args, status, created_at) VALUES (?, ?, ?, 'pending', ?)")
      .run(id, name, JSON.stringify(args), now);
  }

  counts(): { pending: number; rejected: number } {
    const rows = this.db
      .prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE status <> 'ok' GROUP BY status")
      .all() as {
      status: string;
      n: number;
    }[];
    return {
      pending: rows.find((r) => r.status === 'pending')?.n ?? 0,
      rejected: rows.find((r) => r.status === 'rejected')?.n ?? 0,
    };
  }

  list(limit = 200): OutboxRow[] {
    return this.db
      .prepare("SELECT * FROM outbox WHERE status <> 'ok' ORDER BY seq LIMIT ?")
      .all(limit) as OutboxRow[];
  }

  /** `outbox.list`: what is still pending or was refused, for the UI. */
  entries(): TerminalOutput<'outbox.list'> {
    return this.list().map((row) => {
      const result = storedResult(row);
      return {
        id: row.id,
        name: row.name,
        status: row.status,
        createdAt: new Date(row.created_at).toISOString(),
        ...(result?.status === 'rejected'
          ? { error: { code: result.error.code, message: result.error.message } }
          : {}),
      };
    });
  }

  row(id: string): OutboxRow | undefined {
    return this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  /** The arguments of the mutations named `name` still waiting for the server. */
  pendingArgs(name: MutationName): unknown[] {
    return (
      this.db.prepare("SELECT args FROM outbox WHERE name = ? AND status = 'pending'").all(name) as {
        args: string;
      }[]
    ).map((r) => JSON.parse(r.args) as unknown);
  }

  /** Resolves when the server has answered mutation `id` (ok or rejected). */
  settled(id: string): Promise<MutationResult> {
    const row = this.row(id);
    const stored = row === undefined || row.status === 'pending' ? undefined : storedResult(row);
    if (stored !== undefined) return Promise.resolve(stored);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Pushes pending mutations in order until none are left or the server is unreachable. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const terminalId = this.terminalId();
    if (terminalId === undefined) return;
    for (;;) {
      const batch = this.db
        .prepare("SELECT * FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?")
        .all(BATCH) as OutboxRow[];
      if (batch.length === 0) return;
      this.db
        .prepare(`UPDATE outbox SET attempts = attempts + 1 WHERE id IN (${batch.map(() => '?').join(', ')})`)
        .run(...batch.map((r) => r.id));
      let response: MutationsResponse;
      try {
        response = await this.server.mutations({
          terminalId,
          mutations: batch.map((r) => ({ id: r.id, name: r.name, args: JSON.parse(r.args) as unknown })),
        });
      } catch (error) {
        if (error instanceof MarqueeError && !RETRYABLE.has(error.code)) {
          // The whole batch was refused (e.g. the terminal was revoked): stop, keep everything.
          throw error;
        }
        return; // unreachable: try again when the link is back
      }
      const update = this.db.prepare('UPDATE outbox SET status = ?, result = ? WHERE id = ?');
      // The answer and its local effects (the sale row, its print jobs, a granted lease) commit
      // together: a crash cannot leave a mutation settled whose effects were never recorded.
      this.db.transaction(() => {
        for (const result of response.results)
          update.run(result.status === 'ok' ? 'ok' : 'rejected', JSON.stringify(result), result.id);
        this.onSettled(response.results);
      })();
      for (const result of response.results) {
        for (const resolve of this.waiters.get(result.id) ?? []) resolve(result);
        this.waiters.delete(result.id);
      }
    }
  }
}

/** The server's answer as the outbox stored it; undefined while pending (or if the row is damaged). */
function storedResult(row: OutboxRow): MutationResult | undefined {
  if (row.result === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(row.result);
  } catch {
    return undefined;
  }
  const parsed = MutationResult.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
