/**
 * Kiosk step 6: card payment. No payment terminal is integrated yet, so this is a clearly
 * labelled SIMULATED card terminal: approving it sells the held seats for real (through the core,
 * at the server's price) with a card payment marked as simulated; declining takes nothing.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { ErrorBody, SaleResult } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { useQuote } from '../data/use-quote.ts';
import type { Showing } from '../data/use-showing.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';
import { HoldCountdown } from '../ui/HoldCountdown.tsx';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import type { KioskHold } from './kiosk-flow.ts';
import { KioskFrame } from './KioskFrame.tsx';
import type { SaleLineDraft } from './party.ts';

function simulatedReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `SIMULATED-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;
}

export function PaymentScreen({
  showing,
  lines,
  hold,
  onSold,
  onQueued,
  onExpired,
  onBusy,
  onBack,
  onCancel,
}: {
  showing: Showing;
  lines: readonly SaleLineDraft[];
  hold: KioskHold;
  onSold: (sale: SaleResult) => void;
  onQueued: (orderId: string) => void;
  onExpired: () => void;
  onBusy: (busy: boolean) => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const client = useClient();
  const { t, locale } = usePreferences();
  const { quote, error: quoteError, refresh } = useQuote(showing.showtime.id, lines);
  const [busy, setBusy] = useState(false);
  const [declined, setDeclined] = useState(false);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);

  const approve = async (): Promise<void> => {
    if (quote === undefined) return;
    setBusy(true);
    onBusy(true);
    setDeclined(false);
    setError(undefined);
    const result = await callCore(client, 'order.sell', {
      holdId: hold.id,
      lines,
      payments: [{ method: 'card', amount: quote.total, reference: simulatedReference() }],
    });
    setBusy(false);
    onBusy(false);
    if (result.ok) {
      onSold(result.value);
      return;
    }
    const { code, details } = result.error;
    // The core wrote the sale to its outbox before answering: it will complete, so the
    // customer must not pay again.
    if (code === 'offline' && details?.['queued'] === true && typeof details['orderId'] === 'string') {
      onQueued(details['orderId']);
      return;
    }
    if (code === 'hold_expired') {
      onExpired();
      return;
    }
    if (code === 'price_mismatch') refresh();
    setError(result.error);
  };

  return (
    <KioskFrame
      title={t.payTitle}
      progress="pay"
      onBack={busy ? undefined : onBack}
      onCancel={busy ? undefined : onCancel}
      footer={<HoldCountdown expiresAt={hold.expiresAt} onExpired={busy ? () => undefined : onExpired} />}
    >
      <ShowingLine showing={showing} />
      <ErrorNotice error={quoteError ?? error} context="sell" />
      {declined ? <Notice tone="error">{t.paymentDeclined}</Notice> : null}
      <section className="sim-terminal" aria-labelledby="sim-terminal-title" aria-busy={busy}>
        <p className="sim-terminal-label" id="sim-terminal-title">
          {t.simulatedTerminal}
        </p>
        <p className="sim-terminal-note">{t.simulatedNote}</p>
        <p className="sim-terminal-amount">
          {quote === undefined ? '…' : formatMoney({ amount: quote.total, currency: quote.currency }, locale)}
        </p>
        {busy ? (
          <p className="loading" role="status">
            {t.processingPayment}
          </p>
        ) : (
          <div className="sim-terminal-actions">
            <button
              type="button"
              className="button button--go button--large"
              disabled={quote === undefined}
              onClick={() => void approve()}
            >
              {t.simulateApprove}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setError(undefined);
                setDeclined(true);
              }}
            >
              {t.simulateDecline}
            </button>
          </div>
        )}
      </section>
    </KioskFrame>
  );
}
