/** A supervisor signs a refund or a drawer opening off with their own login, checked by a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Result } from '@marquee/shared';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { enrollDevice } from '../../../../test/support/enroll.ts';
import { freeSeats, sellSeats, upcomingShowtimes } from '../../../../test/support/terminal.ts';
import type { DrawerRequest } from '../printing/printer-service.ts';
import { ServerApi } from '../server-api.ts';
import { Supervisor } from './supervisor.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const cashier = { username: 'cashier1', password: DEMO_STAFF_PASSWORD };
const supervisor = { username: 'supervisor', password: DEMO_STAFF_PASSWORD };

/** A drawer that opens, recording what it was asked and what was refused. */
function fakeDrawer() {
  const opened: DrawerRequest[] = [];
  const refused: string[] = [];
  return {
    opened,
    refused,
    openDrawer: (request: DrawerRequest): Promise<Result<{ at: string }>> => {
      opened.push(request);
      return Promise.resolve(ok({ at: '2026-11-23T19:00:00.000Z' }));
    },
    auditDrawerRefusal: (username: string, _reason: string, message: string) => {
      refused.push(`${username}: ${message}`);
    },
  };
}

describe('supervisor actions', () => {
  it('refunds for a supervisor only, in their name', async () => {
    const till = await enrollDevice(server, 'box_office');
    const [showtimeId] = await upcomingShowtimes(server, till.token);
    if (showtimeId === undefined) throw new Error('nothing on sale');
    const seats = (await freeSeats(server, till.token, showtimeId)).slice(0, 2);
    const { order } = await sellSeats(server, till.token, showtimeId, seats);
    const actions = new Supervisor({ server: new ServerApi(server.url, till.token), printing: fakeDrawer() });
    await expect(actions.refund({ orderId: order.id, approval: cashier })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const refunded = await actions.refund({
      orderId: order.id,
      ticketIds: [order.tickets[0]?.id ?? ''],
      reason: 'wrong film',
      approval: supervisor,
    });
    expect(refunded).toEqual({ orderId: order.id, status: 'partially_refunded' });
  });

  it('opens the drawer for a supervisor and audits every refusal', async () => {
    const drawer = fakeDrawer();
    const actions = new Supervisor({ server: new ServerApi(server.url, undefined), printing: drawer });
    await expect(actions.openDrawer({ reason: 'change', supervisor: cashier })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      actions.openDrawer({ reason: 'change', supervisor: { ...supervisor, password: 'wrong-password' } }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(drawer.refused).toEqual([
      'cashier1: opening the drawer needs a supervisor',
      expect.stringMatching(/^supervisor: /),
    ]);
    const opened = await actions.openDrawer({ reason: 'change', supervisor });
    expect(opened).toMatchObject({ opened: true, by: expect.any(String) });
    expect(drawer.opened).toMatchObject([{ kind: 'manual', reason: 'change' }]);
  });
});
