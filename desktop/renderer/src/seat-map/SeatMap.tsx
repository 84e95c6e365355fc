/**
 * Just over 400 lines: drawing, zoom/pan and keyboard navigation share the one map's geometry.
 *
 * A hall's seat map as SVG: real layouts with aisles and cross aisles, the screen at the top,
 * every seat kind with its own shape, every state with its own colour and mark (so it reads
 * without colour vision), zoom and pan for big halls, touch targets of at least 44 px on the
 * kiosk, and arrow-key navigation with Space/Enter to choose for the box office. The states come
 * from `seatViews` over the replicated seat map, so the drawing repaints when another terminal
 * takes a seat.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactElement, RefObject } from 'react';
import type { HallLayout, SeatId, SeatKind } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import type { Strings } from '../i18n/strings.ts';
import {
  DESK_MIN_SCALE,
  KEY_DIRECTIONS,
  KIOSK_MIN_SCALE,
  MAX_SCALE,
  ROW_PITCH,
  SEAT_PITCH,
  fitScale,
  neighbourSeat,
  seatMapGeometry,
  zoomStep,
} from './seat-geometry.ts';
import type { PlacedSeat } from './seat-geometry.ts';
import { SELECTABLE_STATES } from './seat-states.ts';
import type { SeatDisplayState } from './seat-states.ts';

export interface SeatMapProps {
  layout: HallLayout;
  views: ReadonlyMap<SeatId, SeatDisplayState>;
  hallName: string;
  onToggle: (seatId: SeatId) => void;
  /** touch: kiosk (large targets, pan); keyboard: box office (denser, arrow keys first). */
  mode: 'touch' | 'keyboard';
  /** Called with the focused seat, so a cashier's "best available" can start from it. */
  onFocusSeat?: (seatId: SeatId) => void;
  /** Ref to focus the map from a shortcut key. */
  focusRef?: RefObject<SVGSVGElement | null>;
}

export function stateText(state: SeatDisplayState, t: Strings): string {
  switch (state) {
    case 'free':
      return t.stateFree;
    case 'selected':
      return t.stateSelected;
    case 'mine':
      return t.stateMine;
    case 'held':
      return t.stateHeld;
    case 'sold':
      return t.stateSold;
    case 'leased':
      return t.stateLeased;
    case 'blocked':
      return t.stateBlocked;
    case 'offline':
      return t.stateOffline;
  }
}

export function kindText(kind: SeatKind, t: Strings): string {
  switch (kind) {
    case 'standard':
      return t.kindStandard;
    case 'premium':
      return t.kindPremium;
    case 'wheelchair':
      return t.kindWheelchair;
    case 'companion':
      return t.kindCompanion;
    case 'loveseat-left':
    case 'loveseat-right':
      return t.kindLoveseat;
  }
}

/** The seat's outline in its cell (48 × 52): the shape tells the kind. */
export function SeatShape({ kind }: { kind: SeatKind }): ReactElement {
  switch (kind) {
    case 'wheelchair':
      return <circle className="seat-body" cx={24} cy={26} r={19} />;
    case 'loveseat-left':
      // Open towards its partner on the right, so the pair reads as one sofa.
      return <path className="seat-body" d="M 48 6 H 13 Q 4 6 4 15 V 37 Q 4 46 13 46 H 48 Z" />;
    case 'loveseat-right':
      return <path className="seat-body" d="M 0 6 H 35 Q 44 6 44 15 V 37 Q 44 46 35 46 H 0 Z" />;
    case 'premium':
      return (
        <>
          <rect className="seat-body" x={4} y={6} width={40} height={40} rx={9} />
          <path className="seat-kind-mark" d="M 12 14 L 16 19 L 24 12 L 32 19 L 36 14 L 35 22 H 13 Z" />
        </>
      );
    case 'companion':
      return (
        <>
          <rect className="seat-body" x={4} y={6} width={40} height={40} rx={9} />
          <circle className="seat-kind-mark" cx={17} cy={15} r={3} />
          <circle className="seat-kind-mark" cx={31} cy={15} r={3} />
        </>
      );
    case 'standard':
      return <rect className="seat-body" x={4} y={6} width={40} height={40} rx={9} />;
  }
}

/** The state mark drawn over the shape: a tick, a cross, a bar. */
export function StateMark({ state, kind }: { state: SeatDisplayState; kind: SeatKind }): ReactElement | null {
  switch (state) {
    case 'selected':
    case 'mine':
      return <path className="seat-mark seat-mark--tick" d="M 14 27 L 21 34 L 35 19" />;
    case 'sold':
      return <path className="seat-mark seat-mark--cross" d="M 15 17 L 33 35 M 33 17 L 15 35" />;
    case 'blocked':
      return <path className="seat-mark seat-mark--bar" d="M 14 26 H 34" />;
    case 'free':
      return kind === 'wheelchair' ? <WheelchairGlyph /> : null;
    case 'held':
    case 'leased':
    case 'offline':
      return null;
  }
}

