/**
 * The strip along the top of every screen: is this terminal online (and since when), is anything
 * waiting in its outbox, how many seats it could still sell offline, and the printer. Staff read
 * it at a glance; on the kiosk it stays small.
 */
import type { ReactElement } from 'react';
import type { TerminalStatus } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { useSite } from '../data/use-replica.ts';
import { formatClock, formatDuration } from '../i18n/format.ts';
import type { Strings } from '../i18n/strings.ts';
import { summarizePrinter, usePrinterStatus } from '../data/use-printer.ts';
import { useNow } from '../use-now.ts';
import { DisplayToggles } from './DisplayToggles.tsx';

function connectionText(status: TerminalStatus, t: Strings): string {
  switch (status.connection) {
    case 'online':
      return t.connectionOnline;
    case 'offline':
      return t.connectionOffline;
    case 'connecting':
      return t.connectionConnecting;
    case 'not_enrolled':
      return t.connectionNotEnrolled;
  }
}

function profileText(status: TerminalStatus, t: Strings): string {
  switch (status.profile) {
    case 'kiosk':
      return t.profileKiosk;
    case 'box_office':
      return t.profileBoxOffice;
    case 'gate':
      return t.profileGate;
    case undefined:
      return t.appName;
  }
}

function PrinterItem(): ReactElement {
  const { t } = usePreferences();
  const printer = summarizePrinter(usePrinterStatus());
  switch (printer.kind) {
    case 'unknown':
      return <li className="status-item status-item--muted">{t.printerNotReported}</li>;
    case 'none':
      return <li className="status-item status-item--muted">{t.printerNone}</li>;
    case 'config_error':
      return <li className="status-item status-item--bad">{t.printerConfigError}</li>;
    case 'state': {
      const bad =
        printer.state === 'paper_out' || printer.state === 'cover_open' || printer.state === 'offline';
      const waiting = [
        printer.queued > 0 ? t.printerQueued(printer.queued) : '',
        printer.attention > 0 ? t.printerAttention(printer.attention) : '',
      ]
        .filter((part) => part !== '')
        .join(' · ');
      return (
        <li
          className={`status-item${bad || printer.attention > 0 ? ' status-item--bad' : printer.state === 'paper_low' ? ' status-item--warn' : ''}`}
          data-testid="printer-status"
        >
          {
            {
              online: t.printerOnline,
              paper_low: t.printerPaperLow,
              paper_out: t.printerPaperOut,
              cover_open: t.printerCoverOpen,
              offline: t.printerOffline,
            }[printer.state]
          }
          {waiting === '' ? null : ` · ${waiting}`}
        </li>
      );
    }
  }
}

export function StatusBar({
  status,
  bridgeLost,
  showToggles,
}: {
  status: TerminalStatus | undefined;
  bridgeLost: boolean;
  showToggles: boolean;
}): ReactElement {
  const { t, locale } = usePreferences();
  const site = useSite();
  const now = useNow(15_000);
  const since = status === undefined ? undefined : Date.parse(status.since);
  const selling = status?.profile === 'kiosk' || status?.profile === 'box_office';

  return (
    <header className="status-bar">
      <div className="status-brand">
        <span className="brand-mark" aria-hidden="true">
          ★
        </span>
        <span className="brand-name">{site?.name ?? t.appName}</span>
        {status?.name === undefined ? null : (
          <span className="status-terminal">
            {status.name} · {profileText(status, t)}
          </span>
        )}
      </div>
      <ul className="status-items" aria-label={t.appName}>
        {bridgeLost ? (
          <li className="status-item status-item--bad">
            <span role="alert">{t.bridgeLost}</span>
          </li>
        ) : status === undefined ? null : (
          <li className={`status-item status-conn status-conn--${status.connection}`}>
            <span role="status">
              <span className="status-dot" aria-hidden="true" />
              <strong>{connectionText(status, t)}</strong>
              {since === undefined || Number.isNaN(since) || status.connection === 'not_enrolled' ? null : (
                <span className="status-detail">
                  {' '}
                  {t.connectionSince(formatClock(since, locale, site?.timezone))}
                  {status.connection === 'offline'
                    ? ` · ${t.connectionFor(formatDuration(now - since, locale))}`
                    : ''}
                </span>
              )}
            </span>
          </li>
        )}
        {status === undefined || !status.enrolled ? null : (
          <li
            className={`status-item${status.rejectedOutbox > 0 ? ' status-item--bad' : status.pendingOutbox > 0 ? ' status-item--warn' : ''}`}
          >
            {status.pendingOutbox === 0 && status.rejectedOutbox === 0 ? t.outboxClear : null}
            {status.pendingOutbox > 0 ? t.outboxPending(status.pendingOutbox) : null}
            {status.pendingOutbox > 0 && status.rejectedOutbox > 0 ? ' · ' : null}
            {status.rejectedOutbox > 0 ? t.outboxRejected(status.rejectedOutbox) : null}
          </li>
        )}
        {status !== undefined && selling ? (
          <li className="status-item">{t.leaseSeats(status.leaseSeatsLeft)}</li>
        ) : null}
        {selling ? <PrinterItem /> : null}
      </ul>
      {showToggles ? <DisplayToggles compact /> : null}
    </header>
  );
}
