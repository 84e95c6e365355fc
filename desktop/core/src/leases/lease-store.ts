/**
 * The lease tables of the terminal's SQLite file: `leases` (seats the server escrowed to this
 * terminal, with the monotonic time of the grant), `lease_sales` (leased seats sold here offline)
 * and `local_holds` (offline holds on leased seats, expiring on the monotonic clock). Every SQL
 * statement on them is here.
 */
import type { Db } from '../store.ts';

export interface LeaseRow {
  id: string;
  showtime_id: string;
  seat_ids: string;
  server_granted_at: number;
  deadline: number;
  mono_at_grant: number;
  boot_id: string;
  status: 'active' | 'returning' | 'returned';
}

export interface LocalHoldRow {
  id: string;
  showtime_id: string;
  seat_ids: string;
  lease_id: string;
  /** Monotonic milliseconds. */
  expires_at: number;
}

export interface GrantedLease {
  id: string;
  showtimeId: string;
  seatIds: readonly string[];
  grantedAt: number;
  deadline: number;
  monoAtGrant: number;
  bootId: string;
}

export class LeaseStore {
  constructor(private readonly db: Db) {}

  get(id: string): LeaseRow | undefined {
    return this.db.prepare('SELECT * FROM leases WHERE id = ?').get(id) as LeaseRow | undefined;
  }

  /** Leases in status `active` (their time may have run out: see `LeaseKeeper.remainingMs`). */
  active(showtimeId?: string): LeaseRow[] {
    return (
      showtimeId === undefined
        ? this.db.prepare("SELECT * FROM leases WHERE status = 'active'").all()
        : this.db.prepare("SELECT * FROM leases WHERE status = 'active' AND showtime_id = ?").all(showtimeId)
    ) as LeaseRow[];
  }

  /** A lease answer can arrive twice (a retried mutation): the first one counts. */
  insertGranted(lease: GrantedLease): void {
    this.db
      .prepare(
        `INSERT INTO leases (id, showtime_id, seat_ids, server_granted_at, deadline, mono_at_grant, boot_id, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active') ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        lease.id,
        lease.showtimeId,
        JSON.stringify(lease.seatIds),
        lease.grantedAt,
        lease.deadline,
        lease.monoAtGrant,
        lease.bootId,
      );
  }

  setStatus(id: string, status: LeaseRow['status']): void {
    this.db.prepare('UPDATE leases SET status = ? WHERE id = ?').run(status, id);
  }

  // --- lease_sales -----------------------------------------------------------------------------

  soldSeats(leaseId: string): Set<string> {
    return new Set(
      (
        this.db.prepare('SELECT seat_id FROM lease_sales WHERE lease_id = ?').all(leaseId) as {
          seat_id: string;
        }[]
      ).map((r) => r.seat_id),
    );
  }

  soldCount(leaseId: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM lease_sales WHERE lease_id = ?').get(leaseId) as {
        n: number;
      }
    ).n;
  }

  /** Seats of a showtime sold here from any lease, synced or not. */
  soldHere(showtimeId: string): string[] {
    return (
      this.db
        .prepare(
          'SELECT ls.seat_id FROM lease_sales ls JOIN leases l ON l.id = ls.lease_id WHERE l.showtime_id = ?',
        )
        .all(showtimeId) as { seat_id: string }[]
    ).map((r) => r.seat_id);
  }

  /** Inside the sale's transaction. */
  recordSale(leaseId: string, seatIds: readonly string[], orderId: string): void {
    const mark = this.db.prepare('INSERT INTO lease_sales (lease_id, seat_id, order_id) VALUES (?, ?, ?)');
    for (const seatId of seatIds) mark.run(leaseId, seatId, orderId);
  }

  // --- local_holds -----------------------------------------------------------------------------

  hold(id: string): LocalHoldRow | undefined {
    return this.db.prepare('SELECT * FROM local_holds WHERE id = ?').get(id) as LocalHoldRow | undefined;
  }

  /** Seats of a lease under a local hold that has not expired at `monoNow`. */
  heldSeats(leaseId: string, monoNow: number): Set<string> {
    return new Set(
      (
        this.db
          .prepare('SELECT seat_ids FROM local_holds WHERE lease_id = ? AND expires_at > ?')
          .all(leaseId, monoNow) as { seat_ids: string }[]
      ).flatMap((r) => JSON.parse(r.seat_ids) as string[]),
    );
  }

  insertHold(hold: {
    id: string;
    showtimeId: string;
    seatIds: readonly string[];
    leaseId: string;
    expiresMono: number;
  }): void {
    this.db
      .prepare(
        'INSERT INTO local_holds (id, showtime_id, seat_ids, lease_id, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(hold.id, hold.showtimeId, JSON.stringify(hold.seatIds), hold.leaseId, hold.expiresMono);
  }

  /** True when there was such a hold. */
  deleteHold(id: string): boolean {
    return this.db.prepare('DELETE FROM local_holds WHERE id = ?').run(id).changes > 0;
  }
}

export function leaseSeatIds(lease: LeaseRow): string[] {
  return JSON.parse(lease.seat_ids) as string[];
}

export function holdSeatIds(hold: LocalHoldRow): string[] {
  return JSON.parse(hold.seat_ids) as string[];
}
