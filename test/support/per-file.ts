/** Set-up shared by the tests of one file: started once before them, closed once after them. */
import { afterAll, beforeAll } from 'vitest';

/**
 * Registers `beforeAll(start)` and `afterAll(close)` and returns the started value in place: the
 * object can be handed around at once, and reading it before `beforeAll` ran (at collection time,
 * say) throws naming `what`, rather than yielding `undefined`.
 */
export function perFile<T extends object>(
  what: string,
  start: () => Promise<T>,
  close: (value: T) => unknown,
  timeoutMs?: number,
): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  }, timeoutMs);
  afterAll(async () => {
    if (value !== undefined) await close(value);
  });
  const started = (): T => {
    if (value === undefined) throw new Error(`${what} is used before beforeAll started it`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(started(), key),
    has: (_, key) => Reflect.has(started(), key),
  });
}
