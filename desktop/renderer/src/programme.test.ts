import { describe, expect, it } from 'vitest';
import type { Movie, PriceList, Showtime, TicketType } from '@marquee/shared';
import { filmsWithShowings, isSellable, sellableOn, ticketTypesOnSale } from './programme.ts';

const NOW = Date.parse('2026-03-01T10:00:00Z'); // 18:00 in Shanghai

function showtime(
  id: string,
  movieId: string,
  startsAt: string,
  status: Showtime['status'] = 'on_sale',
): Showtime {
  const start = Date.parse(startsAt);
  return {
    id,
    movieId,
    hallId: 'h1',
    startsAt,
    endsAt: new Date(start + 2 * 3_600_000).toISOString(),
    cleaningMinutes: 15,
    priceListId: 'p1',
    salesWindow: { opensAt: '2026-02-20T00:00:00Z', closesAt: new Date(start + 15 * 60_000).toISOString() },
    status,
    layoutVersion: 1,
  };
}

function movie(id: string): Movie {
  return { id, titles: { en: id, 'zh-CN': id }, runtimeMinutes: 100, rating: 'PG', genres: [] };
}

describe('programme', () => {
  const showtimes = [
    showtime('late', 'm2', '2026-03-01T14:30:00Z'), // 22:30 local
    showtime('evening', 'm1', '2026-03-01T11:00:00Z'), // 19:00 local
    showtime('past', 'm1', '2026-03-01T08:00:00Z'), // sales closed at 16:15 local
    showtime('cancelled', 'm1', '2026-03-01T12:00:00Z', 'cancelled'),
    showtime('after-midnight', 'm3', '2026-03-01T16:30:00Z'), // 00:30 next day, local
  ];

  it('sells on-sale showings inside their sales window only', () => {
    expect(isSellable(showtimes[1] as Showtime, NOW)).toBe(true);
    expect(isSellable(showtimes[2] as Showtime, NOW)).toBe(false);
    expect(isSellable(showtimes[3] as Showtime, NOW)).toBe(false);
  });

  it('lists a day by the cinema’s calendar, in start order', () => {
    expect(sellableOn(showtimes, '2026-03-01', 'Asia/Shanghai', NOW).map((s) => s.id)).toEqual([
      'evening',
      'late',
    ]);
    expect(sellableOn(showtimes, '2026-03-02', 'Asia/Shanghai', NOW).map((s) => s.id)).toEqual([
      'after-midnight',
    ]);
  });

  it('groups showings by film, the first showing first', () => {
    const films = filmsWithShowings(
      [movie('m1'), movie('m2'), movie('m3')],
      sellableOn(showtimes, '2026-03-01', 'Asia/Shanghai', NOW),
    );
    expect(films.map((f) => [f.movie.id, f.showtimes.map((s) => s.id)])).toEqual([
      ['m1', ['evening']],
      ['m2', ['late']],
    ]);
  });

  it('sells the active ticket types the price list prices, adult first', () => {
    const type = (id: string, code: string, active = true): TicketType => ({
      id,
      code,
      names: { en: code, 'zh-CN': code },
      requiresProof: false,
      active,
    });
    const types = [
      type('t1', 'child'),
      type('t2', 'adult'),
      type('t3', 'senior', false),
      type('t4', 'student'),
      type('t5', 'member'),
    ];
    const priceList: PriceList = {
      id: 'p1',
      name: 'Standard',
      currency: 'CNY',
      prices: ['t1', 't2', 't3', 't4'].map((ticketTypeId) => ({
        ticketTypeId,
        priceClass: 'standard',
        amount: 3000,
      })),
      rules: [],
    };
    expect(ticketTypesOnSale(types, priceList).map((t) => t.code)).toEqual(['adult', 'child', 'student']);
    expect(ticketTypesOnSale(types, undefined)).toEqual([]);
  });
});