function WheelchairGlyph(): ReactElement {
  return (
    <g className="seat-glyph">
      <circle cx={22} cy={14} r={3} />
      <path d="M 22 18 V 28 H 30 L 33 35 M 18 24 A 8 8 0 1 0 28 34" />
    </g>
  );
}

/**
 * Hatching for held seats and dots for leased ones: patterns, not only colours. Rendered once per
 * page (ids must be unique) and referenced from the stylesheet.
 */
export function SeatPatterns(): ReactElement {
  return (
    <svg className="svg-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        <pattern
          id="seat-hatch"
          width="8"
          height="8"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect className="pattern-hatch-bg" width="8" height="8" />
          <line className="pattern-hatch-line" x1="0" y1="0" x2="0" y2="8" />
        </pattern>
        <pattern id="seat-dots" width="8" height="8" patternUnits="userSpaceOnUse">
          <rect className="pattern-dots-bg" width="8" height="8" />
          <circle className="pattern-dots-dot" cx="4" cy="4" r="1.6" />
        </pattern>
      </defs>
    </svg>
  );
}

interface SeatCellProps {
  seat: PlacedSeat;
  state: SeatDisplayState;
  focusable: boolean;
  numbers: boolean;
  t: Strings;
  onSeatFocus: (id: SeatId) => void;
  onSeatClick: (id: SeatId, selectable: boolean) => void;
}

const SeatCell = memo(function SeatCell({
  seat,
  state,
  focusable,
  numbers,
  t,
  onSeatFocus,
  onSeatClick,
}: SeatCellProps): ReactElement {
  const selectable = SELECTABLE_STATES.has(state);
  const pressed = state === 'selected' || state === 'mine';
  return (
    <g
      data-seat={seat.id}
      id={`seat-${seat.id}`}
      className={`seat seat--${state} seat-kind--${seat.kind}`}
      transform={`translate(${seat.x} ${seat.y})`}
      role="button"
      tabIndex={focusable ? 0 : -1}
      aria-label={t.seatAria(t.seatName(seat.row, seat.label), stateText(state, t), kindText(seat.kind, t))}
      aria-pressed={pressed}
      aria-disabled={!selectable}
      onFocus={() => onSeatFocus(seat.id)}
      onClick={() => onSeatClick(seat.id, selectable)}
    >
      {/* The whole cell answers a tap: this is the ≥ 44 px target on the kiosk. */}
      <rect className="seat-hit" width={SEAT_PITCH} height={ROW_PITCH} />
      <SeatShape kind={seat.kind} />
      <StateMark state={state} kind={seat.kind} />
      {state === 'free' && seat.kind !== 'wheelchair' && numbers ? (
        <text className="seat-number" x={24} y={31} textAnchor="middle" aria-hidden="true">
          {seat.label}
        </text>
      ) : null}
      <rect className="seat-focus" x={1} y={3} width={46} height={46} rx={11} />
    </g>
  );
});

