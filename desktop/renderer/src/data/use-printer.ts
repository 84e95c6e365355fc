/**
 * The terminal's printer as the core reports it: asked once, then kept current by the core's
 * `printer` events (paper out, cover open, cable pulled, queue changes).
 */
import { useEffect, useState } from 'react';
import type { PrinterStatus } from '@marquee/shared';
import { callCore, useClient } from '../app-context.ts';

export function usePrinterStatus(): PrinterStatus | undefined {
  const client = useClient();
  const [status, setStatus] = useState<PrinterStatus | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const unsubscribe = client.subscribe((event) => {
      if (event.type === 'printer') setStatus(event.status);
    });
    void callCore(client, 'printer.status', {}).then((result) => {
      if (live && result.ok) setStatus(result.value);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client]);
  return status;
}

export type PrinterSummary =
  | { kind: 'unknown' }
  | { kind: 'none' }
  | { kind: 'config_error' }
  | { kind: 'state'; state: PrinterStatus['printers'][number]['state']; attention: number; queued: number };

/** What a person needs to know about printing, from the primary printer (or the backup). */
export function summarizePrinter(status: PrinterStatus | undefined): PrinterSummary {
  if (status === undefined) return { kind: 'unknown' };
  if (status.configError !== undefined) return { kind: 'config_error' };
  const printer = status.printers.find((p) => p.role === 'primary') ?? status.printers[0];
  if (!status.configured || printer === undefined) return { kind: 'none' };
  const usable = status.printers.find((p) => p.state === 'online' || p.state === 'paper_low');
  return {
    kind: 'state',
    state: usable?.state ?? printer.state,
    attention: status.queue.attention,
    queued: status.queue.queued,
  };
}
