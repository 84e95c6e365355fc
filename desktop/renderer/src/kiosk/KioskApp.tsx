/**
 * The self-service kiosk: the purchase flow of kiosk-flow.ts on screen, with the programme read
 * live from the replica. Holds are released whenever the flow leaves the held steps backwards or
 * out (Back, Cancel, idle reset, expiry), and the kiosk resets itself for the next customer.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { DEFAULT_KIOSK_SEAT_LIMIT } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { byId } from '../data/by-id.ts';
import { useDoc, useDocs, useSite } from '../data/use-replica.ts';
import { useShowing } from '../data/use-showing.ts';
import { addDays, formatDay, siteDate } from '../i18n/format.ts';
import { filmsWithShowings, sellableOn, ticketTypesOnSale } from '../programme.ts';
import { useNow } from '../use-now.ts';
import { AttractScreen } from './AttractScreen.tsx';
import { FilmScreen } from './FilmScreen.tsx';
import { INITIAL_KIOSK_STATE, holdToRelease, kioskReducer } from './kiosk-flow.ts';
import type { KioskAction, KioskState } from './kiosk-flow.ts';
import { assignTicketTypes, partySize } from './party.ts';
import { PartyScreen } from './PartyScreen.tsx';
import { PaymentScreen } from './PaymentScreen.tsx';
import { PickupScreen } from './PickupScreen.tsx';
import { fromPrices, hallPriceClasses } from './prices.ts';
import { SeatScreen } from './SeatScreen.tsx';
import { ShowtimeScreen } from './ShowtimeScreen.tsx';
import { SummaryScreen } from './SummaryScreen.tsx';
import { DoneScreen, TicketsScreen } from './TicketsScreen.tsx';
import { KioskExit } from './KioskExit.tsx';
import { useIdle } from './use-idle.ts';

/** No touch for this long asks "are you still there?"… */
const IDLE_MS = 60_000;
/** …and this much longer cancels the purchase. */
const IDLE_GRACE_MS = 20_000;
/** The thank-you screen returns to the attract screen by itself. */
const DONE_MS = 15_000;