export function SeatMap({
  layout,
  views,
  hallName,
  onToggle,
  mode,
  onFocusSeat,
  focusRef,
}: SeatMapProps): ReactElement {
  const { t } = usePreferences();
  const geometry = useMemo(() => seatMapGeometry(layout), [layout]);
  const minScale = mode === 'touch' ? KIOSK_MIN_SCALE : DESK_MIN_SCALE;
  const viewportRef = useRef<HTMLDivElement>(null);
  const ownSvgRef = useRef<SVGSVGElement>(null);
  const svgRef = focusRef ?? ownSvgRef;
  const [scale, setScale] = useState(1);
  const [userZoomed, setUserZoomed] = useState(false);
  const previousScale = useRef(scale);

  const firstChosen = useMemo(
    () =>
      geometry.seats.find((s) => {
        const state = views.get(s.id);
        return state === 'selected' || state === 'mine';
      }),
    [geometry, views],
  );
  const firstChosenId = firstChosen?.id;
  const firstSelectable = useMemo(() => {
    if (firstChosen !== undefined) return firstChosen.id;
    // Start in the middle of the hall rather than at seat A1.
    const middle = geometry.rows[Math.floor(geometry.rows.length / 2)]?.seats;
    return middle?.[Math.floor(middle.length / 2)]?.id ?? geometry.seats[0]?.id;
  }, [geometry, firstChosen]);
  const [focused, setFocused] = useState<SeatId | undefined>(undefined);
  const focusedId = focused !== undefined && geometry.byId.has(focused) ? focused : firstSelectable;

  // Fit the hall to the viewport until the person zooms by hand.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null || userZoomed) return undefined;
    const fit = (): void => {
      setScale(
        fitScale(
          geometry,
          { width: viewport.clientWidth, height: viewport.clientHeight },
          minScale,
          mode === 'touch' ? MAX_SCALE : 1.4,
        ),
      );
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, [geometry, minScale, mode, userZoomed]);

  // Zoom about the centre of what is on screen, not the top-left corner.
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    const before = previousScale.current;
    previousScale.current = scale;
    if (viewport === null || before === scale) return;
    const ratio = scale / before;
    viewport.scrollLeft = (viewport.scrollLeft + viewport.clientWidth / 2) * ratio - viewport.clientWidth / 2;
    viewport.scrollTop = (viewport.scrollTop + viewport.clientHeight / 2) * ratio - viewport.clientHeight / 2;
  }, [scale]);

  // Bring the chosen seats into view when they change (best available may pick seats at the back
  // of a hall that is too big to show whole), unless they are on screen already.
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null || firstChosen === undefined) return;
    const x = firstChosen.cx * scale;
    const y = firstChosen.cy * scale;
    const visible =
      x >= viewport.scrollLeft &&
      x <= viewport.scrollLeft + viewport.clientWidth &&
      y >= viewport.scrollTop &&
      y <= viewport.scrollTop + viewport.clientHeight;
    if (visible) return;
    viewport.scrollLeft = x - viewport.clientWidth / 2;
    viewport.scrollTop = y - viewport.clientHeight / 2;
    // Only when the chosen seat changes: zooming keeps its own centre (below).
  }, [firstChosenId]);

  const zoom = (direction: 'in' | 'out'): void => {
    setUserZoomed(true);
    setScale((current) => zoomStep(current, direction, minScale));
  };

  const moveFocus = useCallback(
    (seat: PlacedSeat) => {
      setFocused(seat.id);
      onFocusSeat?.(seat.id);
      const element = svgRef.current?.querySelector<SVGGElement>(`[data-seat="${seat.id}"]`);
      element?.focus();
      // Keep the focused seat in view in a zoomed hall.
      element?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
    [onFocusSeat, svgRef],
  );

  // Stable callbacks, so a seat whose state did not change is not re-rendered (SeatCell is memo):
  // a remote change repaints one seat, not the whole hall.
  const onToggleRef = useRef(onToggle);
  onToggleRef.current = onToggle;
  const onSeatFocus = useCallback((id: SeatId) => setFocused(id), []);
  const onSeatClick = useCallback((id: SeatId, selectable: boolean) => {
    setFocused(id);
    if (selectable) onToggleRef.current(id);
  }, []);

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>): void => {
    const direction = KEY_DIRECTIONS[event.key];
    if (direction !== undefined && focusedId !== undefined) {
      event.preventDefault();
      event.stopPropagation();
      const next = neighbourSeat(geometry, focusedId, direction);
      if (next !== undefined) moveFocus(next);
      return;
    }
    if ((event.key === ' ' || event.key === 'Enter') && focusedId !== undefined) {
      event.preventDefault();
      event.stopPropagation();
      const state = views.get(focusedId);
      if (state !== undefined && SELECTABLE_STATES.has(state)) onToggle(focusedId);
    }
  };

  const width = geometry.width * scale;
  const height = geometry.height * scale;
  const { screen } = geometry;

  return (
    <div className={`seatmap seatmap--${mode}`}>
      <div className="seatmap-viewport" ref={viewportRef}>
        <svg
          ref={svgRef}
          className="seatmap-svg"
          width={width}
          height={height}
          viewBox={`0 0 ${geometry.width} ${geometry.height}`}
          role="group"
          aria-label={t.seatMapOf(hallName)}
          onKeyDown={onKeyDown}
        >
          <path
            className="seatmap-screen"
            d={`M ${screen.x1} ${screen.y + 10} Q ${(screen.x1 + screen.x2) / 2} ${screen.y - 14} ${screen.x2} ${screen.y + 10}`}
          />
          <text
            className="seatmap-screen-label"
            x={(screen.x1 + screen.x2) / 2}
            y={screen.y + 26}
            textAnchor="middle"
          >
            {t.screen}
          </text>
          {geometry.rows.map((row) =>
            row.seats.length === 0 ? null : (
              <g key={`row-${row.label}`} className="seatmap-row-label" aria-hidden="true">
                <text x={22} y={row.y + ROW_PITCH / 2 + 6} textAnchor="middle">
                  {row.label}
                </text>
                <text x={geometry.width - 22} y={row.y + ROW_PITCH / 2 + 6} textAnchor="middle">
                  {row.label}
                </text>
              </g>
            ),
          )}
          {geometry.seats.map((seat) => (
            <SeatCell
              key={seat.id}
              seat={seat}
              state={views.get(seat.id) ?? 'blocked'}
              focusable={seat.id === focusedId}
              numbers={scale >= (mode === 'keyboard' ? 0.6 : 1.2)}
              t={t}
              onSeatFocus={onSeatFocus}
              onSeatClick={onSeatClick}
            />
          ))}
        </svg>
      </div>
      <div className="seatmap-zoom" role="group" aria-label={t.zoomFit}>
        <button
          type="button"
          className="icon-button"
          onClick={() => zoom('out')}
          aria-label={t.zoomOut}
          title={t.zoomOut}
        >
          −
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => setUserZoomed(false)}
          aria-label={t.zoomFit}
          title={t.zoomFit}
        >
          ⤢
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => zoom('in')}
          aria-label={t.zoomIn}
          title={t.zoomIn}
        >
          +
        </button>
      </div>
    </div>
  );
}
