/**
 * Looking an order up at the counter and refunding it. A scanned ticket (its signed token) or a
 * typed ticket or order id finds the order in the replicated tickets; the cashier ticks the
 * tickets to refund and a supervisor approves. The list repaints from replication when the refund
 * lands, here and on every other terminal.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SubmitEvent, ReactElement } from 'react';
import type { ErrorBody } from '@marquee/shared';
import { formatMoney } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { byId } from '../data/by-id.ts';
import { useDocs, useReplica, useSite } from '../data/use-replica.ts';
import { useShowing } from '../data/use-showing.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import { classifyLookupInput } from '../scan/lookup-input.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';

export interface ScanRequest {
  text: string;
  /** Distinguishes two scans of the same ticket. */
  at: number;
}

export function LookupPanel({
  active,
  scan,
}: {
  active: boolean;
  scan: ScanRequest | undefined;
}): ReactElement {
  const client = useClient();
  const replica = useReplica();
  const site = useSite();
  const { t, locale } = usePreferences();
  const [text, setText] = useState('');
  const [orderId, setOrderId] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [supervisor, setSupervisor] = useState('');
  const [password, setPassword] = useState('');
  const [refunded, setRefunded] = useState<number | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);

  // An id no document has: the query must never fall back to "all tickets".
  const tickets = useDocs('tickets', { orderId: orderId ?? '-' });
  const ticketTypes = useDocs('ticket_types');
  const typeById = useMemo(() => byId(ticketTypes), [ticketTypes]);
  const ordered = useMemo(
    () => [...(tickets ?? [])].sort((a, b) => a.seatId.localeCompare(b.seatId, undefined, { numeric: true })),
    [tickets],
  );
  const showing = useShowing(ordered[0]?.showtimeId);
  const currency = site?.currency ?? 'CNY';
  const money = (amount: number): string => formatMoney({ amount, currency }, locale);
  const refundAmount = ordered
    .filter((ticket) => checked.has(ticket.id))
    .reduce((sum, ticket) => sum + ticket.price, 0);

  useEffect(() => {
    if (active) inputRef.current?.focus();
  }, [active]);

  const show = (id: string): void => {
    setOrderId(id);
    setChecked(new Set());
    setRefunded(undefined);
  };

  const lookUp = async (raw: string): Promise<void> => {
    setMessage(undefined);
    setError(undefined);
    const input = classifyLookupInput(raw);
    const collection = replica?.collection('tickets');
    switch (input.kind) {
      case 'empty':
        return;
      case 'order_code': {
        // Printed order codes live on the server; the replica only knows tickets by id.
        setBusy(true);
        const result = await callCore(client, 'order.lookup', { code: input.code });
        setBusy(false);
        if (!result.ok) {
          if (result.error.code === 'not_found') setMessage(t.lookupNotFound);
          else setError(result.error);
          return;
        }
        show(result.value.id);
        return;
      }
      case 'unknown':
        setMessage(t.lookupNotFound);
        return;
      case 'uuid': {
        // toJSON: an RxDocument only has accessors for fields its schema declares (just `id`).
        const ticket = (await collection?.findOne(input.id).exec())?.toJSON();
        if (ticket !== undefined) {
          show(ticket.orderId);
          return;
        }
        const ofOrder = await collection?.findOne({ selector: { orderId: input.id } }).exec();
        if (ofOrder === null || ofOrder === undefined) setMessage(t.lookupNotFound);
        else show(input.id);
        return;
      }
      case 'token': {
        setBusy(true);
        const result = await callCore(client, 'ticket.lookup', { token: input.token });
        setBusy(false);
        if (!result.ok) {
          setError(result.error);
          return;
        }
        if (result.value.verdict === 'invalid' || result.value.ticketId === undefined) {
          setMessage(t.lookupNotFound);
          return;
        }
        const ticket = (await collection?.findOne(result.value.ticketId).exec())?.toJSON();
        if (ticket === undefined) setMessage(t.lookupNotReplicated);
        else show(ticket.orderId);
        return;
      }
    }
  };

  // A scan from the hand scanner anywhere in the box office lands here.
  const lastScan = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (scan === undefined || scan.at === lastScan.current) return;
    lastScan.current = scan.at;
    setText(scan.text);
    void lookUp(scan.text);
  });

  const refund = async (): Promise<void> => {
    if (orderId === undefined) return;
    if (checked.size === 0) {
      setMessage(t.chooseTickets);
      return;
    }
    if (supervisor.trim() === '' || password === '') {
      setMessage(t.supervisorRequired);
      return;
    }
    setBusy(true);
    setMessage(undefined);
    setError(undefined);
    // The supervisor's own login approves it; the server checks the role and audits their name.
    const amount = refundAmount;
    const result = await callCore(client, 'order.refund', {
      orderId,
      ticketIds: [...checked],
      approval: { username: supervisor.trim().toLowerCase(), password },
    });
    setBusy(false);
    setPassword('');
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setRefunded(amount);
    setChecked(new Set());
  };

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void lookUp(text);
  };

  return (
    <div className="bo-lookup">
      <form className="bo-lookup-form" onSubmit={submit}>
        <label className="field">
          <span className="field-label">{t.lookupLabel}</span>
          <input
            ref={inputRef}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t.lookupSubmit}
        </button>
      </form>
      {message === undefined ? null : <Notice tone="warning">{message}</Notice>}
      <ErrorNotice error={error} context="refund" />
      {refunded === undefined ? null : <Notice tone="success">{t.refundDone(money(refunded))}</Notice>}
      {orderId === undefined || ordered.length === 0 ? null : (
        <section className="bo-order" aria-label={t.orderTickets}>
          {showing === undefined ? null : <ShowingLine showing={showing} />}
          <table className="order-lines">
            <caption>{t.orderTickets}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{t.refundSelected}</span>
                </th>
                <th scope="col">{t.seat}</th>
                <th scope="col">{t.ticketType}</th>
                <th scope="col" className="num">
                  {t.price}
                </th>
                <th scope="col">{t.ticketStatus}</th>
              </tr>
            </thead>
            <tbody>
              {ordered.map((ticket) => (
                <tr key={ticket.id} className={ticket.status === 'valid' ? '' : 'is-inactive'}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={seatDisplayName(ticket.seatId, t)}
                      disabled={ticket.status !== 'valid'}
                      checked={checked.has(ticket.id)}
                      onChange={(event) => {
                        const next = new Set(checked);
                        if (event.target.checked) next.add(ticket.id);
                        else next.delete(ticket.id);
                        setChecked(next);
                      }}
                    />
                  </td>
                  <td>{seatDisplayName(ticket.seatId, t)}</td>
                  <td>{typeById.get(ticket.ticketTypeId)?.names[locale] ?? ''}</td>
                  <td className="num">{money(ticket.price)}</td>
                  <td>
                    <span className={`status-badge status-badge--${ticket.status}`}>
                      {ticket.status === 'valid'
                        ? t.ticketValid
                        : ticket.status === 'refunded'
                          ? t.ticketRefunded
                          : t.ticketVoided}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <fieldset className="approval">
            <legend>{t.supervisorApproval}</legend>
            <label className="field">
              <span className="field-label">{t.supervisorUser}</span>
              <input
                type="text"
                autoComplete="off"
                value={supervisor}
                onChange={(event) => setSupervisor(event.target.value)}
              />
            </label>
            <label className="field">
              <span className="field-label">{t.supervisorPassword}</span>
              <input
                type="password"
                autoComplete="off"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </label>
          </fieldset>
          <button
            type="button"
            className="button button--danger button--large"
            disabled={busy || checked.size === 0}
            onClick={() => void refund()}
          >
            {checked.size === 0 ? t.refundSelected : t.refundTotal(money(refundAmount))}
          </button>
        </section>
      )}
    </div>
  );
}
