/**
 * Selling at the counter, keyboard first: a number key picks the showing, the arrow keys and
 * Space pick seats (or B takes the best available for the party), H holds them, each seat gets a
 * ticket type, and the payment is cash (with change worked out) or card. Every key is also a
 * button, for the mouse and for a cashier who has not learnt the keys yet.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import type { ErrorBody, SaleResult, SeatId } from '@marquee/shared';
import { formatAmount, formatMoney } from '@marquee/shared';
import { callCore, useClient, usePreferences, useStatus } from '../app-context.ts';
import { byId } from '../data/by-id.ts';
import { useDoc, useDocs, useSite } from '../data/use-replica.ts';
import { useQuote } from '../data/use-quote.ts';
import { useShowing } from '../data/use-showing.ts';
import { errorMessage, seatDisplayName, seatListText } from '../i18n/error-messages.ts';
import { siteDate } from '../i18n/format.ts';
import { ShowingLine } from '../kiosk/ShowingLine.tsx';
import { sellableOn, ticketTypesOnSale } from '../programme.ts';
import { SeatLegend } from '../seat-map/SeatLegend.tsx';
import { SeatMap } from '../seat-map/SeatMap.tsx';
import { inLayoutOrder } from '../seat-map/seat-geometry.ts';
import { checkSelection, seatViews, takenMeanwhile } from '../seat-map/seat-states.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';
import { HoldCountdown } from '../ui/HoldCountdown.tsx';
import { Qr } from '../ui/Qr.tsx';
import { useNow } from '../use-now.ts';
import { cashTender, tenderSuggestions } from './cash.ts';
import { QUICK_KEYS, ShowtimeList } from './ShowtimeList.tsx';

interface CounterHold {
  id: string;
  showtimeId: string;
  seatIds: SeatId[];
  expiresAt: string;
  offline: boolean;
}

/** The seats `bestAvailable` may suggest at once (terminal API limit). */
const MAX_BEST_AVAILABLE = 10;

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLTextAreaElement
  );
}

