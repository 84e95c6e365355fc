/**
 * Selling at the counter, keyboard first: a number key picks the showing, the arrow keys and
 * Space pick seats (or B takes the best available for the party), H holds them, each seat gets a
 * ticket type, and the payment is cash (with change worked out) or card. Every key is also a
 * button, for the mouse and for a cashier who has not learnt the keys yet.
 *
 * The sale's state is `saleReducer` (sale-flow.ts), the keys are `useSellKeys`; this panel reads
 * the replica, talks to the core and lays out the showings, the seat map and the payment column.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { ReactElement } from 'react';
import type { SeatId } from '@marquee/shared';
import { callCore, useClient, usePreferences, useStatus } from '../app-context.ts';
import type { PreferencesApi } from '../app-context.ts';
import { byId } from '../data/by-id.ts';
import { useDoc, useDocs, useSite } from '../data/use-replica.ts';
import { useQuote } from '../data/use-quote.ts';
import { useShowing } from '../data/use-showing.ts';
import { errorMessage, seatListText } from '../i18n/error-messages.ts';
import { siteDate } from '../i18n/format.ts';
import { sellableOn, ticketTypesOnSale } from '../programme.ts';
import { SeatLegend } from '../seat-map/SeatLegend.tsx';
import { SeatMap } from '../seat-map/SeatMap.tsx';
import { checkSelection, seatViews, takenMeanwhile } from '../seat-map/seat-states.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import { useNow } from '../use-now.ts';
import { DoneScreen, QueuedScreen } from './DoneScreen.tsx';
import { PaymentForm } from './PaymentForm.tsx';
import {
  INITIAL_SALE_STATE,
  MAX_BEST_AVAILABLE,
  cartScreen,
  isFinished,
  saleLines,
  salePayment,
  saleReducer,
} from './sale-flow.ts';
import type { SaleNotice } from './sale-flow.ts';
import { ShowtimeList } from './ShowtimeList.tsx';
import { useSellKeys } from './use-sell-keys.ts';
import type { SellRun } from './sell-keys.ts';

function noticeText(notice: SaleNotice, { t, locale }: Pick<PreferencesApi, 't' | 'locale'>): string {
  switch (notice.kind) {
    case 'releaseFirst':
      return t.releaseFirst;
    case 'noSeatsTogether':
      return t.noSeatsTogether;
    case 'holdExpired':
      return t.errHoldExpired;
    case 'seatsTaken': {
      const seats = seatListText(notice.seatIds, t);
      return notice.seatIds.length === 1 ? t.seatTakenMeanwhile(seats) : t.seatsTakenMeanwhile(seats);
    }
    case 'refused':
      return errorMessage(notice.error, t, locale, notice.context);
  }
}

export function SellPanel({ active }: { active: boolean }): ReactElement {
  const client = useClient();
  const status = useStatus();
  const preferences = usePreferences();
  const { t } = preferences;
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
  const ticketTypeById = useMemo(() => byId(ticketTypesAll), [ticketTypesAll]);

  // --- the sale ---
  const [sale, dispatch] = useReducer(saleReducer, INITIAL_SALE_STATE);
  const { showtimeId, selection, hold, busy } = sale;
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

  const lines = useMemo(() => saleLines(sale, defaultType), [sale, defaultType]);
  const { quote, error: quoteError } = useQuote(hold?.showtimeId, lines);
  const currency = quote?.currency ?? priceList?.currency ?? site?.currency ?? 'CNY';

  const release = useCallback(async () => {
    if (hold === undefined) return;
    dispatch({ type: 'released' });
    const result = await callCore(client, 'seats.release', { holdId: hold.id });
    if (!result.ok) dispatch({ type: 'failed', error: result.error });
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
      dispatch({ type: 'showtime', showtimeId: id });
      focusMapFor.current = id;
    },
    [hold, release],
  );

  const best = useCallback(async () => {
    if (showtimeId === undefined || hold !== undefined) return;
    dispatch({ type: 'bestStarted' });
    const count = Math.min(Math.max(1, sale.partySize), MAX_BEST_AVAILABLE);
    const result = await callCore(client, 'seats.bestAvailable', { showtimeId, count });
    if (result.ok) dispatch({ type: 'bestFound', seatIds: result.value, layout });
    else dispatch({ type: 'failed', error: result.error });
  }, [client, showtimeId, hold, sale.partySize, layout]);

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
      dispatch({ type: 'notice', notice: { kind: 'refused', error: checked.error, context: 'hold' } });
      return;
    }
    dispatch({ type: 'holdStarted' });
    const result = await callCore(client, 'seats.hold', { showtimeId, seatIds: checked.value });
    if (result.ok) dispatch({ type: 'held', hold: result.value });
    else dispatch({ type: 'holdRefused', error: result.error });
  }, [client, showtimeId, layout, hold, selection, claims, offline, status?.terminalId]);

  const complete = useCallback(async () => {
    if (hold === undefined || lines === undefined || quote === undefined || busy) return;
    const payment = salePayment(sale, quote.total, currency);
    if (!payment.ok) {
      dispatch({ type: 'notice', notice: { kind: 'refused', error: payment.error, context: 'sell' } });
      return;
    }
    dispatch({ type: 'sellStarted' });
    const result = await callCore(client, 'order.sell', {
      holdId: hold.id,
      lines,
      payments: [payment.value],
    });
    if (result.ok) dispatch({ type: 'sold', sale: result.value });
    else dispatch({ type: 'sellFailed', error: result.error });
  }, [client, sale, hold, lines, quote, busy, currency]);

  const newSale = useCallback(() => dispatch({ type: 'newSale' }), []);

  // Once the seats are held the cashier's next move is the cash amount.
  const heldId = hold?.id;
  useEffect(() => {
    if (heldId !== undefined) cashRef.current?.focus();
  }, [heldId]);

  // A selected (not yet held) seat taken at another terminal: drop it and say so.
  useEffect(() => {
    if (hold !== undefined || busy) return;
    const taken = takenMeanwhile(selection, views);
    if (taken.length > 0) dispatch({ type: 'seatsTaken', seatIds: taken });
  }, [views, selection, hold, busy]);

  const run = (command: SellRun): void => {
    switch (command.do) {
      case 'newSale':
        return newSale();
      case 'release':
        return void release();
      case 'clearSelection':
        return dispatch({ type: 'clearSelection' });
      case 'showtime': {
        const target = dayShowtimes[command.index];
        if (target !== undefined) chooseShowtime(target.id);
        return;
      }
      case 'best':
        return void best();
      case 'hold':
        return void takeHold();
      case 'party':
        return dispatch({ type: 'partyStep', delta: command.delta });
      case 'method':
        dispatch({ type: 'method', method: command.method });
        if (command.method === 'cash') cashRef.current?.focus();
        return;
      case 'complete':
        return void complete();
    }
  };
  useSellKeys(
    active,
    { showtimeCount: dayShowtimes.length, holding: hold !== undefined, finished: isFinished(sale) },
    run,
  );

  const cart = cartScreen(sale);
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
                  value={sale.partySize}
                  onChange={(event) => dispatch({ type: 'partySize', size: Number(event.target.value) || 1 })}
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
            {sale.notice === undefined ? null : (
              <Notice tone="warning">{noticeText(sale.notice, preferences)}</Notice>
            )}
            <ErrorNotice
              error={sale.error}
              context={hold === undefined ? 'hold' : 'sell'}
              onDismiss={() => dispatch({ type: 'dismissError' })}
            />
            <SeatMap
              layout={layout}
              views={views}
              hallName={showing.hall?.name ?? ''}
              onToggle={(seatId) => dispatch({ type: 'toggle', seatId, layout })}
              mode="keyboard"
              focusRef={mapRef}
            />
            <SeatLegend offline={offline} />
          </>
        )}
        <p className="keys-help">{hold === undefined ? t.keysSell : t.keysPay}</p>
      </section>

      <aside className="bo-cart" aria-label={t.payment}>
        {cart.screen === 'done' ? (
          <DoneScreen
            sale={cart.sale}
            layout={layout}
            ticketTypes={ticketTypeById}
            currency={currency}
            onNewSale={newSale}
          />
        ) : cart.screen === 'queued' ? (
          <QueuedScreen orderId={cart.orderId} onNewSale={newSale} />
        ) : cart.screen === 'pay' ? (
          <PaymentForm
            sale={sale}
            hold={cart.hold}
            dispatch={dispatch}
            quote={quote}
            quoteError={quoteError}
            ticketTypes={ticketTypes}
            defaultType={defaultType}
            currency={currency}
            cashRef={cashRef}
            onRelease={() => void release()}
            onComplete={() => void complete()}
          />
        ) : (
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
        )}
      </aside>
    </div>
  );
}
