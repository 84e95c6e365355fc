/** The key to the seat map: each state and each seat kind, drawn exactly as the map draws it. */
import type { ReactElement } from 'react';
import type { SeatKind } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { SeatShape, StateMark, kindText } from './SeatMap.tsx';
import type { SeatDisplayState } from './seat-states.ts';

function Sample({ state, kind }: { state: SeatDisplayState; kind: SeatKind }): ReactElement {
  if (kind === 'loveseat-left' || kind === 'loveseat-right') {
    // A loveseat only reads as one when both halves are drawn together.
    return (
      <svg
        className={`legend-seat legend-seat--pair seat seat--${state} seat-kind--${kind}`}
        viewBox="0 0 96 52"
        aria-hidden="true"
      >
        <SeatShape kind="loveseat-left" />
        <g transform="translate(48 0)">
          <SeatShape kind="loveseat-right" />
        </g>
      </svg>
    );
  }
  return (
    <svg
      className={`legend-seat seat seat--${state} seat-kind--${kind}`}
      viewBox="0 0 48 52"
      aria-hidden="true"
    >
      <SeatShape kind={kind} />
      <StateMark state={state} kind={kind} />
    </svg>
  );
}

/** `offline`: also explain the seats this terminal cannot sell while it is offline. */
export function SeatLegend({ offline = false }: { offline?: boolean }): ReactElement {
  const { t } = usePreferences();
  const states: (readonly [SeatDisplayState, string])[] = [
    ['free', t.legendFree],
    ['selected', t.legendSelected],
    ['held', t.legendHeld],
    ['sold', t.legendSold],
    ['leased', t.legendLeased],
    ['blocked', t.legendBlocked],
    ...(offline ? ([['offline', t.legendOffline]] as const) : []),
  ];
  const kinds: SeatKind[] = ['standard', 'premium', 'wheelchair', 'companion', 'loveseat-left'];
  return (
    <section className="seat-legend" aria-label={t.legend}>
      <ul className="legend-list">
        {states.map(([state, label]) => (
          <li key={state}>
            <Sample state={state} kind="standard" />
            <span>{label}</span>
          </li>
        ))}
      </ul>
      <ul className="legend-list">
        {kinds.map((kind) => (
          <li key={kind}>
            <Sample state="free" kind={kind} />
            <span>{kindText(kind, t)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
