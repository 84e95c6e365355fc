/**
 * JSON over HTTP to a sync server's `/api/v1`, the same for a test server in this process and a
 * server process started (and killed) by the test.
 */
import { sendRaw } from './raw-http.ts';

export type Api = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown; raw?: string },
) => Promise<{ status: number; body: any }>;

/** A manager's access to a server: its API and an admin's token. */
export interface Admin {
  api: Api;
  adminToken: string;
}

/**
 * The API of the server at `baseUrl()`, asked on every call (a restarted server has a new port).
 * An answer that is not JSON throws: a test sees it at once, not as an odd `undefined` later.
 */
export function httpApi(baseUrl: () => string, options: { timeoutMs?: number } = {}): Api {
  return async (method, path, { token, body, raw } = {}) => {
    const answer = await sendRaw(baseUrl(), method, `/api/v1${path}`, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(raw === undefined ? {} : { raw }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return { status: answer.status, body: answer.text === '' ? undefined : JSON.parse(answer.text) };
  };
}

/** Signs a member of staff in and returns the session token; throws on any other answer. */
export async function signIn(api: Api, username: string, password: string): Promise<string> {
  const res = await api('POST', '/auth/login', { body: { username, password } });
  if (res.status !== 200)
    throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}

/** Throws for an answer a helper did not expect: what was asked, the status and the body. */
export function refused(what: string, res: { status: number; body: unknown }): never {
  throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}
