/**
 * Kiosk step 7: the tickets. The core queued them for printing with the sale; the customer is told
 * they are printing only when this terminal has a printer that can print, and in every case sees
 * each ticket's QR code on screen with the order code.
 */
import type { ReactElement } from 'react';
import type { SaleResult, TicketType } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import type { Showing } from '../data/use-showing.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import { summarizePrinter, usePrinterStatus } from '../data/use-printer.ts';
import { Notice } from '../ui/ErrorNotice.tsx';
import { Qr } from '../ui/Qr.tsx';
import { OrderCode } from '../ui/OrderCode.tsx';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import { KioskFrame } from './KioskFrame.tsx';

export function TicketsScreen({
  showing,
  sale,
  queuedOrderId,
  ticketTypes,
  currency,
  onFinish,
}: {
  showing: Showing | undefined;
  sale: SaleResult | undefined;
  queuedOrderId: string | undefined;
  ticketTypes: ReadonlyMap<string, TicketType>;
  currency: string | undefined;
  onFinish: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  const printer = summarizePrinter(usePrinterStatus());
  const printing = printer.kind === 'state' && (printer.state === 'online' || printer.state === 'paper_low');
  const finish = (
    <button type="button" className="button button--primary button--large" onClick={onFinish}>
      {t.finish}
    </button>
  );
  if (sale === undefined) {
    return (
      <KioskFrame title={t.saleQueuedTitle} footer={finish}>
        <Notice tone="info">{t.saleQueuedBody}</Notice>
        <OrderCode code={queuedOrderId ?? ''} queued />
      </KioskFrame>
    );
  }
  return (
    <KioskFrame title={t.printingTitle} footer={finish}>
      {showing === undefined ? null : <ShowingLine showing={showing} />}
      {sale.code === undefined ? null : <OrderCode code={sale.code} />}
      <Notice tone="info">{printing ? t.printingTickets : t.printerMissing}</Notice>
      {sale.offline ? <Notice tone="info">{t.soldOffline}</Notice> : null}
      <ul className="ticket-list">
        {sale.tickets.map((ticket) => (
          <li key={ticket.id} className="ticket-card">
            <Qr text={ticket.token} label={`${t.showAtEntrance}: ${seatDisplayName(ticket.seatId, t)}`} />
            <div className="ticket-card-body">
              <span className="ticket-seat">{seatDisplayName(ticket.seatId, t)}</span>
              <span>{ticketTypes.get(ticket.ticketTypeId)?.names[locale] ?? ''}</span>
              {currency === undefined ? null : (
                <span>{formatMoney({ amount: ticket.price, currency }, locale)}</span>
              )}
              <span className="hint">{t.showAtEntrance}</span>
            </div>
          </li>
        ))}
      </ul>
    </KioskFrame>
  );
}

export function DoneScreen({ onFinish }: { onFinish: () => void }): ReactElement {
  const { t } = usePreferences();
  return (
    <main className="screen screen--centred done">
      <p className="done-mark" aria-hidden="true">
        ★
      </p>
      <h1>{t.doneTitle}</h1>
      <p className="lead">{t.doneBody}</p>
      <button type="button" className="button button--primary button--large" onClick={onFinish}>
        {t.finish}
      </button>
    </main>
  );
}
