/**
 * PostgreSQL's change-log horizon: the highest sequence number below which every change has
 * either committed or rolled back, so a reader that reads up to it never skips a change that
 * commits late — without a counter row every writer queues on (measured: that caps PostgreSQL at
 * ~500 tps). Numbers come from a sequence, handed out in no relation to commit order; a publishing
 * transaction takes its transaction id before its number (change-log.ts). The horizon:
 *   1. read the sequence's last value `hi` (every number up to it has been handed out);
 *   2. then take a snapshot: its in-progress transaction ids include every one holding a number
 *      up to `hi` that has not finished (it had its id before its number, and its number before 1);
 *   3. wait until none of those is still in progress. Every change numbered up to `hi` is now
 *      committed (visible to the next statement) or gone, and `hi` is the horizon.
 * Read-only transactions (reports, pg_dump) have no id and never hold it back; a stuck writer
 * does, for at most MAX_WAIT_MS, after which the read fails rather than skip.
 */
import type { Executor } from '../db/database.ts';

const POLL_MS = 1;
const MAX_WAIT_MS = 30_000;

interface Snapshot {
  xmin: bigint;
  inProgress: Set<bigint>;
}

/** `xmin:xmax:xip,xip,…` as pg_snapshot prints it. */
function parseSnapshot(text: string): Snapshot {
  const [xmin, , xip = ''] = text.split(':');
  return {
    xmin: BigInt(xmin ?? '0'),
    inProgress: new Set(xip === '' ? [] : xip.split(',').map((x) => BigInt(x))),
  };
}

async function snapshot(ex: Executor): Promise<Snapshot> {
  const row = await ex.get<{ snap: string }>('SELECT pg_current_snapshot()::text AS snap');
  if (row === undefined) throw new Error('no snapshot');
  return parseSnapshot(row.snap);
}

/** Must run outside a transaction (autocommit), each statement seeing what committed before it. */
export async function settledHorizon(ex: Executor): Promise<number> {
  const top = await ex.get<{ last_value: number; is_called: boolean }>(
    'SELECT last_value, is_called FROM sync_change_seq',
  );
  if (top === undefined) throw new Error('change sequence missing');
  const hi = top.is_called ? top.last_value : top.last_value - 1;
  let pending = [...(await snapshot(ex)).inProgress];
  const deadline = Date.now() + MAX_WAIT_MS;
  while (pending.length > 0) {
    if (Date.now() > deadline) throw new Error('change-log horizon: a writing transaction did not finish');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = await snapshot(ex);
    pending = pending.filter((xid) => xid >= now.xmin && now.inProgress.has(xid));
  }
  return hi;
}

/** Called first in a publishing transaction: its id, then its number (see the header). */
export async function nextChangeNumber(ex: Executor): Promise<number> {
  await ex.get('SELECT pg_current_xact_id()');
  const row = await ex.get<{ seq: number }>("SELECT nextval('sync_change_seq') AS seq");
  if (row === undefined) throw new Error('change sequence missing');
  return row.seq;
}