export function KioskApp(): ReactElement {
  const client = useClient();
  const { t, locale, resetPreferences } = usePreferences();
  const site = useSite();
  const timeZone = site?.timezone;
  const now = useNow(30_000);
  const [state, dispatchRaw] = useReducer(kioskReducer, INITIAL_KIOSK_STATE);
  const stateRef = useRef<KioskState>(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  }, [state]);
  // A payment in flight must not be interrupted by the idle reset.
  const [busy, setBusy] = useState(false);

  const dispatch = useCallback(
    (action: KioskAction) => {
      const hold = holdToRelease(stateRef.current, action);
      // Fire and forget: if the release is lost, the server's own expiry frees the seats.
      if (hold !== undefined) void callCore(client, 'seats.release', { holdId: hold.id });
      if (action.type === 'reset') resetPreferences();
      dispatchRaw(action);
    },
    [client, resetPreferences],
  );
  const reset = useCallback(() => dispatch({ type: 'reset' }), [dispatch]);
  const back = useCallback(() => dispatch({ type: 'back' }), [dispatch]);

  const idle = useIdle(
    state.step !== 'attract' && state.step !== 'done' && !busy,
    IDLE_MS,
    IDLE_GRACE_MS,
    reset,
  );
  useEffect(() => {
    if (state.step !== 'done') return undefined;
    const timer = window.setTimeout(reset, DONE_MS);
    return () => window.clearTimeout(timer);
  }, [state.step, reset]);

  // --- programme ---
  const today = siteDate(now, timeZone);
  const day = state.day ?? today;
  const movies = useDocs('movies');
  const showtimes = useDocs('showtimes');
  const ticketTypesAll = useDocs('ticket_types');
  const halls = useDocs('halls');
  const dayShowtimes = useMemo(
    () => sellableOn(showtimes ?? [], day, timeZone, now),
    [showtimes, day, timeZone, now],
  );
  const films = useMemo(() => filmsWithShowings(movies ?? [], dayShowtimes), [movies, dayShowtimes]);
  const todaysFilms = useMemo(
    () =>
      filmsWithShowings(movies ?? [], sellableOn(showtimes ?? [], today, timeZone, now)).map((f) => f.movie),
    [movies, showtimes, today, timeZone, now],
  );
  const filmShowtimes = useMemo(
    () => dayShowtimes.filter((s) => s.movieId === state.movieId),
    [dayShowtimes, state.movieId],
  );
  const seatMapDocs = useDocs('seat_maps', { id: { $in: filmShowtimes.map((s) => s.id) } });
  const hallById = useMemo(() => byId(halls), [halls]);
  const seatMapById = useMemo(() => byId(seatMapDocs), [seatMapDocs]);

  // --- the chosen showing ---
  const showing = useShowing(state.showtimeId);
  const priceList = useDoc('price_lists', showing?.showtime.priceListId);
  const ticketTypes = useMemo(
    () => ticketTypesOnSale(ticketTypesAll ?? [], priceList),
    [ticketTypesAll, priceList],
  );
  const ticketTypeById = useMemo(() => byId(ticketTypesAll), [ticketTypesAll]);
  const prices = useMemo(() => {
    if (priceList === undefined || priceList === null || showing?.hall === undefined)
      return new Map<string, number>();
    return fromPrices(
      priceList,
      ticketTypes.map((type) => type.id),
      hallPriceClasses(showing.hall.layout),
      showing.showtime.startsAt,
      timeZone ?? 'UTC',
    );
  }, [priceList, ticketTypes, showing, timeZone]);
  const lines = useMemo(
    () =>
      assignTicketTypes(
        state.selection,
        state.counts,
        ticketTypes.map((type) => type.id),
      ) ?? [],
    [state.selection, state.counts, ticketTypes],
  );
  const currency = priceList?.currency ?? site?.currency;
  const onSelection = useCallback(
    (seatIds: string[]) => dispatch({ type: 'selection', seatIds }),
    [dispatch],
  );
  const onExpired = useCallback(() => dispatch({ type: 'holdExpired' }), [dispatch]);

  let screen: ReactElement;
  switch (state.step) {
    case 'attract':
      screen = (
        <AttractScreen
          movies={todaysFilms}
          onBuy={() => dispatch({ type: 'buy' })}
          onPickup={() => dispatch({ type: 'pickup' })}
        />
      );
      break;
    case 'film':
      screen = (
        <FilmScreen
          day={day}
          days={[
            { date: today, label: `${t.today} · ${formatDay(now, locale, timeZone)}` },
            {
              date: addDays(today, 1),
              label: `${t.tomorrow} · ${formatDay(now + 86_400_000, locale, timeZone)}`,
            },
          ]}
          films={films}
          timeZone={timeZone}
          onDay={(date) => dispatch({ type: 'day', day: date })}
          onFilm={(movieId) => dispatch({ type: 'film', movieId })}
          onBack={back}
          onCancel={reset}
        />
      );
      break;
    case 'showtime': {
      const movie = movies?.find((m) => m.id === state.movieId);
      screen =
        movie === undefined ? (
          <Loading />
        ) : (
          <ShowtimeScreen
            movie={movie}
            showtimes={filmShowtimes}
            halls={hallById}
            seatMaps={seatMapById}
            now={now}
            timeZone={timeZone}
            onShowtime={(showtimeId) => dispatch({ type: 'showtime', showtimeId })}
            onBack={back}
            onCancel={reset}
          />
        );
      break;
    }
    case 'party':
      screen =
        showing === undefined ? (
          <Loading />
        ) : (
          <PartyScreen
            showing={showing}
            ticketTypes={ticketTypes}
            prices={prices}
            currency={currency}
            counts={state.counts}
            limit={DEFAULT_KIOSK_SEAT_LIMIT}
            onCounts={(counts) => dispatch({ type: 'counts', counts })}
            onContinue={() => dispatch({ type: 'toSeats' })}
            onBack={back}
            onCancel={reset}
          />
        );
      break;
    case 'seats':
      screen =
        showing === undefined ? (
          <Loading />
        ) : (
          <SeatScreen
            showing={showing}
            wanted={partySize(state.counts)}
            selection={state.selection}
            holdExpired={state.notice === 'hold_expired'}
            onSelection={onSelection}
            onHeld={(hold) => dispatch({ type: 'held', hold })}
            onBack={back}
            onCancel={reset}
          />
        );
      break;
    case 'summary':
    case 'payment':
      if (showing === undefined || state.hold === undefined) {
        screen = <Loading />;
        break;
      }
      screen =
        state.step === 'summary' ? (
          <SummaryScreen
            showing={showing}
            lines={lines}
            ticketTypes={ticketTypeById}
            hold={state.hold}
            onPay={() => dispatch({ type: 'toPayment' })}
            onExpired={onExpired}
            onBack={back}
            onCancel={reset}
          />
        ) : (
          <PaymentScreen
            showing={showing}
            lines={lines}
            hold={state.hold}
            onSold={(sale) => dispatch({ type: 'sold', sale })}
            onQueued={(orderId) => dispatch({ type: 'queued', orderId })}
            onExpired={onExpired}
            onBusy={setBusy}
            onBack={back}
            onCancel={reset}
          />
        );
      break;
    case 'tickets':
      screen = (
        <TicketsScreen
          showing={showing}
          sale={state.sale}
          queuedOrderId={state.queuedOrderId}
          ticketTypes={ticketTypeById}
          currency={currency}
          onFinish={() => dispatch({ type: 'printed' })}
        />
      );
      break;
    case 'done':
      screen = <DoneScreen onFinish={reset} />;
      break;
    case 'pickup':
      screen = <PickupScreen onBack={back} onCancel={reset} />;
      break;
  }

  return (
    <>
      {screen}
      <KioskExit />
      {idle.warningSecondsLeft === undefined ? null : (
        <div
          className="overlay"
          role="alertdialog"
          aria-modal="true"
          aria-labelledby="idle-title"
          aria-describedby="idle-body"
        >
          <div className="dialog">
            <h2 id="idle-title">{t.stillThereTitle}</h2>
            <p id="idle-body">{t.stillThereBody(idle.warningSecondsLeft)}</p>
            <div className="dialog-actions">
              {/* autoFocus: the one thing to do here, reachable without hunting for it. */}
              <button
                type="button"
                className="button button--primary button--large"
                autoFocus
                onClick={idle.stillHere}
              >
                {t.stillHere}
              </button>
              <button type="button" className="button button--secondary" onClick={reset}>
                {t.cancelPurchase}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}

function Loading(): ReactElement {
  const { t } = usePreferences();
  return (
    <main className="screen screen--centred" aria-busy="true">
      <p className="loading">{t.syncingProgramme}</p>
    </main>
  );
}
