// Over 400 lines on purpose: one table of price rules and the prices they must give.
import { describe, expect, it } from 'vitest';
import type { HallLayout, PriceList, PriceRule, TicketType } from './domain.ts';
import type { Result } from './errors.ts';
import {
  localTimeParts,
  priceClassOf,
  priceFor,
  priceRuleMatches,
  priceSelection,
  quotePrice,
  validatePriceList,
} from './pricing.ts';

const ADULT = '00000000-0000-4000-8000-000000000001';
const CHILD = '00000000-0000-4000-8000-000000000002';
const SENIOR = '00000000-0000-4000-8000-000000000003';
const RETIRED = '00000000-0000-4000-8000-000000000004';

const MON = 1;
const TUE = 2;
const WED = 3;
const FRI = 5;
const SAT = 6;
const SUN = 7;
const at = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

function buildPriceList(rules: PriceRule[] = []): PriceList {
  return {
    id: '00000000-0000-4000-8000-0000000000aa',
    name: 'Standard 2D',
    currency: 'CNY',
    prices: [
      { ticketTypeId: ADULT, priceClass: 'standard', amount: 4550 },
      { ticketTypeId: ADULT, priceClass: 'premium', amount: 6000 },
      { ticketTypeId: ADULT, priceClass: 'loveseat', amount: 9000 },
      { ticketTypeId: CHILD, priceClass: 'standard', amount: 3000 },
      { ticketTypeId: CHILD, priceClass: 'premium', amount: 4000 },
      { ticketTypeId: SENIOR, priceClass: 'standard', amount: 3500 },
    ],
    rules,
  };
}

