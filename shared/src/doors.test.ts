import { describe, expect, it } from 'vitest';
import type { AdmissionVerdict } from './domain.ts';
import { DOORS_OPEN_BEFORE_MS, doorVerdict, type DoorFacts } from './doors.ts';

const START = Date.parse('2026-12-02T19:30:00Z');
const END = Date.parse('2026-12-02T21:45:00Z');
const SHOW = '7f4b7a2e-4c1e-4d43-9f7a-0d7f4c1e2a10';
const OTHER = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

const base: DoorFacts = {
  signatureValid: true,
  ticketStatus: 'valid',
  ticketShowtimeId: SHOW,
  doorShowtimeId: undefined,
  showtime: {
    status: 'on_sale',
    startsAt: new Date(START).toISOString(),
    endsAt: new Date(END).toISOString(),
  },
  timing: 'check',
  admittedAt: undefined,
  now: START - 10 * 60_000,
};

const cases: [string, Partial<DoorFacts>, AdmissionVerdict][] = [
  ['a valid ticket ten minutes before the start', {}, 'admitted'],
  ['a ticket the server has not heard of yet (sold offline)', { ticketStatus: undefined }, 'admitted'],
  ['a forged or unknown-key token', { signatureValid: false }, 'invalid'],
  [
    'a forged token even when everything else is wrong too',
    { signatureValid: false, ticketStatus: 'refunded', doorShowtimeId: OTHER },
    'invalid',
  ],
  ['a refunded ticket', { ticketStatus: 'refunded' }, 'refunded'],
  ['a voided ticket', { ticketStatus: 'voided' }, 'refunded'],
  [
    'a refunded ticket at the wrong door: refunded is said first',
    { ticketStatus: 'refunded', doorShowtimeId: OTHER },
    'refunded',
  ],
  ['a ticket for another showtime', { doorShowtimeId: OTHER }, 'wrong_showtime'],
  ['a ticket for this door', { doorShowtimeId: SHOW }, 'admitted'],
  ['a ticket whose showtime is unknown', { showtime: undefined }, 'invalid'],
  ['a ticket for a cancelled showtime', { showtime: { ...base.showtime!, status: 'cancelled' } }, 'refunded'],
  ['one minute before the doors open', { now: START - DOORS_OPEN_BEFORE_MS - 60_000 }, 'too_early'],
  ['the minute the doors open', { now: START - DOORS_OPEN_BEFORE_MS }, 'admitted'],
  ['after the showtime ended', { now: END + 1 }, 'too_late'],
  ['a ticket already admitted', { admittedAt: new Date(START - 60_000).toISOString() }, 'already_admitted'],
  [
    'too early beats already admitted',
    { now: START - 2 * DOORS_OPEN_BEFORE_MS, admittedAt: new Date(START).toISOString() },
    'too_early',
  ],
  [
    'a door that admitted offline: time rules are the door’s',
    { timing: 'door_decided', now: END + 3_600_000 },
    'admitted',
  ],
  [
    'a door that admitted offline, unknown showtime',
    { timing: 'door_decided', showtime: undefined },
    'admitted',
  ],
  [
    'a door that admitted offline a ticket refunded meanwhile',
    { timing: 'door_decided', ticketStatus: 'refunded' },
    'refunded',
  ],
  [
    'a door that admitted offline a ticket admitted elsewhere',
    { timing: 'door_decided', admittedAt: new Date(START).toISOString() },
    'already_admitted',
  ],
];

describe('doorVerdict', () => {
  it.each(cases)('%s', (_name, facts, verdict) => {
    expect(doorVerdict({ ...base, ...facts })).toBe(verdict);
  });
});
