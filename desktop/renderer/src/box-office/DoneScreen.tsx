/**
 * The end of a sale at the counter: the change to give, the order code and the tickets (their QR
 * codes on screen, in seat order) — or, when the core queued the sale for the server, the order's
 * reference to quote later. N (or the button) starts the next sale.
 */
import type { ReactElement } from 'react';
import type { HallLayout, SaleResult, TicketType } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import { inLayoutOrder } from '../seat-map/seat-geometry.ts';
import { Notice } from '../ui/ErrorNotice.tsx';
import { OrderCode } from '../ui/OrderCode.tsx';
import { Qr } from '../ui/Qr.tsx';

function NewSaleButton({ onNewSale }: { onNewSale: () => void }): ReactElement {
  const { t } = usePreferences();
  return (
    <button type="button" className="button button--primary" onClick={onNewSale}>
      {t.newSale} <kbd>N</kbd>
    </button>
  );
}

export function DoneScreen({
  sale,
  layout,
  ticketTypes,
  currency,
  onNewSale,
}: {
  sale: SaleResult;
  layout: HallLayout | undefined;
  ticketTypes: ReadonlyMap<string, TicketType>;
  currency: string;
  onNewSale: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  const money = (amount: number): string => formatMoney({ amount, currency }, locale);
  const seatIds = sale.tickets.map((ticket) => ticket.seatId);
  const tickets = (layout === undefined ? seatIds : inLayoutOrder(layout, seatIds))
    .map((seatId) => sale.tickets.find((ticket) => ticket.seatId === seatId))
    .filter((ticket) => ticket !== undefined);
  return (
    <div className="bo-done">
      <h2>{t.saleComplete}</h2>
      {sale.change > 0 ? <p className="change-due">{t.giveChange(money(sale.change))}</p> : null}
      {sale.code === undefined ? null : <OrderCode code={sale.code} />}
      {sale.offline ? <Notice tone="info">{t.soldOffline}</Notice> : null}
      <Notice tone="info">{t.printerNotReported}</Notice>
      <ul className="bo-tickets">
        {tickets.map((ticket) => (
          <li key={ticket.id}>
            <Qr text={ticket.token} label={seatDisplayName(ticket.seatId, t)} size={96} />
            <span>
              {seatDisplayName(ticket.seatId, t)} ·{' '}
              {ticketTypes.get(ticket.ticketTypeId)?.names[locale] ?? ''} · {money(ticket.price)}
            </span>
          </li>
        ))}
      </ul>
      <NewSaleButton onNewSale={onNewSale} />
    </div>
  );
}

/** The core kept the sale in its outbox: the server has not answered for it yet. */
export function QueuedScreen({
  orderId,
  onNewSale,
}: {
  orderId: string;
  onNewSale: () => void;
}): ReactElement {
  const { t } = usePreferences();
  return (
    <div className="bo-done">
      <h2>{t.saleQueuedTitle}</h2>
      <Notice tone="info">{t.errSaleQueued}</Notice>
      <OrderCode code={orderId} queued />
      <NewSaleButton onNewSale={onNewSale} />
    </div>
  );
}
