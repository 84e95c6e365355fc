/**
 * Prices a selection from the replica's price list with the shared pricing engine: the same
 * function the server prices a sale with, so a quote, an online sale's expected total and an
 * offline sale agree with what the server will charge.
 */
import {
  MarqueeError,
  priceSelection,
  type Hall,
  type PriceList,
  type Showtime,
  type Site,
  type SyncCollection,
  type TicketType,
} from '@marquee/shared';
import type { ReplicaReader } from '../replica.ts';

export function needDoc<T>(replica: ReplicaReader, collection: SyncCollection, id: string, what: string): T {
  const doc = replica.get<T>(collection, id);
  if (doc === undefined) throw new MarqueeError('not_found', `${what} not found`, { id });
  return doc;
}

export function priceLines(
  replica: ReplicaReader,
  showtimeId: string,
  lines: readonly { seatId: string; ticketTypeId: string }[],
) {
  const showtime = needDoc<Showtime>(replica, 'showtimes', showtimeId, 'showtime');
  const hall = needDoc<Hall>(replica, 'halls', showtime.hallId, 'hall');
  const priceList = needDoc<PriceList>(replica, 'price_lists', showtime.priceListId, 'price list');
  const site = replica.all<Site>('site')[0];
  const ticketTypes = replica.all<TicketType>('ticket_types');
  const priced = priceSelection({
    priceList,
    layout: hall.layout,
    startsAt: showtime.startsAt,
    timeZone: site?.timezone ?? 'Asia/Shanghai',
    lines,
    ticketTypes,
  });
  if (!priced.ok) throw new MarqueeError(priced.error.code, priced.error.message, priced.error.details);
  return { showtime, ticketTypes, priced: priced.value };
}
