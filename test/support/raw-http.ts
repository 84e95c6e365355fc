/**
 * Raw HTTP for tests that must see exactly what went over the wire: any body (malformed JSON
 * included), any headers, and the answer's status, content type, text and parsed JSON (if any).
 */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

export async function sendRaw(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    token?: string | undefined;
    body?: unknown;
    raw?: string;
    /** Gives up (rejects) after this long; by default waits as long as the test does. */
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body };
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `error` object of an answer, if it has one. */
export function errorOf(answer: Answer): Record<string, unknown> | undefined {
  const error = isRecord(answer.body) ? answer.body['error'] : undefined;
  return isRecord(error) ? error : undefined;
}

export const codeOf = (answer: Answer): unknown => errorOf(answer)?.['code'];
