/** Waiting for real components (sockets, replicas, printers, processes) that get there on their own time. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `predicate` holds, asking again every `intervalMs`; rejects after `timeoutMs` with
 * an error that names `what` was awaited.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
