/** The order as priced by the core: one line per seat with its ticket type and price, and the total. */
import type { ReactElement } from 'react';
import type { TicketType } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import type { Quote } from '../data/use-quote.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import type { SaleLineDraft } from './party.ts';

export function OrderLines({
  lines,
  quote,
  ticketTypes,
}: {
  lines: readonly SaleLineDraft[];
  quote: Quote | undefined;
  ticketTypes: ReadonlyMap<string, TicketType>;
}): ReactElement {
  const { t, locale } = usePreferences();
  const price = (seatId: string): string => {
    const line = quote?.lines.find((l) => l.seatId === seatId);
    return line === undefined || quote === undefined
      ? '…'
      : formatMoney({ amount: line.price, currency: quote.currency }, locale);
  };
  return (
    <table className="order-lines">
      <thead>
        <tr>
          <th scope="col">{t.seat}</th>
          <th scope="col">{t.ticketType}</th>
          <th scope="col" className="num">
            {t.price}
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.seatId}>
            <td>{seatDisplayName(line.seatId, t)}</td>
            <td>{ticketTypes.get(line.ticketTypeId)?.names[locale] ?? ''}</td>
            <td className="num">{price(line.seatId)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {t.total}
          </th>
          <td className="num order-total">
            {quote === undefined
              ? '…'
              : formatMoney({ amount: quote.total, currency: quote.currency }, locale)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
