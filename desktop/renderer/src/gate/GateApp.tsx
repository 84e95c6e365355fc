/**
 * The entrance: continuous scanning with the camera and the hand scanner, each ticket judged by
 * the core (`ticket.admit`: online by the server, offline from the replica and recorded for
 * later), and the verdict shown across the whole screen in colour and in words. Along the side,
 * how many people each of today's showings has admitted so far, from every door.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SubmitEvent, ReactElement } from 'react';
import type { AdmitResult, ErrorBody } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { byId } from '../data/by-id.ts';
import { useDocs, useSite } from '../data/use-replica.ts';
import { formatClock, siteDate } from '../i18n/format.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import { CameraScanner } from '../scan/CameraScanner.tsx';
import { useKeyboardWedge } from '../scan/use-keyboard-wedge.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { useNow } from '../use-now.ts';
import { admissionCounts } from './admission-counts.ts';
import { verdictView } from './verdict-view.ts';

/** How long a verdict stays up unless the next scan replaces it or the usher taps it away. */
const VERDICT_MS = { go: 3_000, wait: 6_000, stop: 6_000 } as const;

interface Judged {
  result: AdmitResult;
  at: number;
}

export function GateApp(): ReactElement {
  const client = useClient();
  const { t, locale } = usePreferences();
  const site = useSite();
  const timeZone = site?.timezone;
  const now = useNow(30_000);
  const today = siteDate(now, timeZone);

  const showtimes = useDocs('showtimes');
  const movies = useDocs('movies');
  const halls = useDocs('halls');
  const tickets = useDocs('tickets');
  const admissions = useDocs('admissions');
  const ticketTypes = useDocs('ticket_types');

  const todays = useMemo(
    () =>
      (showtimes ?? [])
        // What this door can still see today: showings not over yet (including one that began
        // before midnight and is still running).
        .filter((s) => {
          const ended = Date.parse(s.endsAt) <= now;
          const started = Date.parse(s.startsAt) <= now;
          return (
            s.status !== 'cancelled' &&
            !ended &&
            (started || siteDate(Date.parse(s.startsAt), timeZone) === today)
          );
        })
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    [showtimes, today, timeZone, now],
  );
  const movieById = useMemo(() => byId(movies), [movies]);
  const hallById = useMemo(() => byId(halls), [halls]);
  const showtimeById = useMemo(() => byId(showtimes), [showtimes]);
  const counts = useMemo(() => admissionCounts(admissions ?? [], tickets ?? []), [admissions, tickets]);

  const [door, setDoor] = useState<string>('');
  const [judged, setJudged] = useState<Judged | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [manual, setManual] = useState('');

  // Scans are judged one at a time, in the order they arrived: none is dropped while the
  // previous one is with the core.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const doorRef = useRef(door);
  useEffect(() => {
    doorRef.current = door;
  }, [door]);

  // Resolves whether the scan got a verdict (false: an error was shown, the camera may try again).
  const judge = useCallback(
    (token: string): Promise<boolean> => {
      const text = token.trim();
      if (text === '') return Promise.resolve(false);
      const judged = queue.current.then(async () => {
        const showtimeId = doorRef.current === '' ? undefined : doorRef.current;
        const result = await callCore(
          client,
          'ticket.admit',
          showtimeId === undefined ? { token: text } : { token: text, showtimeId },
        );
        if (result.ok) {
          setError(undefined);
          setJudged({ result: result.value, at: Date.now() });
          return true;
        }
        setError(result.error);
        return false;
      });
      queue.current = judged.then(
        () => undefined,
        () => undefined,
      );
      return judged;
    },
    [client],
  );

  useKeyboardWedge((text) => void judge(text));

  useEffect(() => {
    if (judged === undefined) return undefined;
    const tone = verdictView(judged.result.verdict, t, undefined).tone;
    const timer = window.setTimeout(() => setJudged(undefined), VERDICT_MS[tone]);
    return () => window.clearTimeout(timer);
  }, [judged, t]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void judge(manual);
    setManual('');
  };

  const verdict = judged === undefined ? undefined : judged.result;
  const verdictShowtime =
    verdict?.showtimeId === undefined ? undefined : showtimeById.get(verdict.showtimeId);
  const view =
    verdict === undefined
      ? undefined
      : verdictView(
          verdict.verdict,
          t,
          verdict.admittedAt === undefined ? undefined : formatClock(verdict.admittedAt, locale, timeZone),
        );
  const typeName =
    verdict?.ticketType === undefined
      ? undefined
      : ((ticketTypes ?? []).find((type) => type.code === verdict.ticketType)?.names[locale] ??
        verdict.ticketType);

  return (
    <main className="screen gate">
      <section className="gate-scan" aria-label={t.scanPrompt}>
        <div className="gate-prompt">
          <h1>{t.scanPrompt}</h1>
          <p className="lead">{t.scanPromptDetail}</p>
        </div>
        <CameraScanner onScan={judge} autoStart />
        <form className="gate-manual" onSubmit={submit}>
          <label className="field">
            <span className="field-label">{t.typeCode}</span>
            <input
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={manual}
              onChange={(event) => setManual(event.target.value)}
            />
          </label>
          <button type="submit" className="button button--primary" disabled={manual.trim() === ''}>
            {t.checkTicket}
          </button>
        </form>
        <ErrorNotice error={error} context="admit" onDismiss={() => setError(undefined)} />
      </section>

      <aside className="gate-side">
        <label className="field">
          <span className="field-label">{t.doorShowtime}</span>
          <select value={door} onChange={(event) => setDoor(event.target.value)}>
            <option value="">{t.anyShowtime}</option>
            {todays.map((s) => (
              <option key={s.id} value={s.id}>
                {formatClock(s.startsAt, locale, timeZone)} · {movieById.get(s.movieId)?.titles[locale] ?? ''}{' '}
                · {hallById.get(s.hallId)?.name ?? ''}
              </option>
            ))}
          </select>
        </label>
        <h2>{t.admittedCounts}</h2>
        <table className="gate-counts">
          <tbody>
            {todays.map((s) => {
              const count = counts.get(s.id) ?? { admitted: 0, sold: 0 };
              return (
                <tr key={s.id} className={s.id === door ? 'is-door' : ''}>
                  <th scope="row">
                    <span className="gate-count-time">{formatClock(s.startsAt, locale, timeZone)}</span>
                    <span className="gate-count-film">{movieById.get(s.movieId)?.titles[locale] ?? ''}</span>
                    <span className="gate-count-hall">{hallById.get(s.hallId)?.name ?? ''}</span>
                  </th>
                  <td className="num">{t.admittedOf(count.admitted, count.sold)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </aside>

      {view === undefined || verdict === undefined ? null : (
        <div className={`verdict verdict--${view.tone}`} role="alert">
          <span className="verdict-icon" aria-hidden="true">
            {view.tone === 'go' ? '✓' : view.tone === 'wait' ? '!' : '✕'}
          </span>
          <span className="verdict-title">{view.title}</span>
          <span className="verdict-reason">{view.reason}</span>
          <span className="verdict-details">
            {verdictShowtime === undefined ? null : (
              <span>
                {formatClock(verdictShowtime.startsAt, locale, timeZone)} ·{' '}
                {movieById.get(verdictShowtime.movieId)?.titles[locale] ?? ''} ·{' '}
                {hallById.get(verdictShowtime.hallId)?.name ?? ''}
              </span>
            )}
            {verdict.seatId === undefined ? null : (
              <span className="verdict-seat">{seatDisplayName(verdict.seatId, t)}</span>
            )}
            {typeName === undefined ? null : (
              <span>
                {t.ticketType}
                {t.colon}
                {typeName}
              </span>
            )}
            {verdict.offline ? <span className="verdict-offline">{t.verdictOffline}</span> : null}
          </span>
          <button
            type="button"
            className="button button--quiet verdict-close"
            onClick={() => setJudged(undefined)}
          >
            {t.close}
          </button>
        </div>
      )}
    </main>
  );
}
