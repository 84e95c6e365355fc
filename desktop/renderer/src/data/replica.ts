/**
 * The renderer's reactive copy of the core's replica (DESIGN §3): RxDB collections in memory
 * storage, filled by RxDB's own replication protocol from the terminal API. The pull handler asks
 * the core for documents changed after a local sequence (`replica.pull`); the pull stream says
 * "RESYNC" whenever the core reports a change to that collection, so the next pull runs at once.
 * The durable copy is the core's SQLite file, so nothing here needs to survive a reload.
 *
 * The renderer never writes these documents: it sends commands (hold, sell, admit) and sees
 * their effects arrive through replication. No push handler exists to make that impossible.
 */
import { createRxDatabase } from 'rxdb/plugins/core';
import type { RxCollection, RxDatabase, RxJsonSchema, WithDeleted } from 'rxdb/plugins/core';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { Subject } from 'rxjs';
import type {
  Admission,
  Hall,
  Movie,
  PriceList,
  SeatMapDoc,
  Showtime,
  Site,
  Ticket,
  TicketType,
  TerminalProfile,
} from '@marquee/shared';
import type { TerminalClient } from '../terminal-client.ts';

/** The replicated ticket: the server keeps the signed token out of terminal replicas. */
export type ReplicatedTicket = Omit<Ticket, 'token'>;

export interface ReplicaDocs {
  site: Site;
  movies: Movie;
  halls: Hall;
  showtimes: Showtime;
  ticket_types: TicketType;
  price_lists: PriceList;
  seat_maps: SeatMapDoc;
  tickets: ReplicatedTicket;
  admissions: Admission;
}
export type ReplicaName = keyof ReplicaDocs;

/**
 * What each profile's screens read. The free RxDB build caps open collections per process
 * (ENVIRONMENT.md), and a kiosk has no use for admissions nor a door for price lists, so each
 * profile opens only its own (at most eight).
 */
export const PROFILE_COLLECTIONS: Readonly<Record<TerminalProfile, readonly ReplicaName[]>> = {
  kiosk: ['site', 'movies', 'halls', 'showtimes', 'ticket_types', 'price_lists', 'seat_maps'],
  box_office: ['site', 'movies', 'halls', 'showtimes', 'ticket_types', 'price_lists', 'seat_maps', 'tickets'],
  gate: ['site', 'movies', 'halls', 'showtimes', 'ticket_types', 'tickets', 'admissions'],
};

type Collections = { [N in ReplicaName]?: RxCollection<ReplicaDocs[N]> };

export interface Replica {
  readonly profile: TerminalProfile;
  readonly names: readonly ReplicaName[];
  collection<N extends ReplicaName>(name: N): RxCollection<ReplicaDocs[N]> | undefined;
  /** Resolves once every collection has caught up with the core for the first time. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Pages of this many documents: a fresh kiosk pulls ~900 showtimes in two round trips. */
const PULL_BATCH = 500;
/** A failed pull (core busy, bridge reconnecting) is retried after this long. */
const RETRY_MS = 2_000;

// Only the primary key is declared: the documents are validated by the core and the server, and
// the renderer queries a few hundred documents at most, where indexes buy nothing.
function schemaOf(name: ReplicaName): RxJsonSchema<{ id: string }> {
  return {
    title: name,
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: { id: { type: 'string', maxLength: 128 } },
    required: ['id'],
  };
}

interface Checkpoint {
  lseq: number;
}

let databaseCount = 0;

export async function openReplica(client: TerminalClient, profile: TerminalProfile): Promise<Replica> {
  const names = PROFILE_COLLECTIONS[profile];
  databaseCount += 1;
  // A fresh name per open: React may mount twice in development, and a closed database's name
  // stays reserved in RxDB for the life of the page.
  const db: RxDatabase = await createRxDatabase({
    name: `marquee-${profile.replace('_', '-')}-${databaseCount}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
    eventReduce: true,
  });
  await db.addCollections(Object.fromEntries(names.map((name) => [name, { schema: schemaOf(name) }])));

  const collections: Collections = {};
  const streams = new Map<ReplicaName, Subject<'RESYNC'>>();
  const replications: RxReplicationState<unknown, Checkpoint>[] = [];
  for (const name of names) {
    const collection = db.collections[name] as RxCollection<{ id: string }> | undefined;
    if (collection === undefined) continue;
    (collections as Record<string, unknown>)[name] = collection;
    const stream = new Subject<'RESYNC'>();
    streams.set(name, stream);
    replications.push(
      replicateRxCollection<{ id: string }, Checkpoint>({
        replicationIdentifier: `marquee-core-${name}`,
        collection,
        live: true,
        retryTime: RETRY_MS,
        waitForLeadership: false,
        autoStart: true,
        pull: {
          batchSize: PULL_BATCH,
          handler: async (checkpoint, batchSize) => {
            const page = await pullPage(client, name, checkpoint, batchSize);
            return { documents: page.documents, checkpoint: page.checkpoint };
          },
          stream$: stream.asObservable(),
        },
      }) as RxReplicationState<unknown, Checkpoint>,
    );
  }

  const resync = (name: ReplicaName): void => streams.get(name)?.next('RESYNC');
  const unsubscribe = client.subscribe((event) => {
    if (event.type === 'replica') {
      if ((names as readonly string[]).includes(event.collection)) resync(event.collection as ReplicaName);
    } else {
      // A status event may follow a gap in the event stream (bridge reconnect, core restart):
      // pulling every collection once costs one empty page each and closes any gap.
      for (const name of names) resync(name);
    }
  });

  return {
    profile,
    names,
    collection: (name) => collections[name],
    ready: Promise.all(replications.map((r) => r.awaitInitialReplication())).then(() => undefined),
    async close() {
      unsubscribe();
      for (const stream of streams.values()) stream.complete();
      await Promise.all(replications.map((r) => r.cancel()));
      await db.close();
    },
  };
}

async function pullPage(
  client: TerminalClient,
  name: ReplicaName,
  checkpoint: Checkpoint | undefined,
  limit: number,
): Promise<{ documents: WithDeleted<{ id: string }>[]; checkpoint: Checkpoint }> {
  const result = await client.call('replica.pull', {
    collection: name,
    checkpoint: checkpoint === undefined ? null : { lseq: checkpoint.lseq },
    limit,
  });
  // RxDB retries a pull that throws, after `retryTime`.
  if (!result.ok) throw new Error(`replica.pull ${name}: ${result.error.code}`);
  return { documents: result.value.documents, checkpoint: result.value.checkpoint };
}
