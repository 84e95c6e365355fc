/**
 * Door scans and the `admissions` table. The first admission of a ticket wins, enforced by the
 * partial unique index `admissions_first_wins`, so two doors scanning one ticket at once cannot
 * both admit it.
 */
import type { AdmissionResponse, AdmissionVerdict } from '@marquee/shared';
import { doorVerdict, verifyTicket } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { inTransaction, type Executor, type TxScope } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { findShowtimeCached } from './catalogue-cache.ts';
import { loadKeyring } from './signing-keys.ts';
import { findTicket, ticketView } from './tickets.ts';

/** Of `ticketIds`, those admitted at a door. */
export async function admittedTicketIds(ex: Executor, ticketIds: readonly string[]): Promise<string[]> {
  if (ticketIds.length === 0) return [];
  const rows = await ex.all<{ ticket_id: string }>(
    `SELECT ticket_id FROM admissions WHERE verdict = 'admitted' AND ticket_id IN (${ticketIds.map(() => '?').join(', ')})`,
    ticketIds,
  );
  return rows.map((r) => r.ticket_id);
}

/** When this terminal itself first admitted the ticket, if it did. */
export async function admittedBy(
  ex: Executor,
  ticketId: string,
  terminalId: string,
): Promise<number | undefined> {
  const row = await ex.get<{ at: number }>(
    "SELECT at FROM admissions WHERE ticket_id = ? AND terminal_id = ? AND verdict = 'admitted' AND duplicate = 0",
    [ticketId, terminalId],
  );
  return row?.at;
}

export interface AdmitOptions {
  token: string;
  showtimeId?: string | undefined;
  admissionId?: string;
  /** A door that admitted while offline reports it; the server then records, never refuses. */
  offline?: { at: number; localVerdict: AdmissionVerdict };
}

export interface AdmitResult extends AdmissionResponse {
  duplicate?: boolean;
}

/**
 * Decides a scan by the door rule (shared/doors.ts: signature, ticket state, showtime, time), then
 * the first admission wins — enforced by a unique index, so two doors scanning the same ticket at
 * once cannot both admit.
 */
export async function admit(
  ctx: ServerContext,
  actor: Actor,
  options: AdmitOptions,
  scope?: TxScope,
): Promise<AdmitResult> {
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const now = ctx.now();
    const keyring = await loadKeyring(ex);
    const verified = verifyTicket(options.token, keyring);
    if (verified.verdict !== 'valid') return { verdict: 'invalid' };
    const payload = verified.payload;
    // An offline sale may reach a door before it reaches us; its signature vouches for it.
    const ticket = (await findTicket(ex, payload.ticketId)) ?? null;
    // What the door shows comes from the verified token; the ticket row, once known, adds its state.
    const fromToken = {
      ticketId: payload.ticketId,
      showtimeId: payload.showtimeId,
      seatId: payload.seatId,
      ticketType: payload.ticketType,
    };
    const shown = ticket === null ? undefined : { ...ticketView(ticket), showtimeId: ticket.showtime_id };
    const withTicket = (verdict: AdmissionVerdict, extra: Partial<AdmitResult> = {}): AdmitResult => ({
      verdict,
      ...fromToken,
      ...(shown === undefined ? {} : { ticket: shown }),
      ...extra,
    });

    const showtimeId = ticket?.showtime_id ?? payload.showtimeId;
    const admissionId = options.admissionId ?? ctx.newId();
    const at = options.offline?.at ?? now;
    const terminalId = actor.kind === 'device' ? actor.id : null;
    /** Inserts (unless the unique index refuses it) and replicates one admission row. */
    const record = async (verdict: 'admitted' | 'refunded', duplicate: boolean): Promise<boolean> => {
      const inserted = await ex.run(
        `INSERT INTO admissions (id, ticket_id, showtime_id, terminal_id, at, verdict, duplicate)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [admissionId, payload.ticketId, showtimeId, terminalId, at, verdict, duplicate ? 1 : 0],
      );
      if (inserted !== 1) return false;
      await publish(ctx, ex, tx, 'admissions', admissionId, {
        id: admissionId,
        ticketId: payload.ticketId,
        showtimeId,
        terminalId,
        at: new Date(at).toISOString(),
        verdict,
        duplicate,
      });
      return true;
    };

    // A door that admitted offline reports it: the person is inside, so only the ticket's own state
    // can make it anything but an admission (timing: 'door_decided').
    const showtime = options.offline === undefined ? await findShowtimeCached(ex, showtimeId) : undefined;
    const verdict = doorVerdict({
      signatureValid: true,
      ticketStatus: ticket?.status,
      ticketShowtimeId: showtimeId,
      doorShowtimeId: options.showtimeId,
      showtime,
      timing: options.offline === undefined ? 'check' : 'door_decided',
      // The first admission is arbitrated below, by the unique index.
      admittedAt: undefined,
      now,
    });
    if (verdict === 'refunded' && options.offline?.localVerdict === 'admitted') {
      // A partitioned door let the holder of a ticket refunded meanwhile in: the admission
      // happened and must not be lost; it is recorded under the server's verdict for review.
      await record('refunded', false);
    }
    if (verdict !== 'admitted') return withTicket(verdict);

    if (await record('admitted', false)) {
      return withTicket('admitted', { admittedAt: new Date(at).toISOString() });
    }
    const first = await ex.get<{ at: number }>(
      "SELECT at FROM admissions WHERE ticket_id = ? AND verdict = 'admitted' AND duplicate = 0",
      [payload.ticketId],
    );
    const admittedAt = new Date(first?.at ?? now).toISOString();
    if (options.offline?.localVerdict === 'admitted') {
      // Two partitioned doors both let the holder in: record it and flag it for the manager.
      await record('admitted', true);
      return withTicket('already_admitted', { admittedAt, duplicate: true });
    }
    return withTicket('already_admitted', { admittedAt });
  });
}
