/**
 * Kiosk step 4: seats. The best seats for the party are chosen already (the core's
 * `seats.bestAvailable`, which knows about offline leases); the customer can change them by
 * tapping. The map repaints from the replicated seat map, and if someone else takes a chosen seat
 * meanwhile the seat is dropped and the customer told. The kiosk rules (no single empty seat,
 * loveseats in pairs, companion seats) are checked before asking for a hold, so the customer is
 * never refused by the server for something the screen could have said.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import type { ErrorBody, SeatId } from '@marquee/shared';
import { loveseatPartner } from '@marquee/shared';
import { callCore, useClient, usePreferences, useStatus } from '../app-context.ts';
import type { Showing } from '../data/use-showing.ts';
import { errorMessage, seatListText } from '../i18n/error-messages.ts';
import { SeatLegend } from '../seat-map/SeatLegend.tsx';
import { SeatMap } from '../seat-map/SeatMap.tsx';
import { inLayoutOrder } from '../seat-map/seat-geometry.ts';
import { checkSelection, seatViews, takenMeanwhile } from '../seat-map/seat-states.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';
import { useNow } from '../use-now.ts';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import type { KioskHold } from './kiosk-flow.ts';
import { KioskFrame } from './KioskFrame.tsx';

export function SeatScreen({
  showing,
  wanted,
  selection,
  holdExpired,
  onSelection,
  onHeld,
  onBack,
  onCancel,
}: {
  showing: Showing;
  wanted: number;
  selection: readonly SeatId[];
  holdExpired: boolean;
  onSelection: (seatIds: SeatId[]) => void;
  onHeld: (hold: KioskHold) => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const client = useClient();
  const status = useStatus();
  const { t, locale } = usePreferences();
  const now = useNow(5_000);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const layout = showing.hall?.layout;
  const claims = showing.claims;
  const offline = status?.connection !== 'online';
  const showtimeId = showing.showtime.id;

  const views = useMemo(
    () =>
      layout === undefined
        ? new Map<SeatId, never>()
        : seatViews(layout, claims, {
            now,
            terminalId: status?.terminalId,
            selected: new Set(selection),
            offline,
          }),
    [layout, claims, now, status?.terminalId, selection, offline],
  );

  const suggest = useCallback(async (): Promise<void> => {
    setError(undefined);
    const result = await callCore(client, 'seats.bestAvailable', { showtimeId, count: wanted });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    if (result.value === null) {
      setMessage(t.noSeatsTogether);
      onSelection([]);
      return;
    }
    setMessage(undefined);
    onSelection(layout === undefined ? result.value : inLayoutOrder(layout, result.value));
  }, [client, showtimeId, wanted, t, onSelection, layout]);

  // Preselect once per visit, unless the customer comes back with seats already chosen.
  const suggested = useRef(false);
  useEffect(() => {
    if (suggested.current || layout === undefined) return;
    suggested.current = true;
    if (selection.length === 0) void suggest();
  }, [layout, selection.length, suggest]);

  // A chosen seat taken on another terminal arrives through replication: drop it and say so.
  useEffect(() => {
    // While a hold is being asked for, our own claim may arrive before the answer names it.
    if (busy) return;
    const taken = takenMeanwhile(selection, views);
    if (taken.length === 0) return;
    onSelection(selection.filter((id) => !taken.includes(id)));
    const seats = seatListText(taken, t);
    setMessage(taken.length === 1 ? t.seatTakenMeanwhile(seats) : t.seatsTakenMeanwhile(seats));
  }, [views, selection, onSelection, t, busy]);

  const toggle = (seatId: SeatId): void => {
    if (layout === undefined) return;
    setError(undefined);
    const partner = loveseatPartner(layout, seatId);
    const group = partner === undefined ? [seatId] : [seatId, partner.id];
    if (selection.includes(seatId)) {
      setMessage(undefined);
      onSelection(selection.filter((id) => !group.includes(id)));
      return;
    }
    const adding = group.filter((id) => !selection.includes(id));
    if (selection.length + adding.length > wanted) {
      setMessage(partner !== undefined && selection.length < wanted ? t.ruleLoveseatPair : t.selectionFull);
      return;
    }
    setMessage(undefined);
    onSelection(inLayoutOrder(layout, [...selection, ...adding]));
  };

  const hold = async (): Promise<void> => {
    if (layout === undefined) return;
    const checked = checkSelection(layout, claims, selection, {
      profile: 'kiosk',
      offline,
      terminalId: status?.terminalId,
      now: Date.now(),
    });
    if (!checked.ok) {
      setMessage(errorMessage(checked.error, t, locale, 'hold'));
      return;
    }
    setBusy(true);
    setMessage(undefined);
    const result = await callCore(client, 'seats.hold', { showtimeId, seatIds: checked.value });
    setBusy(false);
    if (result.ok) {
      onHeld({
        id: result.value.id,
        showtimeId,
        seatIds: result.value.seatIds,
        expiresAt: result.value.expiresAt,
        offline: result.value.offline,
      });
      return;
    }
    setError(result.error);
    const lost = result.error.details?.['seatIds'];
    if (result.error.code === 'seats_unavailable' && Array.isArray(lost)) {
      onSelection(selection.filter((id) => !lost.includes(id)));
    }
  };

  const chosen = selection.length;
  return (
    <KioskFrame
      title={t.chooseSeatsTitle}
      progress="seats"
      onBack={onBack}
      onCancel={onCancel}
      footer={
        <>
          <span className="footer-summary" aria-live="polite">
            {t.seatsChosen(chosen, wanted)}
            {chosen > 0 ? ` · ${seatListText(selection, t)}` : ''}
          </span>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void suggest()}
            disabled={busy}
          >
            {t.bestAvailable}
          </button>
          <button
            type="button"
            className="button button--primary button--large"
            disabled={busy || chosen !== wanted}
            onClick={() => void hold()}
          >
            {busy ? t.working : t.continueLabel}
          </button>
        </>
      }
    >
      <ShowingLine showing={showing} />
      {holdExpired ? <Notice tone="warning">{t.holdExpired}</Notice> : null}
      {message === undefined ? (
        <p className="hint">{t.chooseSeatsHint(wanted)}</p>
      ) : (
        <Notice tone="warning">{message}</Notice>
      )}
      <ErrorNotice error={error} context="hold" />
      {layout === undefined ? (
        <p className="loading">{t.loading}</p>
      ) : (
        <div className="seat-area">
          <SeatMap
            layout={layout}
            views={views}
            hallName={showing.hall?.name ?? ''}
            onToggle={toggle}
            mode="touch"
          />
          <SeatLegend offline={offline} />
        </div>
      )}
    </KioskFrame>
  );
}
