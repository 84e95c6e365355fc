/**
 * The price of a set of order lines, from the core (`order.quote`, the same pricing the server
 * applies). Asked again whenever the lines change; an answer for old lines is dropped.
 */
import { useEffect, useState } from 'react';
import type { ErrorBody, TerminalOutput } from '@marquee/shared';
import { callCore, useClient } from '../app-context.ts';

export type Quote = TerminalOutput<'order.quote'>;

export function useQuote(
  showtimeId: string | undefined,
  lines: readonly { seatId: string; ticketTypeId: string }[] | undefined,
): { quote: Quote | undefined; error: ErrorBody | undefined; refresh: () => void } {
  const client = useClient();
  const [quote, setQuote] = useState<Quote | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [round, setRound] = useState(0);
  const key = showtimeId === undefined || lines === undefined || lines.length === 0 ? '' : JSON.stringify([showtimeId, lines]);
  useEffect(() => {
    setQuote(undefined);
    setError(undefined);
    if (key === '') return undefined;
    let live = true;
    const [id, body] = JSON.parse(key) as [string, { seatId: string; ticketTypeId: string }[]];
    void callCore(client, 'order.quote', { showtimeId: id, lines: body }).then((result) => {
      if (!live) return;
      if (result.ok) setQuote(result.value);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [client, key, round]);
  return { quote, error, refresh: () => setRound((n) => n + 1) };
}
