/**
 * The DESIGN §2 invariants of the lobby scenario, checked against the server's own records (its
 * SQLite file, read-only) and its API once the lobby is healed and drained: one valid ticket per
 * seat, every acknowledged sale and admission on the server once, double entries flagged, and
 * every replica converged. Each breach is a sentence in `violations`.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TestCore } from './core.ts';
import type { Api } from './http-api.ts';
import { waitFor } from './wait.ts';

/** A sale a till showed as paid. */
export interface AckedSale {
  core: string;
  orderId: string;
  offline: boolean;
  tickets: { id: string; seatId: string; token: string }[];
}

/** A sale a till queued ("will complete when the server is back"). */
export interface QueuedSale {
  core: string;
  orderId: string;
}

/** A scan a door answered "admitted". */
export interface AckedAdmission {
  gate: string;
  ticketId: string;
  offline: boolean;
}

/** What the lobby did, as its terminals told it. */
export interface LobbyRecord {
  showtimeId: string;
  cores: { name: string; core: TestCore }[];
  sales: AckedSale[];
  queued: QueuedSale[];
  admissions: AckedAdmission[];
}

export interface LobbyChecks {
  violations: string[];
  queuedLanded: number;
  ticketsAdmittedTwice: number;
  server: {
    orders: number;
    validTickets: number;
    admissions: number;
    duplicateAdmissions: number;
    rejectedMutations: Record<string, number>;
  };
}

export function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

