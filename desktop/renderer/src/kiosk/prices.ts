/**
 * "from ¥45" on the ticket-type screen, before any seat is chosen: the lowest price of each
 * ticket type over the price classes this hall has, at the showing's local start time. The same
 * shared pricing functions the server uses; the order total is still the core's quote.
 */
import { layoutSeats, localTimeParts, priceClassOf, quotePrice } from '@marquee/shared';
import type { HallLayout, PriceClass, PriceList } from '@marquee/shared';

export function hallPriceClasses(layout: HallLayout): PriceClass[] {
  const classes = new Set<PriceClass>();
  for (const seat of layoutSeats(layout)) if (!seat.blocked) classes.add(priceClassOf(seat.kind));
  return [...classes];
}

export function fromPrices(
  priceList: PriceList,
  ticketTypeIds: readonly string[],
  classes: readonly PriceClass[],
  startsAt: string,
  timeZone: string,
): Map<string, number> {
  const prices = new Map<string, number>();
  const local = localTimeParts(startsAt, timeZone);
  if (!local.ok) return prices;
  for (const typeId of ticketTypeIds) {
    for (const priceClass of classes) {
      const quote = quotePrice(priceList, typeId, priceClass, local.value);
      if (!quote.ok) continue;
      const best = prices.get(typeId);
      if (best === undefined || quote.value.price < best) prices.set(typeId, quote.value.price);
    }
  }
  return prices;
}
