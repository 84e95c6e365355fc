/**
 * What someone typed or scanned into a lookup field: a signed ticket token (the QR code's text),
 * a ticket or order id, or a printed order code. Decided by shape, so one field serves the
 * scanner and the keyboard.
 */
import { decodeTicketToken } from '@marquee/shared';

export type LookupInput =
  | { kind: 'token'; token: string }
  | { kind: 'uuid'; id: string }
  | { kind: 'order_code'; code: string }
  | { kind: 'empty' }
  | { kind: 'unknown'; text: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Order codes as the server prints them (shared `Order.code`). */
const ORDER_CODE = /^[0-9A-Z]{6,10}$/;

export function classifyLookupInput(raw: string): LookupInput {
  // Scanners may add a trailing newline or spaces; tokens never begin or end with a space.
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (UUID.test(text)) return { kind: 'uuid', id: text.toLowerCase() };
  // Base45 is upper case; a code typed without caps lock is the same ticket, sent canonically.
  const upper = text.toUpperCase();
  if (decodeTicketToken(upper).ok) return { kind: 'token', token: upper };
  if (ORDER_CODE.test(upper)) return { kind: 'order_code', code: upper };
  return { kind: 'unknown', text };
}
