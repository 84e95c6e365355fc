/**
 * The renderer's Content-Security-Policy and the other security headers, built in one place so
 * Electron (`app://` protocol + `session.webRequest`) and browser mode (the bridge's HTTP server)
 * serve the UI under the same policy. Pure: no Electron, no Node.
 */

export interface CspOptions {
  /**
   * Extra sources the UI may `fetch`/open sockets to, besides its own origin. Browser mode adds its
   * own `ws://` bridge origin, because not every browser lets `'self'` cover the `ws:` scheme.
   */
  connectSrc?: readonly string[];
}

/**
 * Everything not listed is denied. The UI is one bundled SPA: its scripts and styles come from its
 * own origin only, so inline and `eval`-ed script stay blocked even if an attacker gets markup in.
 */
export function buildCsp(options: CspOptions = {}): string {
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    // React writes styles through the CSSOM (allowed); stylesheet files come from the bundle.
    'style-src': ["'self'"],
    // `data:`/`blob:`: generated QR codes and the camera scanner's canvas snapshots.
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(options.connectSrc ?? [])],
    // The camera scanner plays a MediaStream in a <video>.
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * Headers every UI response carries. `camera=(self)` keeps the door scanner working while no
 * embedded or foreign document may ask for any device.
 */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': buildCsp(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy':
      'camera=(self), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), display-capture=()',
  };
}

/**
 * Merges the policy into response headers from Electron's `onHeadersReceived`, replacing any CSP a
 * response brought (header names there keep the server's casing, so compare case-insensitively).
 */
export function withSecurityHeaders(
  headers: Readonly<Record<string, string | string[]>> | undefined,
  options: CspOptions = {},
): Record<string, string | string[]> {
  const policy = securityHeaders(options);
  const names = new Set(Object.keys(policy).map((name) => name.toLowerCase()));
  const kept = Object.entries(headers ?? {}).filter(([name]) => !names.has(name.toLowerCase()));
  return {
    ...Object.fromEntries(kept),
    ...Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, [v]])),
  };
}
