/**
 * Keeps this terminal's leases (DESIGN §6): asks for them per the manager's policy while online,
 * records grants measured on the monotonic clock, returns unsold seats as showtimes near, and says
 * which leased seats are still sellable offline. A lease's time is the server's grant-to-deadline
 * span minus the monotonic time since the request: a wrong or moved wall clock cannot extend it.
 */
import { randomUUID } from 'node:crypto';
import type { Lease } from '@marquee/shared';
import { type MutationResult, type Showtime, type TerminalProfile } from '@marquee/shared';
import type { Log } from '../api/handler-map.ts';
import type { Clock } from '../clock.ts';
import type { Outbox, OutboxRow } from '../outbox.ts';
import { showtimesBetween } from '../programme/showtimes.ts';
import type { ReplicaReader } from '../replica.ts';
import { parseMutationResult, type ServerApi } from '../server-api.ts';
import type { Db } from '../store.ts';
import { LeaseStore, leaseSeatIds, type LeaseRow } from './lease-store.ts';

/** Unsold leased seats go back on sale this long before the showtime, when online. */
export const LEASE_RETURN_BEFORE_START_MS = 10 * 60 * 1000;

export interface LeaseKeeperOptions {
  db: Db;
  replica: ReplicaReader;
  clock: Clock;
  outbox: Outbox;
  server: ServerApi;
  online: () => boolean;
  identity: { readonly terminalId: string | undefined; readonly profile: TerminalProfile | undefined };
  /** Lease counts changed (the status shows the seats left). */
  changed: () => void;
  log?: Log | undefined;
}

export class LeaseKeeper {
  readonly store: LeaseStore;
  /** Monotonic time each lease request was made: its grant is never older, however late the answer. */
  private readonly askedAt = new Map<string, number>();

  constructor(private readonly options: LeaseKeeperOptions) {
    this.store = new LeaseStore(options.db);
  }

  /** Time left on a lease by the monotonic clock; zero after a reboot (cannot be measured). */
  remainingMs(lease: LeaseRow): number {
    const { clock } = this.options;
    if (lease.boot_id !== clock.bootId()) return 0;
    return lease.deadline - lease.server_granted_at - (clock.mono() - lease.mono_at_grant);
  }

  /** Active leases with time left. */
  live(showtimeId?: string): LeaseRow[] {
    return this.store.active(showtimeId).filter((l) => this.remainingMs(l) > 0);
  }

  /** Leased seats of a showtime neither sold nor held here. */
  sellableSeats(showtimeId: string): { leaseId: string; seatId: string }[] {
    const out: { leaseId: string; seatId: string }[] = [];
    for (const lease of this.live(showtimeId)) {
      const sold = this.store.soldSeats(lease.id);
      const held = this.store.heldSeats(lease.id, this.options.clock.mono());
      for (const seatId of leaseSeatIds(lease)) {
        if (!sold.has(seatId) && !held.has(seatId)) out.push({ leaseId: lease.id, seatId });
      }
    }
    return out;
  }

  /** Seats this terminal could still sell offline, over all its live leases. */
  seatsLeft(): number {
    let n = 0;
    for (const lease of this.live()) n += leaseSeatIds(lease).length - this.store.soldCount(lease.id);
    return n;
  }

  /** `maintain` in the background: it may outlive the core's close (a request in flight), never crash. */
  upkeep(): Promise<void> {
    return this.maintain().catch((error: unknown) => {
      if (this.options.db.open) this.options.log?.('lease upkeep failed', { error: String(error) });
    });
  }

  /** Requests leases per the manager's policy; returns unused seats as showtimes near. */
  async maintain(): Promise<void> {
    const { identity, outbox, clock, db } = this.options;
    if (!this.options.online() || identity.terminalId === undefined || identity.profile === 'gate') return;
    let policy;
    try {
      policy = await this.options.server.leasePolicy();
    } catch {
      return;
    }
    const now = clock.wall();
    if (policy.seatsPerShowtime > 0) {
      const leased = new Set(this.store.active().map((l) => l.showtime_id));
      const pending = new Set(
        outbox.pendingArgs('lease.request').map((args) => (args as { showtimeId: string }).showtimeId),
      );
      const upcoming = showtimesBetween(
        this.options.replica,
        now + LEASE_RETURN_BEFORE_START_MS,
        now + policy.hoursAhead * 3_600_000,
      ).filter((s) => s.status === 'on_sale' && !leased.has(s.id) && !pending.has(s.id));
      if (upcoming.length > 0) {
        db.transaction(() => {
          for (const s of upcoming) {
            const id = randomUUID();
            this.askedAt.set(id, clock.mono());
            outbox.add(id, 'lease.request', { showtimeId: s.id, seats: policy.seatsPerShowtime }, now);
          }
        })();
      }
    }
    for (const lease of this.live()) {
      const showtime = this.options.replica.get<Showtime>('showtimes', lease.showtime_id);
      if (showtime !== undefined && Date.parse(showtime.startsAt) - now > LEASE_RETURN_BEFORE_START_MS)
        continue;
      db.transaction(() => {
        outbox.add(randomUUID(), 'lease.return', { leaseId: lease.id }, now);
        this.store.setStatus(lease.id, 'returning');
      })();
    }
    await outbox.flush().catch(() => undefined);
    this.options.changed();
  }

  /** Inside the outbox's settling transaction: records a granted or returned lease. */
  settled(row: OutboxRow, result: MutationResult): void {
    if (result.status !== 'ok') return;
    const { clock } = this.options;
    if (row.name === 'lease.request') {
      let lease: Lease;
      try {
        lease = parseMutationResult('lease.request', result.result);
      } catch (error) {
        // Settled all the same: a malformed answer retried would block the outbox for ever.
        this.options.log?.('lease grant ignored', { error: String(error) });
        return;
      }
      // The grant happened after the request was made, maybe long before this answer (held up, or
      // lost and answered again from the server's record): measure the lease from the request, so
      // a late answer cannot stretch it. Across a restart, the request's wall time bounds it.
      const mono = clock.mono();
      const asked = this.askedAt.get(row.id) ?? mono - Math.max(0, clock.wall() - row.created_at);
      this.askedAt.delete(row.id);
      this.store.insertGranted({
        id: lease.id,
        showtimeId: lease.showtimeId,
        seatIds: lease.seatIds,
        grantedAt: Date.parse(lease.grantedAt),
        deadline: Date.parse(lease.deadline),
        monoAtGrant: Math.min(mono, asked),
        bootId: clock.bootId(),
      });
    } else if (row.name === 'lease.return') {
      const { leaseId } = JSON.parse(row.args) as { leaseId: string };
      this.store.setStatus(leaseId, 'returned');
    }
  }
}
