/** Kiosk step 3: how many tickets of each type, with prices. */
import type { ReactElement } from 'react';
import type { TicketType } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import { KioskFrame } from './KioskFrame.tsx';
import { changeCount, partySize } from './party.ts';
import type { PartyCounts } from './party.ts';
import type { Showing } from '../data/use-showing.ts';

export function PartyScreen({
  showing,
  ticketTypes,
  prices,
  currency,
  counts,
  limit,
  onCounts,
  onContinue,
  onBack,
  onCancel,
}: {
  showing: Showing;
  ticketTypes: readonly TicketType[];
  prices: ReadonlyMap<string, number>;
  currency: string | undefined;
  counts: PartyCounts;
  limit: number;
  onCounts: (counts: PartyCounts) => void;
  onContinue: () => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  const size = partySize(counts);
  return (
    <KioskFrame
      title={t.partyTitle}
      progress="tickets"
      onBack={onBack}
      onCancel={onCancel}
      footer={
        <>
          <span className="footer-summary" aria-live="polite">
            {t.ticketCount(size)}
          </span>
          <button
            type="button"
            className="button button--primary button--large"
            disabled={size === 0}
            onClick={onContinue}
          >
            {t.continueLabel}
          </button>
        </>
      }
    >
      <ShowingLine showing={showing} />
      <p className="hint">{t.partyLimit(limit)}</p>
      <ul className="party-list">
        {ticketTypes.map((type) => {
          const count = counts[type.id] ?? 0;
          const price = prices.get(type.id);
          const name = type.names[locale];
          return (
            <li key={type.id} className="party-row">
              <div className="party-type">
                <span className="party-name">{name}</span>
                {price === undefined || currency === undefined ? null : (
                  <span className="party-price">
                    {t.priceFrom(formatMoney({ amount: price, currency }, locale))}
                  </span>
                )}
                {type.requiresProof ? <span className="party-proof">{t.proofNeeded}</span> : null}
              </div>
              <div className="stepper">
                <button
                  type="button"
                  className="stepper-button"
                  aria-label={t.removeOne(name)}
                  disabled={count === 0}
                  onClick={() => onCounts(changeCount(counts, type.id, -1, limit))}
                >
                  −
                </button>
                <output className="stepper-value" aria-live="polite" aria-label={name}>
                  {count}
                </output>
                <button
                  type="button"
                  className="stepper-button"
                  aria-label={t.addOne(name)}
                  disabled={size >= limit}
                  onClick={() => onCounts(changeCount(counts, type.id, 1, limit))}
                >
                  +
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </KioskFrame>
  );
}
