/**
 * The door (DESIGN §6): online, the server decides a scan and its answer is the door's answer;
 * offline, the door decides from the replica alone — the token's signature against the replicated
 * keys, then the shared door rule (`doorVerdict`, the one the server applies) — and records the
 * admission locally and in the outbox, so it reaches the server and every other door.
 */
import { randomUUID } from 'node:crypto';
import {
  doorVerdict,
  keyringFrom,
  verifyTicket,
  type AdmitResult,
  type Showtime,
  type SigningKey,
  type SyncCollection,
  type Ticket,
} from '@marquee/shared';
import type { HandlerMap } from '../api/handler-map.ts';
import type { Clock } from '../clock.ts';
import type { Outbox } from '../outbox.ts';
import type { ReplicaReader } from '../replica.ts';
import type { ServerApi } from '../server-api.ts';
import { isOffline } from '../selling/online-sales.ts';
import type { Db } from '../store.ts';
import { AdmissionsStore } from './admissions-store.ts';
import { nodeSignatureVerifier } from './node-verifier.ts';

/** What a door reads of the replica. */
export interface DoorReplica extends ReplicaReader {
  collectionVersion(collection: SyncCollection): number;
  admittedAt(ticketId: string): string | undefined;
}

export interface DoorsOptions {
  db: Db;
  replica: DoorReplica;
  clock: Clock;
  outbox: Outbox;
  server: Pick<ServerApi, 'admit'>;
  link: { online(): boolean; kick(): void };
  /** An offline admission entered the outbox. */
  changed: () => void;
}

export class Doors {
  readonly admissions: AdmissionsStore;
  private readonly verifySignature = nodeSignatureVerifier();
  private keyringCache: { version: number; keyring: ReturnType<typeof keyringFrom> } | undefined;

  constructor(private readonly options: DoorsOptions) {
    this.admissions = new AdmissionsStore(options.db);
  }

  async admit(token: string, showtimeId: string | undefined): Promise<AdmitResult> {
    const { link } = this.options;
    if (link.online()) {
      try {
        return await this.admitOnline(token, showtimeId);
      } catch (error) {
        if (!isOffline(error)) throw error;
        link.kick();
      }
    }
    return this.admitOffline(token, showtimeId);
  }

  /** The server's verdict, as it answered it: the door shows what the server decided. */
  private async admitOnline(token: string, showtimeId: string | undefined): Promise<AdmitResult> {
    const answer = await this.options.server.admit({
      token,
      ...(showtimeId === undefined ? {} : { showtimeId }),
    });
    const ticketId = answer.ticketId ?? answer.ticket?.id;
    const ticketShowtime = answer.showtimeId ?? answer.ticket?.showtimeId;
    if (answer.verdict === 'admitted' && ticketId !== undefined && ticketShowtime !== undefined) {
      this.admissions.recordOnline({
        ticketId,
        admissionId: randomUUID(),
        showtimeId: ticketShowtime,
        at: answer.admittedAt === undefined ? this.options.clock.wall() : Date.parse(answer.admittedAt),
      });
    }
    const seatId = answer.seatId ?? answer.ticket?.seatId;
    return {
      verdict: answer.verdict,
      ...(ticketId === undefined ? {} : { ticketId }),
      ...(ticketShowtime === undefined ? {} : { showtimeId: ticketShowtime }),
      ...(seatId === undefined ? {} : { seatId }),
      ...(answer.ticketType === undefined ? {} : { ticketType: answer.ticketType }),
      ...(answer.admittedAt === undefined ? {} : { admittedAt: answer.admittedAt }),
      offline: false,
    };
  }

  private admitOffline(token: string, showtimeId: string | undefined): AdmitResult {
    const verdict = this.verdictOffline(token, showtimeId);
    if (verdict.verdict !== 'admitted' || verdict.ticketId === undefined || verdict.showtimeId === undefined)
      return verdict;
    const { db, clock, outbox } = this.options;
    const admissionId = randomUUID();
    const now = clock.wall();
    const ticketId = verdict.ticketId;
    const ticketShowtime = verdict.showtimeId;
    db.transaction(() => {
      this.admissions.recordOffline({ ticketId, admissionId, showtimeId: ticketShowtime, at: now });
      outbox.add(
        admissionId,
        'admission.record',
        {
          admissionId,
          token,
          at: new Date(now).toISOString(),
          localVerdict: 'admitted',
          ...(showtimeId === undefined ? {} : { showtimeId }),
        },
        now,
      );
    })();
    this.options.changed();
    return { ...verdict, admittedAt: new Date(now).toISOString() };
  }

  /** The verdict from the replica alone: the signature, then the shared door rule. */
  verdictOffline(token: string, doorShowtimeId: string | undefined): AdmitResult {
    const { replica } = this.options;
    const verified = verifyTicket(token, this.keyring(), this.verifySignature);
    if (verified.verdict !== 'valid') return { verdict: 'invalid', offline: true };
    const p = verified.payload;
    const showtime = replica.get<Showtime>('showtimes', p.showtimeId);
    const localAt = this.admissions.admittedAt(p.ticketId);
    const admittedAt =
      localAt === undefined ? replica.admittedAt(p.ticketId) : new Date(localAt).toISOString();
    const verdict = doorVerdict({
      signatureValid: true,
      ticketStatus: replica.get<Ticket>('tickets', p.ticketId)?.status,
      ticketShowtimeId: p.showtimeId,
      doorShowtimeId,
      showtime,
      timing: 'check',
      admittedAt,
      now: this.options.clock.wall(),
    });
    return {
      verdict,
      ticketId: p.ticketId,
      showtimeId: p.showtimeId,
      seatId: p.seatId,
      ticketType: p.ticketType,
      ...(verdict === 'already_admitted' && admittedAt !== undefined ? { admittedAt } : {}),
      offline: true,
    };
  }

  /**
   * The replicated public keys, decoded once per change of the collection (decoding checks every
   * key's curve point: ~70 µs a key, paid on every scan before, with one key per enrolled terminal).
   */
  private keyring(): ReturnType<typeof keyringFrom> {
    const { replica } = this.options;
    const version = replica.collectionVersion('signing_keys');
    if (this.keyringCache?.version !== version) {
      this.keyringCache = { version, keyring: keyringFrom(replica.all<SigningKey>('signing_keys')) };
    }
    return this.keyringCache.keyring;
  }
}

export type DoorHandlers = HandlerMap<'ticket.lookup' | 'ticket.admit'>;

export function doorHandlers(doors: Doors): DoorHandlers {
  return {
    'ticket.lookup': (input) => doors.verdictOffline(input.token, undefined),
    'ticket.admit': (input) => doors.admit(input.token, input.showtimeId),
  };
}
