/**
 * Where the Electron UI lives: a privileged custom scheme (`app://marquee/…`) served from the
 * packed `dist/renderer`, rather than `file://`, because every `file:` page shares one origin with
 * the whole disk. Every trust decision (IPC sender, permissions, navigation) asks `isAppUrl`.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'marquee';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True for URLs of the app's own pages. Compares scheme and host instead of `URL.origin`, which
 * is the opaque `"null"` for custom schemes in Node and would make every custom URL look alike.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (typeof url !== 'string' || url === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
