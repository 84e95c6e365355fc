import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders, withSecurityHeaders } from './csp.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('the renderer content security policy', () => {
  it('denies by default and allows script only from the app itself (no inline, no eval)', () => {
    const csp = directives(buildCsp());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    for (const sources of csp.values()) {
      expect(sources).not.toContain("'unsafe-inline'");
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain('*');
    }
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('lets browser mode reach only its own bridge socket', () => {
    const csp = directives(buildCsp({ connectSrc: ['ws://127.0.0.1:5174'] }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5174']);
  });

  it('sends nosniff, no referrer, no framing, and camera for the app only', () => {
    const headers = securityHeaders();
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['Permissions-Policy']).toContain('camera=(self)');
    expect(headers['Permissions-Policy']).toContain('microphone=()');
  });

  it('replaces a response CSP whatever its casing, keeping other headers', () => {
    const merged = withSecurityHeaders({
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(merged['content-security-policy']).toBeUndefined();
    expect(merged['Content-Security-Policy']).toEqual([buildCsp()]);
    expect(merged['Content-Type']).toEqual(['text/html']);
  });
});