const matinee: PriceRule = {
  name: 'Matinee',
  weekdays: [1, 2, 3, 4, 5],
  from: '12:00',
  to: '17:00',
  adjustment: { type: 'percent', percent: 80 },
};
const weekend: PriceRule = {
  name: 'Weekend',
  weekdays: [6, 7],
  from: '00:00',
  to: '24:00',
  adjustment: { type: 'delta', amount: 500 },
};
const cheapTuesday: PriceRule = {
  name: 'Cheap Tuesday',
  weekdays: [2],
  from: '00:00',
  to: '24:00',
  adjustment: { type: 'fixed', amount: 2500 },
};

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf<T>(result: Result<T>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('priceClassOf', () => {
  it('prices wheelchair and companion places like standard seats', () => {
    expect(priceClassOf('standard')).toBe('standard');
    expect(priceClassOf('wheelchair')).toBe('standard');
    expect(priceClassOf('companion')).toBe('standard');
  });

  it('prices both halves of a loveseat as a loveseat, and premium as premium', () => {
    expect(priceClassOf('loveseat-left')).toBe('loveseat');
    expect(priceClassOf('loveseat-right')).toBe('loveseat');
    expect(priceClassOf('premium')).toBe('premium');
  });
});

describe('localTimeParts', () => {
  it('reads a Shanghai afternoon from a UTC instant', () => {
    expect(value(localTimeParts('2025-06-02T06:00:00Z', 'Asia/Shanghai'))).toEqual({
      date: '2025-06-02',
      weekday: MON,
      minutes: at('14:00'),
    });
  });

  it('moves to the next local day when UTC is still on the previous one', () => {
    expect(value(localTimeParts('2025-06-01T17:30:00Z', 'Asia/Shanghai'))).toEqual({
      date: '2025-06-02',
      weekday: MON,
      minutes: at('01:30'),
    });
  });

  it('reads midnight as minute 0 and a Sunday as weekday 7', () => {
    expect(value(localTimeParts('2025-06-07T16:00:00Z', 'Asia/Shanghai'))).toEqual({
      date: '2025-06-08',
      weekday: SUN,
      minutes: 0,
    });
  });

  it('honours an instant written with a non-UTC offset', () => {
    expect(value(localTimeParts('2025-06-02T14:00:00+08:00', 'Asia/Shanghai')).minutes).toBe(at('14:00'));
  });

  it('keeps a 14:00 Berlin show at 14:00 on both sides of the spring DST change', () => {
    // 29 March 2025 is CET (UTC+1), 31 March is CEST (UTC+2).
    expect(value(localTimeParts('2025-03-29T13:00:00Z', 'Europe/Berlin'))).toEqual({
      date: '2025-03-29',
      weekday: SAT,
      minutes: at('14:00'),
    });
    expect(value(localTimeParts('2025-03-31T12:00:00Z', 'Europe/Berlin'))).toEqual({
      date: '2025-03-31',
      weekday: MON,
      minutes: at('14:00'),
    });
  });

  it('skips the missing hour on the night clocks go forward in Berlin', () => {
    expect(value(localTimeParts('2025-03-30T00:30:00Z', 'Europe/Berlin')).minutes).toBe(at('01:30'));
    expect(value(localTimeParts('2025-03-30T01:30:00Z', 'Europe/Berlin')).minutes).toBe(at('03:30'));
  });

  it('reads 02:30 twice on the night clocks go back in Berlin', () => {
    expect(value(localTimeParts('2025-10-26T00:30:00Z', 'Europe/Berlin')).minutes).toBe(at('02:30'));
    expect(value(localTimeParts('2025-10-26T01:30:00Z', 'Europe/Berlin')).minutes).toBe(at('02:30'));
  });

  it('refuses an unknown time zone or a malformed instant', () => {
    expect(errorOf(localTimeParts('2025-06-02T06:00:00Z', 'Mars/Olympus'))).toMatchObject({
      code: 'validation_failed',
      details: { rule: 'time_zone' },
    });
    expect(errorOf(localTimeParts('next Tuesday', 'Asia/Shanghai')).details).toMatchObject({
      rule: 'instant',
    });
    expect(errorOf(localTimeParts('2025-06-02T06:00:00', 'Asia/Shanghai')).details).toMatchObject({
      rule: 'instant',
    });
  });
});

describe('priceFor', () => {
  const list = buildPriceList([cheapTuesday, matinee, weekend]);

  it('charges the list price when no rule applies', () => {
    expect(priceFor(list, ADULT, 'standard', { weekday: WED, minutes: at('19:30') })).toEqual({
      ok: true,
      value: 4550,
    });
    expect(priceFor(list, ADULT, 'premium', { weekday: WED, minutes: at('11:59') })).toEqual({
      ok: true,
      value: 6000,
    });
  });

  it('gives the matinee discount on a weekday afternoon', () => {
    expect(value(priceFor(list, ADULT, 'standard', { weekday: WED, minutes: at('14:00') }))).toBe(3640);
    expect(value(priceFor(list, CHILD, 'standard', { weekday: MON, minutes: at('12:00') }))).toBe(2400);
  });

  it('ends the matinee at 17:00 sharp', () => {
    expect(value(priceFor(list, ADULT, 'standard', { weekday: WED, minutes: at('16:59') }))).toBe(3640);
    expect(value(priceFor(list, ADULT, 'standard', { weekday: WED, minutes: at('17:00') }))).toBe(4550);
  });

  it('gives no matinee discount on a weekend afternoon, but the weekend surcharge', () => {
    expect(value(priceFor(list, ADULT, 'standard', { weekday: SAT, minutes: at('14:00') }))).toBe(5050);
    expect(value(priceFor(list, ADULT, 'standard', { weekday: SUN, minutes: at('23:59') }))).toBe(5050);
  });

  it('applies only the first matching rule in list order', () => {
    const tuesdayAfternoon = { weekday: TUE, minutes: at('14:00') };
    expect(value(priceFor(list, ADULT, 'standard', tuesdayAfternoon))).toBe(2500);
    const matineeFirst = buildPriceList([matinee, cheapTuesday]);
    expect(value(priceFor(matineeFirst, ADULT, 'standard', tuesdayAfternoon))).toBe(3640);
  });

  it('rounds a percent half up: 33 % of ¥45.50 is ¥15.02', () => {
    const third = buildPriceList([
      { name: 'Third', from: '00:00', to: '24:00', adjustment: { type: 'percent', percent: 33 } },
    ]);
    expect(value(priceFor(third, ADULT, 'standard', { weekday: MON, minutes: 0 }))).toBe(1502);
  });

  it('never takes a price below zero with a negative delta', () => {
    const bigCut = buildPriceList([
      { name: 'Staff night', from: '00:00', to: '24:00', adjustment: { type: 'delta', amount: -4000 } },
    ]);
    expect(value(priceFor(bigCut, ADULT, 'standard', { weekday: MON, minutes: 0 }))).toBe(550);
    expect(value(priceFor(bigCut, CHILD, 'standard', { weekday: MON, minutes: 0 }))).toBe(0);
  });

  it('replaces the price with a fixed amount, even a higher one', () => {
    const gala = buildPriceList([
      { name: 'Gala', from: '00:00', to: '24:00', adjustment: { type: 'fixed', amount: 8800 } },
    ]);
    expect(value(priceFor(gala, CHILD, 'standard', { weekday: MON, minutes: 0 }))).toBe(8800);
  });

  it('limits a rule to its ticket types and price classes', () => {
    const kids = buildPriceList([
      {
        name: 'Kids premium',
        from: '00:00',
        to: '24:00',
        ticketTypeIds: [CHILD],
        priceClasses: ['premium'],
        adjustment: { type: 'fixed', amount: 1000 },
      },
    ]);
    const anyTime = { weekday: MON, minutes: at('10:00') };
    expect(value(priceFor(kids, CHILD, 'premium', anyTime))).toBe(1000);
    expect(value(priceFor(kids, CHILD, 'standard', anyTime))).toBe(3000);
    expect(value(priceFor(kids, ADULT, 'premium', anyTime))).toBe(6000);
  });

  it('prices a late show in a window that runs past midnight', () => {
    const late = buildPriceList([
      { name: 'Late night', from: '22:00', to: '02:00', adjustment: { type: 'delta', amount: -1000 } },
    ]);
    const price = (minutes: number) => value(priceFor(late, ADULT, 'standard', { weekday: WED, minutes }));
    expect(price(at('21:59'))).toBe(4550);
    expect(price(at('22:00'))).toBe(3550);
    expect(price(at('23:59'))).toBe(3550);
    expect(price(at('00:00'))).toBe(3550);
    expect(price(at('01:59'))).toBe(3550);
    expect(price(at('02:00'))).toBe(4550);
    expect(price(at('12:00'))).toBe(4550);
  });

  it('counts a Friday late show after midnight as Friday night, not Saturday night', () => {
    const fridaySaturdayLate = buildPriceList([
      {
        name: 'Fri/Sat late',
        weekdays: [FRI, SAT],
        from: '22:00',
        to: '02:00',
        adjustment: { type: 'fixed', amount: 3000 },
      },
    ]);
    const price = (weekday: number, minutes: number) =>
      value(priceFor(fridaySaturdayLate, ADULT, 'standard', { weekday, minutes }));
    expect(price(FRI, at('23:00'))).toBe(3000);
    expect(price(SAT, at('00:30'))).toBe(3000); // Friday night
    expect(price(SUN, at('00:30'))).toBe(3000); // Saturday night
    expect(price(FRI, at('00:30'))).toBe(4550); // Thursday night
    expect(price(SUN, at('23:00'))).toBe(4550);
  });

  it('treats a window from a time to the same time as never', () => {
    const empty = buildPriceList([
      { name: 'Oops', from: '10:00', to: '10:00', adjustment: { type: 'fixed', amount: 1 } },
    ]);
    expect(value(priceFor(empty, ADULT, 'standard', { weekday: MON, minutes: at('10:00') }))).toBe(4550);
  });

  it('refuses a ticket type and seat class with no price', () => {
    const error = errorOf(priceFor(list, SENIOR, 'loveseat', { weekday: MON, minutes: 0 }));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual({ ticketTypeId: SENIOR, priceClass: 'loveseat', rule: 'no_price' });
  });

  it('names the rule that set the price, and the list price', () => {
    expect(value(quotePrice(list, ADULT, 'standard', { weekday: WED, minutes: at('14:00') }))).toEqual({
      price: 3640,
      basePrice: 4550,
      rule: 'Matinee',
    });
    expect(value(quotePrice(list, ADULT, 'standard', { weekday: WED, minutes: at('20:00') }))).toEqual({
      price: 4550,
      basePrice: 4550,
    });
  });

  it('matches rules without weekdays on every day', () => {
    const everyDay: PriceRule = {
      name: 'Morning',
      from: '00:00',
      to: '12:00',
      adjustment: { type: 'fixed', amount: 1 },
    };
    for (const weekday of [1, 2, 3, 4, 5, 6, 7]) {
      expect(
        priceRuleMatches(everyDay, { ticketTypeId: ADULT, priceClass: 'standard', weekday, minutes: 0 }),
      ).toBe(true);
    }
  });
});

describe('priceSelection', () => {
  const layout: HallLayout = {
    version: 1,
    rows: [
      {
        label: 'A',
        cells: [
          { type: 'seat', label: '1', kind: 'standard' },
          { type: 'seat', label: '2', kind: 'wheelchair' },
          { type: 'seat', label: '3', kind: 'companion' },
          { type: 'gap' },
          { type: 'seat', label: '4', kind: 'premium' },
        ],
      },
      {
        label: 'B',
        cells: [
          { type: 'seat', label: '1', kind: 'loveseat-left' },
          { type: 'seat', label: '2', kind: 'loveseat-right' },
        ],
      },
    ],
  };
  const ticketTypes: TicketType[] = [
    { id: ADULT, code: 'adult', names: { en: 'Adult', 'zh-CN': '成人' }, requiresProof: false, active: true },
    { id: CHILD, code: 'child', names: { en: 'Child', 'zh-CN': '儿童' }, requiresProof: true, active: true },
    {
      id: RETIRED,
      code: 'retired',
      names: { en: 'Old', 'zh-CN': '旧' },
      requiresProof: false,
      active: false,
    },
  ];
  const list = buildPriceList([matinee, weekend]);
  // Wednesday 4 June 2025, 14:30 in Shanghai.
  const wednesdayMatinee = '2025-06-04T06:30:00Z';
  const base = { priceList: list, layout, startsAt: wednesdayMatinee, timeZone: 'Asia/Shanghai' };

  it('prices each seat by its class and the showtime’s local start, and totals them', () => {
    const priced = value(
      priceSelection({
        ...base,
        lines: [
          { seatId: 'A-1', ticketTypeId: ADULT },
          { seatId: 'A-2', ticketTypeId: CHILD },
          { seatId: 'A-4', ticketTypeId: ADULT },
        ],
      }),
    );
    expect(priced.currency).toBe('CNY');
    expect(priced.lines).toEqual([
      {
        seatId: 'A-1',
        ticketTypeId: ADULT,
        priceClass: 'standard',
        price: 3640,
        basePrice: 4550,
        rule: 'Matinee',
      },
      {
        seatId: 'A-2',
        ticketTypeId: CHILD,
        priceClass: 'standard',
        price: 2400,
        basePrice: 3000,
        rule: 'Matinee',
      },
      {
        seatId: 'A-4',
        ticketTypeId: ADULT,
        priceClass: 'premium',
        price: 4800,
        basePrice: 6000,
        rule: 'Matinee',
      },
    ]);
    expect(priced.total).toBe(3640 + 2400 + 4800);
  });

  it('prices an evening show at the list price, with no rule on the lines', () => {
    const priced = value(
      priceSelection({
        ...base,
        startsAt: '2025-06-04T12:00:00Z', // 20:00 in Shanghai
        lines: [
          { seatId: 'B-1', ticketTypeId: ADULT },
          { seatId: 'B-2', ticketTypeId: ADULT },
        ],
      }),
    );
    expect(priced.lines.map((l) => [l.priceClass, l.price, 'rule' in l])).toEqual([
      ['loveseat', 9000, false],
      ['loveseat', 9000, false],
    ]);
    expect(priced.total).toBe(18000);
  });

  it('prices a Saturday by the local weekday even when UTC is still Friday', () => {
    // Friday 6 June 2025 17:00 UTC is Saturday 01:00 in Shanghai.
    const priced = value(
      priceSelection({
        ...base,
        startsAt: '2025-06-06T17:00:00Z',
        lines: [{ seatId: 'A-1', ticketTypeId: ADULT }],
      }),
    );
    expect(priced.lines[0]).toMatchObject({ price: 5050, rule: 'Weekend' });
  });

  it('totals an empty selection to zero', () => {
    expect(value(priceSelection({ ...base, lines: [] }))).toEqual({ lines: [], total: 0, currency: 'CNY' });
  });

  it('names every seat that is not in the hall', () => {
    const error = errorOf(
      priceSelection({
        ...base,
        lines: [
          { seatId: 'A-1', ticketTypeId: ADULT },
          { seatId: 'Z-9', ticketTypeId: ADULT },
          { seatId: 'A-5', ticketTypeId: ADULT },
        ],
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ rule: 'unknown_seat', seatIds: ['Z-9', 'A-5'] });
  });

  it('refuses the same seat twice in one selection', () => {
    const error = errorOf(
      priceSelection({
        ...base,
        lines: [
          { seatId: 'A-1', ticketTypeId: ADULT },
          { seatId: 'A-1', ticketTypeId: CHILD },
        ],
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ rule: 'duplicate_seat', seatIds: ['A-1'] });
  });

  it('refuses a ticket type that does not exist or is no longer sold', () => {
    const unknown = errorOf(
      priceSelection({
        ...base,
        ticketTypes,
        lines: [{ seatId: 'A-1', ticketTypeId: SENIOR }],
      }),
    );
    expect(unknown).toMatchObject({
      code: 'validation_failed',
      details: { rule: 'unknown_ticket_type', ticketTypeIds: [SENIOR] },
    });
    const retired = errorOf(
      priceSelection({ ...base, ticketTypes, lines: [{ seatId: 'A-1', ticketTypeId: RETIRED }] }),
    );
    expect(retired).toMatchObject({
      code: 'validation_failed',
      details: { rule: 'inactive_ticket_type', ticketTypeIds: [RETIRED] },
    });
  });

  it('refuses a seat whose class has no price for the ticket type, naming the seat', () => {
    const error = errorOf(priceSelection({ ...base, lines: [{ seatId: 'B-1', ticketTypeId: CHILD }] }));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual({
      ticketTypeId: CHILD,
      priceClass: 'loveseat',
      rule: 'no_price',
      seatId: 'B-1',
    });
  });

  it('refuses an unknown time zone or start instant', () => {
    const lines = [{ seatId: 'A-1', ticketTypeId: ADULT }];
    expect(errorOf(priceSelection({ ...base, lines, timeZone: 'Nowhere/City' })).details).toMatchObject({
      rule: 'time_zone',
    });
    expect(errorOf(priceSelection({ ...base, lines, startsAt: 'soon' })).details).toMatchObject({
      rule: 'instant',
    });
  });
});

describe('validatePriceList', () => {
  it('accepts a sound price list', () => {
    const list = buildPriceList([matinee, weekend]);
    expect(validatePriceList(list)).toEqual({ ok: true, value: list });
  });

  it('reports a second price for the same ticket type and class', () => {
    const list = buildPriceList();
    list.prices.push({ ticketTypeId: ADULT, priceClass: 'standard', amount: 9999 });
    const error = errorOf(validatePriceList(list));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ issues: [{ rule: 'duplicate_price', index: 6 }] });
  });

  it('reports rules that can never apply', () => {
    const list = buildPriceList([
      matinee,
      { name: 'Empty', from: '10:00', to: '10:00', adjustment: { type: 'fixed', amount: 1 } },
      {
        name: 'Nobody',
        from: '10:00',
        to: '12:00',
        ticketTypeIds: [],
        adjustment: { type: 'fixed', amount: 1 },
      },
      { name: 'Midnight to midnight', from: '24:00', to: '00:00', adjustment: { type: 'fixed', amount: 1 } },
    ]);
    const error = errorOf(validatePriceList(list));
    expect(error.details).toMatchObject({
      issues: [
        { rule: 'empty_window', index: 1 },
        { rule: 'rule_never_applies', index: 2 },
        { rule: 'empty_window', index: 3 },
      ],
    });
  });
});
