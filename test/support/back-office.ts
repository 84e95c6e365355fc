/**
 * The back office over HTTP, as a manager's screen uses it: a real server with no demo data whose
 * catalogue (a ticket type, a price list, a hall, a film) is built through the API itself, and
 * answers parsed with the shared schemas, so they are checked against the contract too.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  ErrorResponse,
  Hall,
  HoldResponse,
  Movie,
  OrderResponse,
  PriceList,
  TicketType,
} from '@marquee/shared';
import { plainHall } from '../../shared/src/testing/layouts.ts';
import { perFile } from './per-file.ts';
import { startTestServer, TestClock, type TestServer } from './server.ts';

export interface Answer {
  status: number;
  body: unknown;
}

/** The answer had `status` and a body of `schema`. */
export async function expectBody<S extends z.ZodType>(
  answer: Promise<Answer>,
  status: number,
  schema: S,
): Promise<z.infer<S>> {
  const { status: actual, body } = await answer;
  if (actual !== status) throw new Error(`expected ${status}, got ${actual}: ${JSON.stringify(body)}`);
  return schema.parse(body);
}

/** The answer was the error `status`; its body follows the error contract. */
export async function expectError(answer: Promise<Answer>, status: number) {
  return (await expectBody(answer, status, ErrorResponse)).error;
}

export interface BackOffice {
  readonly server: TestServer;
  /** The admin's token. */
  readonly admin: string;
  /** "Hall 1": 3 rows of 8 standard seats. */
  readonly hallId: string;
  readonly movieId: string;
  readonly adultId: string;
  call: (method: string, path: string, token?: string, body?: unknown) => Promise<Answer>;
  post: (path: string, body: unknown, token?: string) => Promise<Answer>;
  /** Schedules the film in the hall at `startsAt`. */
  schedule: (startsAt: string, token?: string) => Promise<Answer>;
  /** Holds `seatIds` and sells them as adult tickets with one payment; expects 201s. */
  sellSeats: (
    token: string,
    showtimeId: string,
    seatIds: string[],
    payment: Record<string, unknown>,
  ) => Promise<z.infer<typeof OrderResponse>>;
}

/** The back office of one test file at `now`, each adult ticket at `adultPrice`. */
export function useBackOffice(now: number, adultPrice: number): BackOffice {
  return perFile(
    'the back office',
    async (): Promise<BackOffice> => {
      const server = await startTestServer({ seed: false, clock: new TestClock(now) });
      const admin = server.adminToken;
      async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
        const answer = await server.api(method, path, {
          ...(token === undefined ? {} : { token }),
          ...(body === undefined ? {} : { body }),
        });
        return { status: answer.status, body: answer.body as unknown };
      }
      const post = (path: string, body: unknown, token = admin) => call('POST', path, token, body);
      const adult = await expectBody(
        post('/ticket-types', { code: 'adult', names: { en: 'Adult', 'zh-CN': '成人' } }),
        201,
        TicketType,
      );
      const adultId = adult.id;
      await expectBody(
        post('/price-lists', {
          name: 'Standard',
          prices: [{ ticketTypeId: adultId, priceClass: 'standard', amount: adultPrice }],
        }),
        201,
        PriceList,
      );
      const hallId = (
        await expectBody(
          post('/halls', { name: 'Hall 1', features: ['dolby-atmos'], layout: plainHall(3, 8) }),
          201,
          Hall,
        )
      ).id;
      const movie = await expectBody(
        post('/movies', {
          titles: { en: 'Second Reel', 'zh-CN': '第二卷' },
          runtimeMinutes: 105,
          rating: 'PG-13',
          genres: ['thriller'],
        }),
        201,
        Movie,
      );
      const schedule = (startsAt: string, token = admin) =>
        post('/showtimes', { movieId: movie.id, hallId, startsAt }, token);
      async function sellSeats(
        token: string,
        showtimeId: string,
        seatIds: string[],
        payment: Record<string, unknown>,
      ) {
        const hold = await expectBody(post('/holds', { showtimeId, seatIds }, token), 201, HoldResponse);
        return expectBody(
          post(
            '/orders',
            {
              id: randomUUID(),
              holdId: hold.id,
              lines: seatIds.map((seatId) => ({ seatId, ticketTypeId: adultId })),
              payments: [payment],
              expectedTotal: adultPrice * seatIds.length,
            },
            token,
          ),
          201,
          OrderResponse,
        );
      }
      return { server, admin, hallId, movieId: movie.id, adultId, call, post, schedule, sellSeats };
    },
    (office) => office.server.close(),
  );
}
