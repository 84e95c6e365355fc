/**
 * The frame of every kiosk step after the attract screen: where the customer is in the purchase,
 * a Back and a Cancel that are always in the same place, and the display options.
 */
import type { ReactElement, ReactNode } from 'react';
import { usePreferences } from '../app-context.ts';
import { DisplayToggles } from '../ui/DisplayToggles.tsx';

export type KioskProgress = 'film' | 'time' | 'tickets' | 'seats' | 'pay';

const PROGRESS: readonly KioskProgress[] = ['film', 'time', 'tickets', 'seats', 'pay'];

export function KioskFrame({
  title,
  progress,
  onBack,
  onCancel,
  children,
  footer,
}: {
  title: string;
  progress?: KioskProgress;
  onBack?: (() => void) | undefined;
  onCancel?: (() => void) | undefined;
  children: ReactNode;
  footer?: ReactNode;
}): ReactElement {
  const { t } = usePreferences();
  const labels: Record<KioskProgress, string> = {
    film: t.stepFilm,
    time: t.stepTime,
    tickets: t.stepTickets,
    seats: t.stepSeats,
    pay: t.stepPay,
  };
  const at = progress === undefined ? -1 : PROGRESS.indexOf(progress);
  return (
    <main className="screen kiosk-frame">
      <div className="kiosk-top">
        <div className="kiosk-nav">
          {onBack === undefined ? null : (
            <button type="button" className="button button--nav" onClick={onBack}>
              <span aria-hidden="true">‹ </span>
              {t.back}
            </button>
          )}
        </div>
        {progress === undefined ? null : (
          <ol className="kiosk-progress">
            {PROGRESS.map((step, index) => (
              <li
                key={step}
                className={index < at ? 'is-done' : index === at ? 'is-current' : ''}
                aria-current={index === at ? 'step' : undefined}
              >
                <span className="progress-dot" aria-hidden="true">
                  {index < at ? '✓' : index + 1}
                </span>
                {labels[step]}
              </li>
            ))}
          </ol>
        )}
        <div className="kiosk-nav kiosk-nav--end">
          <DisplayToggles compact />
          {onCancel === undefined ? null : (
            <button type="button" className="button button--nav button--cancel" onClick={onCancel}>
              <span aria-hidden="true">✕ </span>
              {t.cancelPurchase}
            </button>
          )}
        </div>
      </div>
      <h1 className="kiosk-title">{title}</h1>
      <div className="kiosk-body">{children}</div>
      {footer === undefined ? null : <div className="kiosk-footer">{footer}</div>}
    </main>
  );
}
