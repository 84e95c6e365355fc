/**
 * The back office over HTTP, as a manager's screen uses it: a real server on a loopback port with a
 * real SQLite file, its catalogue built through the API itself. Answers are parsed with the shared
 * schemas, so they are checked against the contract too.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EnrollResponse,
  EnrollmentCodeResponse,
  Hall,
  PriceList,
  PullResponse,
  SalesReport,
  Showtime,
  StaffUser,
  Terminal,
  generateSigningKeyPair,
  publicKeyToB64,
} from '@marquee/shared';
import { plainHall } from '../shared/src/testing/layouts.ts';
import { expectBody, expectError, useBackOffice, type Answer } from './support/back-office.ts';
import { DEMO_STAFF_PASSWORD, startTestServer } from './support/server.ts';

const NOW = Date.parse('2031-06-02T01:00:00Z');
const HOUR = 3_600_000;
const at = (hhmm: string, day = '2031-06-04') => `${day}T${hhmm}:00Z`;
const ADULT = 6000;

const Halls = z.object({ halls: z.array(Hall) });
const Users = z.object({ users: z.array(StaffUser) });
const Devices = z.object({ devices: z.array(Terminal) });
const ProgrammeShowtime = z.object({ showtime: Showtime });
const Occupancy = z.object({
  showtimes: z.array(
    z.object({
      showtimeId: z.string(),
      capacity: z.number(),
      sold: z.number(),
      occupancyPercent: z.number(),
    }),
  ),
});
const CashUp = z.object({
  totals: z.object({ cashTendered: z.number(), changeGiven: z.number(), cashNet: z.number() }),
});
const OpenApi = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

const office = useBackOffice(NOW, ADULT);

describe('programming showtimes', () => {
  it('answers 409 schedule_conflict naming the showtime a new one overlaps', async () => {
    const first = await expectBody(office.schedule(at('10:00')), 201, Showtime);
    expect(first).toMatchObject({
      endsAt: '2031-06-04T12:00:00.000Z',
      cleaningMinutes: 15,
      status: 'on_sale',
    });
    const clash = await expectError(office.schedule(at('11:00')), 409);
    expect(clash).toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'overlap' },
    });
    expect(clash.message).toContain(first.id);
  });

  it("refuses a start inside the previous showtime's cleaning time and accepts one right after it", async () => {
    const first = await expectBody(office.schedule(at('10:00', '2031-06-05')), 201, Showtime);
    const early = await expectError(office.schedule(at('12:10', '2031-06-05')), 409);
    expect(early).toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'cleaning_buffer', overlapMinutes: 5 },
    });
    await expectBody(office.schedule(at('12:15', '2031-06-05')), 201, Showtime);
  });

  it('cancels a showtime: it stays listed as cancelled, stops selling and frees its hall', async () => {
    const showtime = await expectBody(office.schedule(at('10:00', '2031-06-06')), 201, Showtime);
    const cancelled = await expectBody(
      office.call('DELETE', `/showtimes/${showtime.id}`, office.admin),
      200,
      Showtime,
    );
    expect(cancelled).toMatchObject({ id: showtime.id, status: 'cancelled' });
    const hold = await expectError(office.post('/holds', { showtimeId: showtime.id, seatIds: ['A-1'] }), 409);
    expect(hold.code).toBe('invalid_state');
    const read = await expectBody(
      office.call('GET', `/showtimes/${showtime.id}`, office.admin),
      200,
      ProgrammeShowtime,
    );
    expect(read.showtime.status).toBe('cancelled');
    await expectBody(office.schedule(at('10:00', '2031-06-06')), 201, Showtime);
  });

  it('refuses to move a showtime once tickets are sold', async () => {
    const showtime = await expectBody(office.schedule(at('10:00', '2031-06-07')), 201, Showtime);
    await office.sellSeats(office.admin, showtime.id, ['C-8'], { method: 'card', amount: ADULT });
    const move = await expectError(
      office.call('PATCH', `/showtimes/${showtime.id}`, office.admin, {
        startsAt: at('16:00', '2031-06-07'),
      }),
      409,
    );
    expect(move).toMatchObject({ code: 'invalid_state', details: { ticketsSold: 1 } });
  });
});

describe('halls, ticket types', () => {
  it('refuses a malformed layout with 400 naming the field and the rule, and creates nothing', async () => {
    const before = (await expectBody(office.call('GET', '/halls', office.admin), 200, Halls)).halls.length;
    const repeated = plainHall(2, 3);
    repeated.rows[1]?.cells.push({ type: 'seat', label: '2', kind: 'standard' });
    const rule = await expectError(
      office.post('/halls', { name: 'Hall 2', features: [], layout: repeated }),
      400,
    );
    expect(rule).toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.layout', rule: 'duplicate_seat', row: 'B', seat: '2' },
    });
    // A kind the contract does not know: written as JSON, since the layout type cannot hold it.
    const shape = {
      version: 1,
      rows: [
        {
          label: 'A',
          cells: [
            { type: 'seat', label: '1', kind: 'sofa' },
            { type: 'seat', label: '2', kind: 'standard' },
          ],
        },
      ],
    };
    const parsed = await expectError(
      office.post('/halls', { name: 'Hall 2', features: [], layout: shape }),
      400,
    );
    expect(parsed.code).toBe('validation_failed');
    expect(parsed.details?.['field']).toMatch(/^body\.layout\.rows\.0\.cells\.0/);
    expect((await expectBody(office.call('GET', '/halls', office.admin), 200, Halls)).halls).toHaveLength(
      before,
    );
  });

  it('answers 409 conflict for a second ticket type with the same code', async () => {
    const again = await expectError(
      office.post('/ticket-types', { code: 'adult', names: { en: 'Adult 2', 'zh-CN': '成人' } }),
      409,
    );
    expect(again).toMatchObject({ code: 'conflict', details: { field: 'body.code' } });
  });
});

describe('staff and devices', () => {
  it('creates a cashier who can sign in, is refused the back office, and is signed out when deactivated', async () => {
    const user = await expectBody(
      office.post('/users', {
        username: 'cashier.bob',
        name: 'Bob',
        role: 'cashier',
        password: 'bob-password-123',
      }),
      201,
      StaffUser,
    );
    expect(user).toEqual({
      id: user.id,
      username: 'cashier.bob',
      name: 'Bob',
      role: 'cashier',
      active: true,
    });
    const duplicate = await expectError(
      office.post('/users', {
        username: 'cashier.bob',
        name: 'Bob 2',
        role: 'cashier',
        password: 'bob-password-123',
      }),
      409,
    );
    expect(duplicate.code).toBe('conflict');
    const token = await office.server.login('cashier.bob', 'bob-password-123');
    expect((await expectError(office.call('GET', '/halls', token), 403)).code).toBe('forbidden');
    await expectError(office.schedule(at('20:00', '2031-06-09'), token), 403);
    await expectBody(
      office.call('PATCH', `/users/${user.id}`, office.admin, { active: false }),
      200,
      StaffUser,
    );
    await expectError(office.call('GET', `/showtimes/${randomUUID()}`, token), 401);
    await expectError(
      office.call('POST', '/auth/login', undefined, {
        username: 'cashier.bob',
        password: 'bob-password-123',
      }),
      401,
    );
  });

  it('revokes a device: its token stops working and its signing key is published as revoked', async () => {
    const enrollment = await expectBody(
      office.post('/devices/enrollment-codes', { name: 'Kiosk 1', profile: 'kiosk' }),
      201,
      EnrollmentCodeResponse,
    );
    const pair = generateSigningKeyPair(new Uint8Array(32).fill(9));
    const enrolled = await expectBody(
      office.call('POST', '/devices/enroll', undefined, {
        code: enrollment.code,
        publicKey: publicKeyToB64(pair.publicKey),
      }),
      201,
      EnrollResponse,
    );
    const programme = `/showtimes?from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(at('23:59'))}`;
    expect((await office.call('GET', programme, enrolled.token)).status).toBe(200);
    await expectError(office.schedule(at('20:00', '2031-06-09'), enrolled.token), 403);
    const devices = await expectBody(office.call('GET', '/devices', office.admin), 200, Devices);
    expect(devices.devices).toEqual([
      expect.objectContaining({
        id: enrolled.terminalId,
        name: 'Kiosk 1',
        profile: 'kiosk',
        status: 'active',
      }),
    ]);

    const revoked = await expectBody(
      office.call('PATCH', `/devices/${enrolled.terminalId}`, office.admin, { status: 'revoked' }),
      200,
      Terminal,
    );
    expect(revoked.status).toBe('revoked');
    await expectError(office.call('GET', programme, enrolled.token), 401);
    const keys = await expectBody(
      office.call('GET', '/sync/pull?collection=signing_keys', office.admin),
      200,
      PullResponse,
    );
    expect(keys.documents).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyId: enrolled.keyId, revoked: true })]),
    );
    const again = await expectError(
      office.call('PATCH', `/devices/${enrolled.terminalId}`, office.admin, { status: 'active' }),
      409,
    );
    expect(again.code).toBe('invalid_state');
  });
});

describe('reports', () => {
  it('adds up a cash sale and a card sale, with the change, per cashier', async () => {
    // An hour after the other tests' sales, so the range holds only these two.
    office.server.clock.advance(HOUR);
    const saleTime = office.server.clock.now();
    const showtime = await expectBody(office.schedule(at('10:00', '2031-06-08')), 201, Showtime);
    const cashier = await expectBody(
      office.post('/users', {
        username: 'cashier.cy',
        name: 'Cy',
        role: 'cashier',
        password: 'cy-password-1234',
      }),
      201,
      StaffUser,
    );
    const cashierToken = await office.server.login('cashier.cy', 'cy-password-1234');
    const cash = await office.sellSeats(office.admin, showtime.id, ['A-1', 'A-2'], {
      method: 'cash',
      amount: 2 * ADULT,
      tendered: 15000,
    });
    expect(cash.change).toBe(15000 - 2 * ADULT);
    await office.sellSeats(cashierToken, showtime.id, ['B-1'], { method: 'card', amount: ADULT });

    const range = `from=${encodeURIComponent(new Date(saleTime).toISOString())}&to=${encodeURIComponent(
      new Date(saleTime + 1000).toISOString(),
    )}`;
    const sales = await expectBody(
      office.call('GET', `/reports/sales?${range}`, office.admin),
      200,
      SalesReport,
    );
    expect(sales).toMatchObject({
      orders: 2,
      tickets: 3,
      gross: 3 * ADULT,
      refunds: 0,
      net: 3 * ADULT,
      byPaymentMethod: { cash: 2 * ADULT, card: ADULT },
    });
    expect(sales.byCashier).toEqual(
      expect.arrayContaining([expect.objectContaining({ staffUserId: cashier.id, orders: 1, net: ADULT })]),
    );

    const cashUp = await expectBody(
      office.call('GET', `/reports/cash-up?${range}`, office.admin),
      200,
      CashUp,
    );
    expect(cashUp.totals).toEqual({
      cashTendered: 15000,
      changeGiven: 15000 - 2 * ADULT,
      cashNet: 2 * ADULT,
    });

    const day = `from=${encodeURIComponent(at('00:00', '2031-06-08'))}&to=${encodeURIComponent(at('00:00', '2031-06-09'))}`;
    const occupancy = await expectBody(
      office.call('GET', `/reports/occupancy?${day}`, office.admin),
      200,
      Occupancy,
    );
    expect(occupancy.showtimes).toEqual([
      expect.objectContaining({ showtimeId: showtime.id, capacity: 24, sold: 3, occupancyPercent: 12.5 }),
    ]);

    await expectError(office.call('GET', `/reports/sales?${range}`, cashierToken), 403);
    const badRange = await expectError(
      office.call('GET', '/reports/sales?from=yesterday&to=today', office.admin),
      400,
    );
    expect(badRange.details?.['field']).toBe('query.from');
  });

  it('describes every back-office and report route in the OpenAPI document', async () => {
    const doc = await expectBody(office.call('GET', '/openapi.json'), 200, OpenApi);
    for (const path of [
      '/api/v1/halls/{id}',
      '/api/v1/price-lists',
      '/api/v1/devices/{id}',
      '/api/v1/reports/cash-up',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths['/api/v1/showtimes/{id}'] ?? {})).toEqual(
      expect.arrayContaining(['patch', 'delete']),
    );
  });
});

describe('the seeded demo', () => {
  it('has its halls, price lists and staff, and the demo cashiers can sign in but not manage', async () => {
    const demo = await startTestServer();
    try {
      const get = async (path: string, token: string): Promise<Answer> => {
        const answer = await demo.api('GET', path, { token });
        return { status: answer.status, body: answer.body as unknown };
      };
      const halls = await expectBody(get('/halls', demo.adminToken), 200, Halls);
      expect(halls.halls.length).toBeGreaterThanOrEqual(6);
      const users = await expectBody(get('/users', demo.adminToken), 200, Users);
      expect(users.users.map((u) => u.username)).toEqual(
        expect.arrayContaining(['admin', 'manager', 'cashier1']),
      );
      const manager = await demo.login('manager', DEMO_STAFF_PASSWORD);
      const lists = await expectBody(
        get('/price-lists', manager),
        200,
        z.object({ priceLists: z.array(PriceList) }),
      );
      expect(lists.priceLists).toHaveLength(3);
      const cashier = await demo.login('cashier1', DEMO_STAFF_PASSWORD);
      await expectError(get('/users', cashier), 403);
    } finally {
      await demo.close();
    }
  });
});
