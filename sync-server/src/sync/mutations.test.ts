/**
 * Mutations applied directly (as the outbox's batch would be), with every ok result checked
 * against its schema in `MUTATIONS` (the test server validates answers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MutationName } from '@marquee/shared';
import { MUTATIONS } from '@marquee/shared';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import type { Actor } from '../services/actors.ts';
import { adminOf, buildCatalogue, enrollTerminal, scheduleSoon } from '../testing/back-office.ts';
import { applyMutations } from './mutations.ts';

let server: TestServer;
let till: { actor: Actor; terminalId: string };
let showtimeId: string;

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  const ctx = server.ctx;
  const admin = await adminOf(ctx);
  const catalogue = await buildCatalogue(ctx, admin);
  till = await enrollTerminal(ctx, admin, 'box_office', { seatsPerShowtime: 2, hoursAhead: 6 });
  showtimeId = (await scheduleSoon(ctx, admin, catalogue)).id;
});

afterAll(async () => {
  await server.close();
});

async function apply(name: MutationName, args: unknown) {
  const [result] = await applyMutations(server.ctx, till.actor, {
    terminalId: till.terminalId,
    mutations: [{ id: server.ctx.newId(), name, args }],
  });
  if (result?.status !== 'ok') throw new Error(`${name} was not applied: ${JSON.stringify(result)}`);
  return result.result;
}

describe('lease mutations', () => {
  it('grants a lease and takes all its seats back, answering a returned lease with no seats', async () => {
    const lease = MUTATIONS['lease.request'].result.parse(
      await apply('lease.request', { showtimeId, seats: 2 }),
    );
    expect(lease).toMatchObject({ showtimeId, terminalId: till.terminalId, status: 'active' });
    expect(lease.seatIds).toHaveLength(2);
    const returned = await apply('lease.return', { leaseId: lease.id });
    expect(MUTATIONS['lease.return'].result.parse(returned)).toMatchObject({
      id: lease.id,
      status: 'returned',
      seatIds: [],
    });
  });
});
