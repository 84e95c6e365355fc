/** Kiosk step 5: the order with the core's prices, while the seats are held and the clock runs. */
import type { ReactElement } from 'react';
import type { TicketType } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { useQuote } from '../data/use-quote.ts';
import type { Showing } from '../data/use-showing.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { HoldCountdown } from '../ui/HoldCountdown.tsx';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import type { KioskHold } from './kiosk-flow.ts';
import { KioskFrame } from './KioskFrame.tsx';
import { OrderLines } from './OrderLines.tsx';
import type { SaleLineDraft } from './party.ts';

export function SummaryScreen({
  showing,
  lines,
  ticketTypes,
  hold,
  onPay,
  onExpired,
  onBack,
  onCancel,
}: {
  showing: Showing;
  lines: readonly SaleLineDraft[];
  ticketTypes: ReadonlyMap<string, TicketType>;
  hold: KioskHold;
  onPay: () => void;
  onExpired: () => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const { t } = usePreferences();
  const { quote, error } = useQuote(showing.showtime.id, lines);
  return (
    <KioskFrame
      title={t.summaryTitle}
      progress="pay"
      onBack={onBack}
      onCancel={onCancel}
      footer={
        <>
          <HoldCountdown expiresAt={hold.expiresAt} onExpired={onExpired} />
          <button
            type="button"
            className="button button--primary button--large"
            disabled={quote === undefined}
            onClick={onPay}
          >
            {t.pay}
          </button>
        </>
      }
    >
      <ShowingLine showing={showing} />
      <ErrorNotice error={error} context="sell" />
      <OrderLines lines={lines} quote={quote} ticketTypes={ticketTypes} />
    </KioskFrame>
  );
}