export function SellPanel({ active }: { active: boolean }): ReactElement {
  const client = useClient();
  const status = useStatus();
  const { t, locale } = usePreferences();
  const site = useSite();
  const timeZone = site?.timezone;
  const now = useNow(5_000);

  // --- programme ---
  const showtimes = useDocs('showtimes');
  const movies = useDocs('movies');
  const halls = useDocs('halls');
  const ticketTypesAll = useDocs('ticket_types');
  const today = siteDate(now, timeZone);
  const dayShowtimes = useMemo(
    () => sellableOn(showtimes ?? [], today, timeZone, now),
    [showtimes, today, timeZone, now],
  );
  const seatMapDocs = useDocs('seat_maps', { id: { $in: dayShowtimes.map((s) => s.id) } });
  const movieById = useMemo(() => byId(movies), [movies]);
  const hallById = useMemo(() => byId(halls), [halls]);
  const seatMapById = useMemo(() => byId(seatMapDocs), [seatMapDocs]);

  // --- the sale ---
  const [showtimeId, setShowtimeId] = useState<string | undefined>(undefined);
  const [partySize, setPartySize] = useState(2);
  const [selection, setSelection] = useState<SeatId[]>([]);
  const [hold, setHold] = useState<CounterHold | undefined>(undefined);
  const [types, setTypes] = useState<Record<SeatId, string>>({});
  const [method, setMethod] = useState<'cash' | 'card'>('cash');
  const [tendered, setTendered] = useState('');
  const [reference, setReference] = useState('');
  const [sale, setSale] = useState<SaleResult | undefined>(undefined);
  const [queuedOrder, setQueuedOrder] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const mapRef = useRef<SVGSVGElement>(null);
  const cashRef = useRef<HTMLInputElement>(null);

  const showing = useShowing(showtimeId);
  const layout = showing?.hall?.layout;
  const claims = useMemo(() => showing?.claims ?? [], [showing?.claims]);
  const offline = status?.connection !== 'online';
  const priceList = useDoc('price_lists', showing?.showtime.priceListId);
  const ticketTypes = useMemo(
    () => ticketTypesOnSale(ticketTypesAll ?? [], priceList),
    [ticketTypesAll, priceList],
  );
  const defaultType = ticketTypes[0]?.id;

  const views = useMemo(
    () =>
      layout === undefined
        ? new Map<SeatId, never>()
        : seatViews(layout, claims, {
            now,
            terminalId: status?.terminalId,
            hold,
            selected: new Set(selection),
            offline,
          }),
    [layout, claims, now, status?.terminalId, hold, selection, offline],
  );

  const lines = useMemo(
    () =>
      hold === undefined || defaultType === undefined
        ? undefined
        : hold.seatIds.map((seatId) => ({ seatId, ticketTypeId: types[seatId] ?? defaultType })),
    [hold, types, defaultType],
  );
  const { quote, error: quoteError } = useQuote(hold?.showtimeId, lines);
  const currency = quote?.currency ?? priceList?.currency ?? site?.currency ?? 'CNY';
  const cash =
    quote === undefined || method !== 'cash' || tendered.trim() === ''
      ? undefined
      : cashTender(quote.total, tendered, currency);

  const clearSale = useCallback(() => {
    setSelection([]);
    setHold(undefined);
    setTypes({});
    setTendered('');
    setReference('');
    setSale(undefined);
    setQueuedOrder(undefined);
    setError(undefined);
    setMessage(undefined);
  }, []);

  const release = useCallback(async () => {
    if (hold === undefined) return;
    setHold(undefined);
    setTendered('');
    const result = await callCore(client, 'seats.release', { holdId: hold.id });
    if (!result.ok) setError(result.error);
  }, [client, hold]);

  // Straight to the seats after choosing a showing, for the arrow keys (once its hall has loaded).
  const focusMapFor = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (layout === undefined || showtimeId === undefined || focusMapFor.current !== showtimeId) return;
    focusMapFor.current = undefined;
    mapRef.current?.querySelector<SVGGElement>('[tabindex="0"]')?.focus();
  }, [layout, showtimeId]);

  const chooseShowtime = useCallback(
    (id: string) => {
      if (hold !== undefined) void release();
      clearSale();
      setShowtimeId(id);
      focusMapFor.current = id;
    },
    [hold, release, clearSale],
  );

  const best = useCallback(async () => {
    if (showtimeId === undefined || hold !== undefined) return;
    setError(undefined);
    const count = Math.min(Math.max(1, partySize), MAX_BEST_AVAILABLE);
    const result = await callCore(client, 'seats.bestAvailable', { showtimeId, count });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    if (result.value === null) {
      setMessage(t.noSeatsTogether);
      return;
    }
    setMessage(undefined);
    setSelection(layout === undefined ? result.value : inLayoutOrder(layout, result.value));
  }, [client, showtimeId, hold, partySize, t, layout]);

  const takeHold = useCallback(async () => {
    if (showtimeId === undefined || layout === undefined || hold !== undefined || selection.length === 0)
      return;
    const checked = checkSelection(layout, claims, selection, {
      profile: 'box_office',
      offline,
      terminalId: status?.terminalId,
      now: Date.now(),
    });
    if (!checked.ok) {
      setMessage(errorMessage(checked.error, t, locale, 'hold'));
      return;
    }
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    const result = await callCore(client, 'seats.hold', { showtimeId, seatIds: checked.value });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      const lost = result.error.details?.['seatIds'];
      if (Array.isArray(lost)) setSelection((current) => current.filter((id) => !lost.includes(id)));
      return;
    }
    setHold({
      id: result.value.id,
      showtimeId,
      seatIds: result.value.seatIds,
      expiresAt: result.value.expiresAt,
      offline: result.value.offline,
    });
    setSelection(result.value.seatIds);
    setMethod('cash');
  }, [client, showtimeId, layout, hold, selection, claims, t, locale, offline, status?.terminalId]);

  const complete = useCallback(async () => {
    if (hold === undefined || lines === undefined || quote === undefined || busy) return;
    let payment: { method: 'cash' | 'card'; amount: number; tendered?: number; reference?: string };
    if (method === 'cash') {
      const taken = cashTender(
        quote.total,
        tendered.trim() === '' ? formatAmount(quote.total, currency) : tendered,
        currency,
      );
      if (!taken.ok) {
        setMessage(errorMessage(taken.error, t, locale, 'sell'));
        return;
      }
      payment = { method: 'cash', amount: quote.total, tendered: taken.value.tendered };
    } else {
      payment = {
        method: 'card',
        amount: quote.total,
        ...(reference.trim() === '' ? {} : { reference: reference.trim() }),
      };
    }
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    const result = await callCore(client, 'order.sell', { holdId: hold.id, lines, payments: [payment] });
    setBusy(false);
    if (result.ok) {
      setSale(result.value);
      setHold(undefined);
      // Sold seats are no longer "chosen": they must not read as taken by someone else.
      setSelection([]);
      return;
    }
    const { code, details } = result.error;
    if (code === 'offline' && details?.['queued'] === true && typeof details['orderId'] === 'string') {
      setQueuedOrder(details['orderId']);
      setHold(undefined);
      setSelection([]);
      return;
    }
    if (code === 'hold_expired') setHold(undefined);
    setError(result.error);
  }, [client, hold, lines, quote, busy, method, tendered, currency, reference, t, locale]);

  // Once the seats are held the cashier's next move is the cash amount.
  const heldId = hold?.id;
  useEffect(() => {
    if (heldId !== undefined) cashRef.current?.focus();
  }, [heldId]);

  // A selected (not yet held) seat taken at another terminal: drop it and say so.
  useEffect(() => {
    if (hold !== undefined || busy) return;
    const taken = takenMeanwhile(selection, views);
    if (taken.length === 0) return;
    setSelection((current) => current.filter((id) => !taken.includes(id)));
    const seats = seatListText(taken, t);
    setMessage(taken.length === 1 ? t.seatTakenMeanwhile(seats) : t.seatsTakenMeanwhile(seats));
  }, [views, selection, hold, busy, t]);

  const toggle = (seatId: SeatId): void => {
    if (hold !== undefined) {
      setMessage(t.releaseFirst);
      return;
    }
    setMessage(undefined);
    setSelection((current) =>
      current.includes(seatId)
        ? current.filter((id) => id !== seatId)
        : layout === undefined
          ? [...current, seatId]
          : inLayoutOrder(layout, [...current, seatId]),
    );
  };

  // --- keys ---
  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    keys.current = (event: KeyboardEvent): void => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Escape') {
        if (isTyping(event.target)) {
          (event.target as HTMLElement).blur();
          return;
        }
        event.preventDefault();
        if (sale !== undefined || queuedOrder !== undefined) clearSale();
        else if (hold !== undefined) void release();
        else setSelection([]);
        return;
      }
      if (isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      const quick = QUICK_KEYS.indexOf(event.key as (typeof QUICK_KEYS)[number]);
      if (quick >= 0 && dayShowtimes[quick] !== undefined) {
        event.preventDefault();
        chooseShowtime(dayShowtimes[quick].id);
      } else if (key === 'b') {
        event.preventDefault();
        void best();
      } else if (key === 'h') {
        event.preventDefault();
        void takeHold();
      } else if (key === '+' || key === '=') {
        setPartySize((n) => Math.min(MAX_BEST_AVAILABLE, n + 1));
      } else if (key === '-') {
        setPartySize((n) => Math.max(1, n - 1));
      } else if (key === 'c' && hold !== undefined) {
        event.preventDefault();
        setMethod('cash');
        cashRef.current?.focus();
      } else if (key === 'k' && hold !== undefined) {
        event.preventDefault();
        setMethod('card');
      } else if (key === 'n' && (sale !== undefined || queuedOrder !== undefined)) {
        event.preventDefault();
        clearSale();
      } else if (key === 'enter' && hold !== undefined && event.target === document.body) {
        event.preventDefault();
        void complete();
      }
    };
  });
  useEffect(() => {
    if (!active) return undefined;
    const onKeyDown = (event: KeyboardEvent): void => keys.current(event);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [active]);

  const ticketTypeById = useMemo(() => byId(ticketTypesAll), [ticketTypesAll]);
  const money = (amount: number): string => formatMoney({ amount, currency }, locale);

  return (
    <div className="bo-sell">
      <ShowtimeList
        showtimes={dayShowtimes}
        movies={movieById}
        halls={hallById}
        seatMaps={seatMapById}
        selectedId={showtimeId}
        now={now}
        timeZone={timeZone}
        onSelect={chooseShowtime}
      />

      <section className="bo-seats" aria-label={t.seats}>
        {showing === undefined || layout === undefined ? (
          <p className="hint bo-placeholder">{t.pickShowtime}</p>
        ) : (
          <>
            <div className="bo-seats-head">
              <ShowingLine showing={showing} />
              <label className="field field--inline">
                <span className="field-label">{t.partySize}</span>
                <input
                  type="number"
                  min={1}
                  max={MAX_BEST_AVAILABLE}
                  value={partySize}
                  onChange={(event) =>
                    setPartySize(Math.min(MAX_BEST_AVAILABLE, Math.max(1, Number(event.target.value) || 1)))
                  }
                />
              </label>
              <button
                type="button"
                className="button button--secondary"
                disabled={hold !== undefined}
                onClick={() => void best()}
              >
                {t.bestAvailable} <kbd>B</kbd>
              </button>
              <button
                type="button"
                className="button button--primary"
                disabled={hold !== undefined || selection.length === 0 || busy}
                onClick={() => void takeHold()}
              >
                {t.holdSeats} <kbd>H</kbd>
              </button>
            </div>
            {message === undefined ? null : <Notice tone="warning">{message}</Notice>}
            <ErrorNotice
              error={error}
              context={hold === undefined ? 'hold' : 'sell'}
              onDismiss={() => setError(undefined)}
            />
            <SeatMap
              layout={layout}
              views={views}
              hallName={showing.hall?.name ?? ''}
              onToggle={toggle}
              mode="keyboard"
              focusRef={mapRef}
            />
            <SeatLegend offline={offline} />
          </>
        )}
        <p className="keys-help">{hold === undefined ? t.keysSell : t.keysPay}</p>
      </section>

      <aside className="bo-cart" aria-label={t.payment}>
        {sale !== undefined ? (
          <div className="bo-done">
            <h2>{t.saleComplete}</h2>
            {sale.change > 0 ? <p className="change-due">{t.giveChange(money(sale.change))}</p> : null}
            {sale.code === undefined ? null : (
              <p className="order-code">
                {t.orderCode}
                {t.colon}
                <strong>{sale.code}</strong>
              </p>
            )}
            {sale.offline ? <Notice tone="info">{t.soldOffline}</Notice> : null}
            <Notice tone="info">{t.printerNotReported}</Notice>
            <ul className="bo-tickets">
              {(layout === undefined
                ? sale.tickets.map((ticket) => ticket.seatId)
                : inLayoutOrder(
                    layout,
                    sale.tickets.map((ticket) => ticket.seatId),
                  )
              )
                .map((seatId) => sale.tickets.find((ticket) => ticket.seatId === seatId))
                .filter((ticket) => ticket !== undefined)
                .map((ticket) => (
                  <li key={ticket.id}>
                    <Qr text={ticket.token} label={seatDisplayName(ticket.seatId, t)} size={96} />
                    <span>
                      {seatDisplayName(ticket.seatId, t)} ·{' '}
                      {ticketTypeById.get(ticket.ticketTypeId)?.names[locale] ?? ''} · {money(ticket.price)}
                    </span>
                  </li>
                ))}
            </ul>
            <button type="button" className="button button--primary" onClick={clearSale}>
              {t.newSale} <kbd>N</kbd>
            </button>
          </div>
        ) : queuedOrder !== undefined ? (
          <div className="bo-done">
            <h2>{t.saleQueuedTitle}</h2>
            <Notice tone="info">{t.errSaleQueued}</Notice>
            <p className="order-code">
              {t.orderReference}
              {t.colon}
              <strong>{queuedOrder.slice(0, 8).toUpperCase()}</strong>
            </p>
            <button type="button" className="button button--primary" onClick={clearSale}>
              {t.newSale} <kbd>N</kbd>
            </button>
          </div>
        ) : hold === undefined ? (
          <div className="bo-cart-empty">
            <h2>{t.payment}</h2>
            <p className="hint">
              {showtimeId === undefined
                ? t.pickShowtime
                : selection.length === 0
                  ? t.chooseSeatsKeys
                  : `${t.seatList(seatListText(selection, t))} · ${t.holdSeats} (H)`}
            </p>
          </div>
        ) : (
          <form
            className="bo-pay"
            onSubmit={(event) => {
              event.preventDefault();
              void complete();
            }}
          >
            <div className="bo-pay-head">
              <h2>{t.ticketTypes}</h2>
              <HoldCountdown
                expiresAt={hold.expiresAt}
                onExpired={() => {
                  setHold(undefined);
                  setMessage(t.errHoldExpired);
                }}
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
                      value={types[seatId] ?? defaultType ?? ''}
                      onChange={(event) =>
                        setTypes((current) => ({ ...current, [seatId]: event.target.value }))
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
                onClick={() => setMethod('cash')}
              >
                {t.cash} <kbd>C</kbd>
              </button>
              <button
                type="button"
                role="radio"
                aria-checked={method === 'card'}
                onClick={() => setMethod('card')}
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
                    onChange={(event) => setTendered(event.target.value)}
                  />
                </label>
                {quote === undefined ? null : (
                  <div className="tender-buttons">
                    {tenderSuggestions(quote.total, currency).map((amount, index) => (
                      <button
                        key={amount}
                        type="button"
                        className="button button--quiet"
                        onClick={() => setTendered(formatAmount(amount, currency))}
                      >
                        {index === 0 ? t.exactAmount : money(amount)}
                      </button>
                    ))}
                  </div>
                )}
                <p
                  className={`change-due${cash !== undefined && !cash.ok ? ' is-short' : ''}`}
                  aria-live="polite"
                >
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
                    value={reference}
                    onChange={(event) => setReference(event.target.value)}
                  />
                </label>
              </>
            )}
            <div className="bo-pay-actions">
              <button type="button" className="button button--secondary" onClick={() => void release()}>
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
        )}
      </aside>
    </div>
  );
}
