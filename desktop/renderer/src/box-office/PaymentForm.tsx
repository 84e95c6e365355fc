/**
 * The held seats at the counter: a ticket type per seat, the total, and the payment — cash with
 * the change worked out as the amount is typed (or a quick-tender button), or card on the bank's
 * own terminal with an optional reference.
 */
import type { Dispatch, ReactElement, RefObject } from 'react';
import type { ErrorBody, TicketType } from '@marquee/shared';
import { formatAmount, formatMoney } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import type { Quote } from '../data/use-quote.ts';
import { errorMessage, seatDisplayName } from '../i18n/error-messages.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { HoldCountdown } from '../ui/HoldCountdown.tsx';
import { cashTender, tenderSuggestions } from './cash.ts';
import type { CounterHold, SaleAction, SaleState } from './sale-flow.ts';

export function PaymentForm({
  sale,
  hold,
  dispatch,
  quote,
  quoteError,
  ticketTypes,
  defaultType,
  currency,
  cashRef,
  onRelease,
  onComplete,
}: {
  sale: SaleState;
  hold: CounterHold;
  dispatch: Dispatch<SaleAction>;
  quote: Quote | undefined;
  quoteError: ErrorBody | undefined;
  ticketTypes: readonly TicketType[];
  defaultType: string | undefined;
  currency: string;
  cashRef: RefObject<HTMLInputElement | null>;
  onRelease: () => void;
  onComplete: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  const money = (amount: number): string => formatMoney({ amount, currency }, locale);
  const { method, tendered, busy } = sale;
  const cash =
    quote === undefined || method !== 'cash' || tendered.trim() === ''
      ? undefined
      : cashTender(quote.total, tendered, currency);

  return (
    <form
      className="bo-pay"
      onSubmit={(event) => {
        event.preventDefault();
        onComplete();
      }}
    >
      <div className="bo-pay-head">
        <h2>{t.ticketTypes}</h2>
        <HoldCountdown
          expiresAt={hold.expiresAt}
          onExpired={() => dispatch({ type: 'holdExpired' })}
          format={t.heldUntil}
        />
      </div>
      <ul className="bo-lines">
        {hold.seatIds.map((seatId) => {
          const price = quote?.lines.find((line) => line.seatId === seatId)?.price;
          return (
            <li key={seatId}>
              <span className="bo-line-seat">{seatDisplayName(seatId, t)}</span>
              <select
                aria-label={t.ticketTypeFor(seatDisplayName(seatId, t))}
                value={sale.types[seatId] ?? defaultType ?? ''}
                onChange={(event) =>
                  dispatch({ type: 'ticketType', seatId, ticketTypeId: event.target.value })
                }
              >
                {ticketTypes.map((type) => (
                  <option key={type.id} value={type.id}>
                    {type.names[locale]}
                  </option>
                ))}
              </select>
              <span className="num">{price === undefined ? '…' : money(price)}</span>
            </li>
          );
        })}
      </ul>
      <ErrorNotice error={quoteError} context="sell" />
      <p className="bo-total">
        <span>{t.total}</span>
        <strong>{quote === undefined ? '…' : money(quote.total)}</strong>
      </p>
      <div className="method-tabs" role="radiogroup" aria-label={t.payment}>
        <button
          type="button"
          role="radio"
          aria-checked={method === 'cash'}
          onClick={() => dispatch({ type: 'method', method: 'cash' })}
        >
          {t.cash} <kbd>C</kbd>
        </button>
        <button
          type="button"
          role="radio"
          aria-checked={method === 'card'}
          onClick={() => dispatch({ type: 'method', method: 'card' })}
        >
          {t.card} <kbd>K</kbd>
        </button>
      </div>
      {method === 'cash' ? (
        <>
          <label className="field">
            <span className="field-label">{t.cashReceived}</span>
            <input
              ref={cashRef}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={tendered}
              placeholder={quote === undefined ? '' : formatAmount(quote.total, currency)}
              onChange={(event) => dispatch({ type: 'tendered', text: event.target.value })}
            />
          </label>
          {quote === undefined ? null : (
            <div className="tender-buttons">
              {tenderSuggestions(quote.total, currency).map((amount, index) => (
                <button
                  key={amount}
                  type="button"
                  className="button button--quiet"
                  onClick={() => dispatch({ type: 'tendered', text: formatAmount(amount, currency) })}
                >
                  {index === 0 ? t.exactAmount : money(amount)}
                </button>
              ))}
            </div>
          )}
          <p className={`change-due${cash !== undefined && !cash.ok ? ' is-short' : ''}`} aria-live="polite">
            {cash === undefined
              ? `${t.changeDue}${t.colon}${money(0)}`
              : cash.ok
                ? `${t.changeDue}${t.colon}${money(cash.value.change)}`
                : errorMessage(cash.error, t, locale, 'sell')}
          </p>
        </>
      ) : (
        <>
          <p className="hint">{t.cardExternal}</p>
          <label className="field">
            <span className="field-label">{t.cardReference}</span>
            <input
              type="text"
              autoComplete="off"
              maxLength={64}
              value={sale.reference}
              onChange={(event) => dispatch({ type: 'reference', text: event.target.value })}
            />
          </label>
        </>
      )}
      <div className="bo-pay-actions">
        <button type="button" className="button button--secondary" onClick={onRelease}>
          {t.releaseSeats} <kbd>Esc</kbd>
        </button>
        <button
          type="submit"
          className="button button--go button--large"
          disabled={busy || quote === undefined || (cash !== undefined && !cash.ok)}
        >
          {busy ? t.working : t.completeSale} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
