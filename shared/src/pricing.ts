/**
 * Ticket prices: a base price per ticket type and price class, then the first matching
 * time-of-day rule (matinee, late night, weekend). The server prices every sale with these
 * functions (invariant 5), and terminals use the same ones to show prices before asking.
 */
import { Instant } from './domain.ts';
import type {
  HallLayout,
  PriceAdjustment,
  PriceClass,
  PriceList,
  PriceRule,
  SeatKind,
  TicketType,
} from './domain.ts';
import { fail, missingCase, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { percentOf } from './money.ts';

const MINUTES_PER_DAY = 24 * 60;

/** Wheelchair and companion places cost what a standard seat does; both loveseat halves are loveseats. */
export function priceClassOf(kind: SeatKind): PriceClass {
  switch (kind) {
    case 'standard':
    case 'wheelchair':
    case 'companion':
      return 'standard';
    case 'premium':
      return 'premium';
    case 'loveseat-left':
    case 'loveseat-right':
      return 'loveseat';
    default:
      return missingCase(kind);
  }
}

// ---------------------------------------------------------------------------------------------
// Local time

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface LocalTimeParts {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** ISO weekday of `date`: Monday = 1 … Sunday = 7. */
  weekday: IsoWeekday;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat | undefined {
  let format = dateTimeFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      return undefined;
    }
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

/**
 * The wall-clock date, weekday and time of an instant in a cinema's time zone. Prices follow
 * the local clock, so a 14:00 matinee stays at 14:00 on both sides of a DST change.
 */
export function localTimeParts(instantIso: string, timeZone: string): Result<LocalTimeParts> {
  if (!Instant.safeParse(instantIso).success) {
    return fail('validation_failed', `not an ISO 8601 instant with an offset: ${instantIso}`, {
      rule: 'instant',
      value: instantIso,
    });
  }
  const format = dateTimeFormat(timeZone);
  if (format === undefined) {
    return fail('validation_failed', `unknown time zone: ${timeZone}`, { rule: 'time_zone', timeZone });
  }
  const fields: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(Date.parse(instantIso))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN } = fields;
  // The weekday is derived from the date rather than read as a localised name.
  const sundayFirst = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return ok({
    date: `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`,
    weekday: (sundayFirst === 0 ? 7 : sundayFirst) as IsoWeekday,
    // Some engines still write midnight as hour 24 despite h23.
    minutes: (hour % 24) * 60 + minute,
  });
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** `HH:MM` to minutes since midnight; "24:00" is the end of the day (1440). */
export function minutesOfTimeOfDay(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface PriceRuleQuery {
  ticketTypeId: string;
  priceClass: PriceClass;
  /** Local ISO weekday and minutes since local midnight of the showtime's start. */
  weekday: number;
  minutes: number;
}

/**
 * Whether a rule applies to a showtime starting at local `weekday`/`minutes`.
 * A window whose `from` is after its `to` runs past midnight, and its after-midnight part
 * belongs to the evening it started: a Friday 22:00–02:00 late show rule prices a show at
 * 00:30 early on Saturday, not one at 00:30 early on Friday.
 */
export function priceRuleMatches(rule: PriceRule, query: PriceRuleQuery): boolean {
  if (rule.ticketTypeIds !== undefined && !rule.ticketTypeIds.includes(query.ticketTypeId)) return false;
  if (rule.priceClasses !== undefined && !rule.priceClasses.includes(query.priceClass)) return false;
  const from = minutesOfTimeOfDay(rule.from);
  const to = minutesOfTimeOfDay(rule.to);
  let ruleDay = query.weekday;
  if (from < to) {
    if (query.minutes < from || query.minutes >= to) return false;
  } else if (from > to) {
    if (query.minutes < to) ruleDay = query.weekday === 1 ? 7 : query.weekday - 1;
    else if (query.minutes < from) return false;
  } else {
    // from = to is an empty window; `validatePriceList` reports it.
    return false;
  }
  return rule.weekdays === undefined || rule.weekdays.includes(ruleDay);
}

/** The first rule in list order that applies, if any. */
export function findPriceRule(rules: readonly PriceRule[], query: PriceRuleQuery): PriceRule | undefined {
  return rules.find((rule) => priceRuleMatches(rule, query));
}

/**
 * Applies an adjustment to a base price. A delta never takes the price below zero; a percent
 * rounds half up to a whole minor unit.
 */
export function applyPriceAdjustment(base: number, adjustment: PriceAdjustment): number {
  switch (adjustment.type) {
    case 'fixed':
      return adjustment.amount;
    case 'delta':
      return Math.max(0, base + adjustment.amount);
    case 'percent':
      return percentOf(base, adjustment.percent);
    default:
      return missingCase(adjustment);
  }
}

export interface PriceQuote {
  /** What the customer pays, in minor units. */
  price: number;
  /** The list price before any rule. */
  basePrice: number;
  /** Name of the rule that set the price, if one did. */
  rule?: string;
}

/** Prices one ticket type in one price class, with the rule that applied. */
export function quotePrice(
  priceList: PriceList,
  ticketTypeId: string,
  priceClass: PriceClass,
  local: { weekday: number; minutes: number },
): Result<PriceQuote> {
  const entry = priceList.prices.find((p) => p.ticketTypeId === ticketTypeId && p.priceClass === priceClass);
  if (entry === undefined) {
    return fail(
      'validation_failed',
      `price list "${priceList.name}" has no ${priceClass} price for this ticket type`,
      {
        ticketTypeId,
        priceClass,
        rule: 'no_price',
      },
    );
  }
  const rule = findPriceRule(priceList.rules, { ticketTypeId, priceClass, ...local });
  if (rule === undefined) return ok({ price: entry.amount, basePrice: entry.amount });
  const price = applyPriceAdjustment(entry.amount, rule.adjustment);
  if (!Number.isSafeInteger(price)) {
    return fail('validation_failed', `rule "${rule.name}" makes the price too large`, {
      ticketTypeId,
      priceClass,
      rule: 'overflow',
    });
  }
  return ok({ price, basePrice: entry.amount, rule: rule.name });
}

/** The price in minor units of one ticket type in one price class at a local start time. */
export function priceFor(
  priceList: PriceList,
  ticketTypeId: string,
  priceClass: PriceClass,
  local: { weekday: number; minutes: number },
): Result<number> {
  const quote = quotePrice(priceList, ticketTypeId, priceClass, local);
  return quote.ok ? ok(quote.value.price) : quote;
}

// ---------------------------------------------------------------------------------------------
// A selection of seats

export interface PriceSelectionInput {
  priceList: PriceList;
  layout: HallLayout;
  /** The showtime's start instant. */
  startsAt: string;
  /** The site's IANA time zone. */
  timeZone: string;
  lines: readonly { seatId: string; ticketTypeId: string }[];
  /** When given, a ticket type missing from it or inactive is refused. */
  ticketTypes?: readonly TicketType[];
}

export interface PricedLine {
  seatId: string;
  ticketTypeId: string;
  priceClass: PriceClass;
  price: number;
  basePrice: number;
  rule?: string;
}

export interface PricedSelection {
  lines: PricedLine[];
  total: number;
  currency: string;
}

/** Prices every seat of a selection for a showtime; the server's answer to "what does this cost". */
export function priceSelection(input: PriceSelectionInput): Result<PricedSelection> {
  const kinds = seatKinds(input.layout);

  const unknownSeats = unique(input.lines.map((l) => l.seatId).filter((id) => !kinds.has(id)));
  if (unknownSeats.length > 0) {
    return fail('validation_failed', `no such seat in this hall: ${unknownSeats.join(', ')}`, {
      rule: 'unknown_seat',
      seatIds: unknownSeats,
    });
  }

  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const { seatId } of input.lines) {
    if (seen.has(seatId) && !duplicates.includes(seatId)) duplicates.push(seatId);
    seen.add(seatId);
  }
  if (duplicates.length > 0) {
    return fail('validation_failed', `seat chosen more than once: ${duplicates.join(', ')}`, {
      rule: 'duplicate_seat',
      seatIds: duplicates,
    });
  }

  if (input.ticketTypes !== undefined) {
    const byId = new Map(input.ticketTypes.map((t) => [t.id, t]));
    const requested = unique(input.lines.map((l) => l.ticketTypeId));
    const unknown = requested.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      return fail('validation_failed', 'unknown ticket type', {
        rule: 'unknown_ticket_type',
        ticketTypeIds: unknown,
      });
    }
    const inactive = requested.filter((id) => byId.get(id)?.active === false);
    if (inactive.length > 0) {
      return fail('validation_failed', 'this ticket type is no longer sold', {
        rule: 'inactive_ticket_type',
        ticketTypeIds: inactive,
      });
    }
  }

  const local = localTimeParts(input.startsAt, input.timeZone);
  if (!local.ok) return local;

  const lines: PricedLine[] = [];
  let total = 0;
  for (const { seatId, ticketTypeId } of input.lines) {
    const kind = kinds.get(seatId);
    if (kind === undefined) continue; // unreachable: unknown seats were refused above
    const priceClass = priceClassOf(kind);
    const quote = quotePrice(input.priceList, ticketTypeId, priceClass, local.value);
    if (!quote.ok) {
      return fail(quote.error.code, quote.error.message, { ...quote.error.details, seatId });
    }
    const { price, basePrice, rule } = quote.value;
    lines.push(
      rule === undefined
        ? { seatId, ticketTypeId, priceClass, price, basePrice }
        : { seatId, ticketTypeId, priceClass, price, basePrice, rule },
    );
    total += price;
    if (!Number.isSafeInteger(total)) {
      return fail('validation_failed', 'the total is too large', { rule: 'overflow' });
    }
  }
  return ok({ lines, total, currency: input.priceList.currency });
}

function seatKinds(layout: HallLayout): Map<string, SeatKind> {
  const kinds = new Map<string, SeatKind>();
  for (const row of layout.rows) {
    for (const cell of row.cells) {
      if (cell.type === 'seat') kinds.set(`${row.label}-${cell.label}`, cell.kind);
    }
  }
  return kinds;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// Checking a price list a manager edits

export interface PriceListIssue {
  rule: 'duplicate_price' | 'empty_window' | 'rule_never_applies';
  message: string;
  /** Index into `prices` or `rules`. */
  index: number;
}

/**
 * Mistakes the schema cannot see: two prices for one ticket type and class (only the first
 * would ever be used) and rules that can never apply.
 */
export function validatePriceList(priceList: PriceList): Result<PriceList> {
  const issues: PriceListIssue[] = [];
  const keys = new Set<string>();
  priceList.prices.forEach((entry, index) => {
    const key = `${entry.ticketTypeId}|${entry.priceClass}`;
    if (keys.has(key)) {
      issues.push({
        rule: 'duplicate_price',
        message: `a second ${entry.priceClass} price for ticket type ${entry.ticketTypeId}`,
        index,
      });
    }
    keys.add(key);
  });
  priceList.rules.forEach((rule, index) => {
    const from = minutesOfTimeOfDay(rule.from);
    const to = minutesOfTimeOfDay(rule.to);
    if (from === to || (from === MINUTES_PER_DAY && to === 0)) {
      issues.push({
        rule: 'empty_window',
        message: `rule "${rule.name}" runs from ${rule.from} to ${rule.to}, which is no time at all`,
        index,
      });
    } else if (rule.ticketTypeIds?.length === 0 || rule.priceClasses?.length === 0) {
      issues.push({
        rule: 'rule_never_applies',
        message: `rule "${rule.name}" lists no ticket types or no price classes`,
        index,
      });
    }
  });
  if (issues.length > 0) {
    return fail('validation_failed', issues.map((i) => i.message).join('; '), { issues });
  }
  return ok(priceList);
}
