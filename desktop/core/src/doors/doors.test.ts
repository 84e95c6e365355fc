/**
 * The door against a real server: online the server's answer is the door's answer (no second
 * verification, no replica read); offline the shared door rule decides from the replica.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, signTicket } from '@marquee/shared';
import { startCore, type TestCore } from '../../../../test/support/core.ts';
import { waitFor } from '../../../../test/support/wait.ts';
import { createTestShowtime, type TestShowtime } from '../../../../test/support/test-showtime.ts';
import { startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { enrollDevice, type Device } from '../../../../test/support/enroll.ts';
import { sellSeats } from '../../../../test/support/terminal.ts';
import { ManualClock } from '../clock.ts';
import { Outbox } from '../outbox.ts';
import { ServerApi } from '../server-api.ts';
import { freshStore, type FreshStore } from '../testing/fresh-store.ts';
import { Doors, type DoorReplica } from './doors.ts';

let server: TestServer;
let show: TestShowtime;
let later: TestShowtime;
let till: Device;
let gate: Device;
/** A gate core whose replica the offline doors read. */
let replicaCore: TestCore;
const stores: FreshStore[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const now = server.clock.now();
  show = await createTestShowtime(server, { startsAt: now + 40 * 60_000 });
  later = await createTestShowtime(server, { startsAt: now + 5 * 3_600_000 });
  till = await enrollDevice(server, 'box_office');
  gate = await enrollDevice(server, 'gate');
  replicaCore = await startCore(server, 'gate');
});

afterAll(async () => {
  replicaCore.close();
  for (const store of stores) store.close();
  await server.close();
});

function doorsWith(options: { replica: DoorReplica; online: boolean; token?: string }): Doors {
  const store = freshStore();
  stores.push(store);
  const api = new ServerApi(server.url, options.token ?? gate.token);
  return new Doors({
    db: store.db,
    replica: options.replica,
    clock: new ManualClock(server.clock.now()),
    outbox: new Outbox(
      store.db,
      api,
      () => undefined,
      () => undefined,
    ),
    server: api,
    link: { online: () => options.online, kick: () => undefined },
    changed: () => undefined,
  });
}

async function sellOne(showtime: TestShowtime, seatId: string): Promise<string> {
  const { order } = await sellSeats(server, till.token, showtime.id, [seatId]);
  const token = order.tickets[0]?.token;
  if (token === undefined) throw new Error('no ticket');
  return token;
}

/** A replica that refuses to be read. */
function untouchableReplica(reads: string[]): DoorReplica {
  const refuse = (what: string) => {
    reads.push(what);
    throw new Error(`the replica was read: ${what}`);
  };
  return {
    get: (collection) => refuse(`get ${collection}`),
    all: (collection) => refuse(`all ${collection}`),
    collectionVersion: (collection) => refuse(`version ${collection}`),
    admittedAt: () => refuse('admittedAt'),
  };
}

describe('a door online', () => {
  it("answers seat and ticket type from the server's answer without touching the replica", async () => {
    const token = await sellOne(show, 'C-3');
    const reads: string[] = [];
    const doors = doorsWith({ replica: untouchableReplica(reads), online: true });
    const first = await doors.admit(token, undefined);
    expect(first).toMatchObject({
      verdict: 'admitted',
      showtimeId: show.id,
      seatId: 'C-3',
      ticketType: 'adult',
      offline: false,
    });
    expect(first.admittedAt).toBeDefined();
    const second = await doors.admit(token, undefined);
    expect(second).toMatchObject({ verdict: 'already_admitted', seatId: 'C-3', offline: false });
    expect(reads).toEqual([]);
  });
});

describe('a door offline', () => {
  it('decides with the shared door rule from the replica and refuses a second scan here', async () => {
    const token = await sellOne(show, 'D-4');
    const tooEarly = await sellOne(later, 'D-4');
    await waitFor(
      () => replicaCore.core.parts.replica.all<{ seatId: string }>('tickets').length >= 2,
      10_000,
      'the tickets replicated',
    );
    const doors = doorsWith({ replica: replicaCore.core.parts.replica, online: false });
    expect(await doors.admit(tooEarly, undefined)).toMatchObject({ verdict: 'too_early', offline: true });
    expect(await doors.admit(token, later.id)).toMatchObject({ verdict: 'wrong_showtime' });
    const admitted = await doors.admit(token, show.id);
    expect(admitted).toMatchObject({
      verdict: 'admitted',
      seatId: 'D-4',
      ticketType: 'adult',
      offline: true,
    });
    const again = await doors.admit(token, show.id);
    expect(again).toEqual({ ...admitted, verdict: 'already_admitted' });
    expect(doors.admissions.admittedAt(admitted.ticketId ?? '')).toBe(Date.parse(admitted.admittedAt ?? ''));
  });

  it('refuses a token signed by a key the replica does not know', async () => {
    const stranger = generateSigningKeyPair(randomBytes(32));
    const forged = signTicket(
      {
        ticketId: randomUUID(),
        showtimeId: show.id,
        seatId: 'E-5',
        ticketType: 'adult',
        keyId: stranger.keyId,
        issuedAt: Math.floor(server.clock.now() / 1000),
      },
      stranger.privateKey,
    );
    const doors = doorsWith({ replica: replicaCore.core.parts.replica, online: false });
    expect(await doors.admit(forged, undefined)).toEqual({ verdict: 'invalid', offline: true });
  });
});