/** Checks the invariants on the server with data in `dataDir`, reachable through `api` as `token`. */
export async function checkLobby(
  dataDir: string,
  api: Api,
  token: string,
  record: LobbyRecord,
): Promise<LobbyChecks> {
  const { cores, sales, queued, admissions } = record;
  const show = { id: record.showtimeId };
  const violations: string[] = [];
  const db = new Database(join(dataDir, 'marquee.db'), { readonly: true, fileMustExist: true });
  try {
    // Holds: released, sold or expired by the server's own clock.
    await waitFor(
      () =>
        (db.prepare("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'").get() as { n: number }).n ===
        0,
      20_000,
      'no active holds',
    ).catch(() => {
      const n = (db.prepare("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'").get() as { n: number })
        .n;
      violations.push(`${String(n)} holds are still active after their lifetime`);
    });

    // Invariant 1: one valid ticket per seat on the server, and no seat was sold to two customers.
    const doubled = db
      .prepare(
        "SELECT showtime_id, seat_id, COUNT(*) AS n FROM tickets WHERE status = 'valid' GROUP BY showtime_id, seat_id HAVING n > 1",
      )
      .all() as { seat_id: string; n: number }[];
    for (const d of doubled)
      violations.push(`seat ${d.seat_id} has ${String(d.n)} valid tickets on the server`);
    const seatOwners = new Map<string, string>();
    for (const sale of sales) {
      for (const t of sale.tickets) {
        const other = seatOwners.get(t.seatId);
        if (other !== undefined)
          violations.push(`seat ${t.seatId} was sold to two customers: orders ${other} and ${sale.orderId}`);
        seatOwners.set(t.seatId, sale.orderId);
      }
    }

    // Invariant 2: every sale a till showed as paid is on the server, once, with its tickets.
    for (const sale of sales) {
      const found = await api('GET', `/orders/${sale.orderId}`, { token });
      if (found.status !== 200) {
        violations.push(
          `acknowledged ${sale.offline ? 'offline' : 'online'} sale ${sale.orderId} (${sale.core}) is not on the server: ${String(found.status)}`,
        );
        continue;
      }
      const server = (found.body.tickets as { id: string; seatId: string; token: string }[])
        .map((t) => `${t.id}/${t.seatId}/${t.token}`)
        .sort();
      const local = sale.tickets.map((t) => `${t.id}/${t.seatId}/${t.token}`).sort();
      if (JSON.stringify(server) !== JSON.stringify(local))
        violations.push(`order ${sale.orderId} on the server has other tickets than the till printed`);
      const rows = db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?').get(sale.orderId) as {
        n: number;
      };
      if (rows.n !== sale.tickets.length)
        violations.push(
          `order ${sale.orderId} has ${String(rows.n)} tickets, the till printed ${String(sale.tickets.length)}`,
        );
      const sameHold = db
        .prepare(
          'SELECT COUNT(*) AS n FROM orders WHERE hold_id IS NOT NULL AND hold_id = (SELECT hold_id FROM orders WHERE id = ?)',
        )
        .get(sale.orderId) as { n: number };
      if (sameHold.n > 1)
        violations.push(`the hold of order ${sale.orderId} was sold ${String(sameHold.n)} times`);
      for (const t of sale.tickets) {
        const ticket = db.prepare('SELECT status FROM tickets WHERE id = ?').get(t.id) as
          { status: string } | undefined;
        if (ticket?.status !== 'valid')
          violations.push(
            `ticket ${t.id} of order ${sale.orderId} is ${ticket?.status ?? 'missing'} on the server`,
          );
      }
    }
    // A queued sale (the till said "will complete") either landed once or was answered as rejected.
    let queuedLanded = 0;
    for (const q of queued) {
      const found = await api('GET', `/orders/${q.orderId}`, { token });
      if (found.status === 200) {
        queuedLanded += 1;
        continue;
      }
      const owner = cores.find((c) => c.name === q.core);
      const entry = (await owner?.core.call('outbox.list', {}))?.find((e) => e.id === q.orderId);
      if (entry?.status !== 'rejected')
        violations.push(`queued sale ${q.orderId} (${q.core}) neither reached the server nor was rejected`);
    }

    // Invariant 3: acknowledged admissions are recorded; partitioned double entries are flagged.
    const byTicket = new Map<string, AckedAdmission[]>();
    for (const a of admissions) byTicket.set(a.ticketId, [...(byTicket.get(a.ticketId) ?? []), a]);
    let twice = 0;
    for (const [ticketId, acks] of byTicket) {
      const rows = db
        .prepare("SELECT duplicate FROM admissions WHERE ticket_id = ? AND verdict = 'admitted'")
        .all(ticketId) as { duplicate: number }[];
      if (rows.length === 0)
        violations.push(`admission of ticket ${ticketId} at ${acks[0]?.gate ?? '?'} is not on the server`);
      if (rows.filter((r) => r.duplicate === 0).length > 1)
        violations.push(`ticket ${ticketId} has two first admissions`);
      if (acks.filter((a) => !a.offline).length > 1)
        violations.push(`ticket ${ticketId} was admitted twice by connected doors`);
      if (acks.length > 1) {
        twice += 1;
        if (!rows.some((r) => r.duplicate === 1))
          violations.push(
            `ticket ${ticketId} was admitted ${String(acks.length)} times but no duplicate is flagged`,
          );
      }
    }

    // Every replica converges on the server's seat map.
    const serverStates = async () => {
      const res = await api('GET', `/showtimes/${show.id}/seats`, { token });
      return new Map((res.body.seats as { id: string; state: string }[]).map((s) => [s.id, s.state]));
    };
    for (const c of cores) {
      let diff: string[] = [];
      await waitFor(
        async () => {
          const expected = await serverStates();
          const map = await c.core.call('seatmap.get', { showtimeId: show.id });
          diff = map.seats
            .filter((s) => expected.get(s.id) !== s.state)
            .map((s) => `${s.id}: ${s.state} here, ${expected.get(s.id) ?? '?'} on the server`);
          return diff.length === 0;
        },
        10_000,
        `${c.name} converged`,
      ).catch(() =>
        violations.push(`${c.name}'s seat map differs from the server's: ${diff.slice(0, 5).join('; ')}`),
      );
    }

    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const rejectedMutations: Record<string, number> = {};
    for (const row of db.prepare('SELECT result FROM applied_mutations').all() as { result: string }[]) {
      const result = JSON.parse(row.result) as { status: string; error?: { code: string } };
      if (result.status === 'rejected') bump(rejectedMutations, result.error?.code ?? '?');
    }
    return {
      violations,
      queuedLanded,
      ticketsAdmittedTwice: twice,
      server: {
        orders: count(`SELECT COUNT(*) AS n FROM orders WHERE showtime_id = '${show.id}'`),
        validTickets: count(
          `SELECT COUNT(*) AS n FROM tickets WHERE status = 'valid' AND showtime_id = '${show.id}'`,
        ),
        admissions: count('SELECT COUNT(*) AS n FROM admissions WHERE duplicate = 0'),
        duplicateAdmissions: count('SELECT COUNT(*) AS n FROM admissions WHERE duplicate = 1'),
        rejectedMutations,
      },
    };
  } finally {
    db.close();
  }
}
