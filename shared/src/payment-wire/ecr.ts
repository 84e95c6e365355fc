/**
 * The till ⇄ card-terminal (ECR) serial protocol, pure: framing, the incremental frame decoder and
 * the message bodies. The till's driver (`desktop/core/src/payments/card-terminal.ts`) and the
 * simulated terminal (`payment-sandbox/`) both speak exactly this.
 *
 * Framing, as most ECR protocols do it (PAYMENTS.md):
 *
 *     STX body… ETX LRC        LRC = XOR of every byte after STX up to and including ETX
 *
 * The receiver answers a good frame with ACK and a damaged one with NAK; the sender retransmits a
 * NAKed or unanswered frame after {@link ECR_ACK_TIMEOUT_MS}, at most {@link ECR_MAX_RETRANSMITS}
 * times. A body is printable ASCII with FS (0x1C) between fields, so STX, ETX, ACK and NAK never
 * occur inside one and the decoder can always find the next frame after line noise. The LRC byte
 * itself may be any value, which is why the decoder reads it by position, not by value.
 */
import { z } from 'zod';
import { asciiDecode, asciiEncode } from '../encoding.ts';
import { fail, MarqueeError, missingCase, ok, type Result } from '../errors.ts';

export const STX = 0x02;
export const ETX = 0x03;
export const ACK = 0x06;
export const NAK = 0x15;
/** Field separator inside a body. */
export const FS = 0x1c;

/** Longest body a frame may carry; a longer run is noise (or a runaway sender) and is dropped. */
export const ECR_MAX_BODY = 512;
/** How long a sender waits for ACK/NAK before it retransmits. */
export const ECR_ACK_TIMEOUT_MS = 1000;
/** Retransmissions after the first send before the sender gives up (the link is unavailable). */
export const ECR_MAX_RETRANSMITS = 3;

export function isBodyByte(byte: number): boolean {
  return byte === FS || (byte >= 0x20 && byte <= 0x7e);
}

/** XOR of the bytes (the caller includes ETX). */
export function lrc(bytes: Iterable<number>): number {
  let value = 0;
  for (const byte of bytes) value ^= byte;
  return value;
}

/** One frame on the wire. A body byte outside printable ASCII and FS is a programming error. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length > ECR_MAX_BODY) {
    throw new MarqueeError('validation_failed', `an ECR body is at most ${ECR_MAX_BODY} bytes`);
  }
  const frame = new Uint8Array(body.length + 3);
  frame[0] = STX;
  for (const [i, byte] of body.entries()) {
    if (!isBodyByte(byte)) {
      throw new MarqueeError('validation_failed', `byte 0x${byte.toString(16)} cannot be in an ECR body`);
    }
    frame[i + 1] = byte;
  }
  frame[body.length + 1] = ETX;
  frame[body.length + 2] = lrc(body) ^ ETX;
  return frame;
}

// ---------------------------------------------------------------------------------------------
// Decoder: a pure state machine, bytes in → events out

export type EcrDecoderState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'body'; readonly body: readonly number[] }
  | { readonly phase: 'lrc'; readonly body: readonly number[] };

export const ECR_DECODER_START: EcrDecoderState = { phase: 'idle' };

export type EcrCorruption = 'lrc' | 'byte' | 'length';

export type EcrEvent =
  /** A whole frame whose LRC matched: answer ACK. */
  | { readonly kind: 'frame'; readonly body: Uint8Array }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nak' }
  /** A frame that started but arrived damaged: answer NAK so the sender repeats it. */
  | { readonly kind: 'corrupt'; readonly reason: EcrCorruption }
  /** Bytes that belong to no frame (line noise, a frame cut short by a new STX). */
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array };

/**
 * Feeds `chunk` to the decoder. Returns the next state and what the bytes meant, in order; bytes
 * may arrive split anywhere. The state is never mutated, so a caller can keep it in a reducer.
 */
export function decodeEcr(
  state: EcrDecoderState,
  chunk: Uint8Array,
): { state: EcrDecoderState; events: EcrEvent[] } {
  const events: EcrEvent[] = [];
  let garbage: number[] = [];
  const flushGarbage = (): void => {
    if (garbage.length > 0) events.push({ kind: 'garbage', bytes: Uint8Array.from(garbage) });
    garbage = [];
  };
  let phase = state.phase;
  let body: number[] = state.phase === 'idle' ? [] : [...state.body];

  for (const byte of chunk) {
    switch (phase) {
      case 'idle':
        if (byte === STX) {
          flushGarbage();
          phase = 'body';
          body = [];
        } else if (byte === ACK || byte === NAK) {
          flushGarbage();
          events.push({ kind: byte === ACK ? 'ack' : 'nak' });
        } else {
          garbage.push(byte);
        }
        break;
      case 'body':
        if (byte === ETX) {
          phase = 'lrc';
        } else if (byte === STX) {
          // A new frame began before this one ended (cut off by noise, or the sender restarted):
          // the partial one is not a frame, and no NAK, because the sender has moved on.
          garbage.push(STX, ...body);
          flushGarbage();
          body = [];
        } else if (!isBodyByte(byte)) {
          events.push({ kind: 'corrupt', reason: 'byte' });
          phase = 'idle';
          body = [];
        } else if (body.length >= ECR_MAX_BODY) {
          events.push({ kind: 'corrupt', reason: 'length' });
          phase = 'idle';
          body = [];
        } else {
          body.push(byte);
        }
        break;
      case 'lrc':
        if (byte === (lrc(body) ^ ETX)) {
          events.push({ kind: 'frame', body: Uint8Array.from(body) });
          phase = 'idle';
        } else {
          events.push({ kind: 'corrupt', reason: 'lrc' });
          // A wrong "LRC" that is an STX is most likely the start of the next frame after noise
          // ended in something that looked like ETX: resynchronise on it instead of losing it.
          phase = byte === STX ? 'body' : 'idle';
        }
        body = [];
        break;
      default:
        missingCase(phase);
    }
  }
  flushGarbage();
  const next: EcrDecoderState = phase === 'idle' ? ECR_DECODER_START : { phase, body };
  return { state: next, events };
}

/** What a receiver sends back for an event: ACK for a frame, NAK for a damaged one, else nothing. */
export function ecrReplyTo(event: EcrEvent): typeof ACK | typeof NAK | undefined {
  if (event.kind === 'frame') return ACK;
  if (event.kind === 'corrupt') return NAK;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** The till's own id for a card transaction; the terminal refuses to charge one id twice. */
export const EcrTxnId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'txn id: 1–40 of A–Z a–z 0–9 _ -');
export const EcrAmount = z.number().int().min(1).max(999_999_999_999);
export const EcrCurrency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');
const AuthCode = z.string().regex(/^[A-Z0-9]{0,12}$/);
const Text = z.string().regex(/^[\x20-\x7e]{0,64}$/, 'printable ASCII, at most 64 characters');

export const EcrRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sale'), txnId: EcrTxnId, amount: EcrAmount, currency: EcrCurrency }),
  z.object({
    type: z.literal('refund'),
    txnId: EcrTxnId,
    amount: EcrAmount,
    currency: EcrCurrency,
    originalTxnId: EcrTxnId,
  }),
  /** Aborts `txnId` while it is in progress, or voids it once approved. */
  z.object({ type: z.literal('cancel'), txnId: EcrTxnId }),
  /** The last transaction's result, asked after a lost line before deciding anything. */
  z.object({ type: z.literal('status') }),
]);
export type EcrRequest = z.infer<typeof EcrRequest>;

export const EcrOperation = z.enum(['sale', 'refund', 'cancel']);
export type EcrOperation = z.infer<typeof EcrOperation>;

/**
 * `cancelled`: by the customer on the terminal (or by the till's cancel); `timeout`: the customer
 * never presented a card; `busy`: another transaction is in progress, nothing was done.
 */
export const EcrResultCode = z.enum(['approved', 'declined', 'cancelled', 'timeout', 'busy']);
export type EcrResultCode = z.infer<typeof EcrResultCode>;

const ResultFields = {
  op: EcrOperation,
  txnId: EcrTxnId,
  /** 0 for a cancel that found nothing to cancel. */
  amount: z.number().int().min(0).max(999_999_999_999),
  currency: z.union([EcrCurrency, z.literal('')]),
  /** The acquirer's approval code; empty unless approved. */
  authCode: AuthCode,
  /** What the terminal showed, e.g. `INSUFFICIENT FUNDS`. */
  message: Text,
};

export const EcrTransactionState = z.union([EcrResultCode, z.literal('in_progress')]);
export type EcrTransactionState = z.infer<typeof EcrTransactionState>;

export const EcrLastTransaction = z.object({ ...ResultFields, state: EcrTransactionState });
export type EcrLastTransaction = z.infer<typeof EcrLastTransaction>;

export const EcrResponse = z.discriminatedUnion('type', [
  /** The final answer to a sale, refund or cancel. */
  z.object({ type: z.literal('result'), ...ResultFields, result: EcrResultCode }),
  /** The answer to `status`: the last transaction the terminal knows, or none since power-on. */
  z.object({ type: z.literal('status'), last: EcrLastTransaction.nullable() }),
]);
export type EcrResponse = z.infer<typeof EcrResponse>;

const OPS: Record<EcrOperation, string> = { sale: 'SALE', refund: 'REFUND', cancel: 'CANCEL' };
const STATES: Record<EcrTransactionState, string> = {
  approved: 'APPROVED',
  declined: 'DECLINED',
  cancelled: 'CANCELLED',
  timeout: 'TIMEOUT',
  busy: 'BUSY',
  in_progress: 'IN_PROGRESS',
};

function reverse<K extends string>(table: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as string, k as K]));
}
const OP_OF = reverse(OPS);
const STATE_OF = reverse(STATES);

function joinFields(fields: readonly string[]): Uint8Array {
  const encoded = asciiEncode(fields.join(String.fromCharCode(FS)));
  if (!encoded.ok) throw new MarqueeError('validation_failed', encoded.error.message);
  return encoded.value;
}

function splitFields(body: Uint8Array): Result<string[]> {
  const text = asciiDecode(body);
  if (!text.ok) return text;
  return ok(text.value.split(String.fromCharCode(FS)));
}

export function encodeEcrRequest(request: EcrRequest): Uint8Array {
  const r = EcrRequest.parse(request);
  switch (r.type) {
    case 'sale':
      return joinFields(['SALE', r.txnId, String(r.amount), r.currency]);
    case 'refund':
      return joinFields(['REFUND', r.txnId, String(r.amount), r.currency, r.originalTxnId]);
    case 'cancel':
      return joinFields(['CANCEL', r.txnId]);
    case 'status':
      return joinFields(['STATUS']);
    default:
      return missingCase(r);
  }
}

const DIGITS = /^(0|[1-9]\d{0,11})$/;

function amountField(text: string | undefined): number | undefined {
  return text !== undefined && DIGITS.test(text) ? Number(text) : undefined;
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): Result<T> {
  const result = schema.safeParse(value);
  if (result.success) return ok(result.data);
  const issue = result.error.issues[0];
  return fail('validation_failed', `${what}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
}

export function decodeEcrRequest(body: Uint8Array): Result<EcrRequest> {
  const split = splitFields(body);
  if (!split.ok) return split;
  const [code, ...f] = split.value;
  switch (code) {
    case 'SALE':
      if (f.length !== 3) break;
      return parsed(
        EcrRequest,
        { type: 'sale', txnId: f[0], amount: amountField(f[1]), currency: f[2] },
        'SALE',
      );
    case 'REFUND':
      if (f.length !== 4) break;
      return parsed(
        EcrRequest,
        { type: 'refund', txnId: f[0], amount: amountField(f[1]), currency: f[2], originalTxnId: f[3] },
        'REFUND',
      );
    case 'CANCEL':
      if (f.length !== 1) break;
      return parsed(EcrRequest, { type: 'cancel', txnId: f[0] }, 'CANCEL');
    case 'STATUS':
      if (f.length !== 0) break;
      return ok({ type: 'status' });
    default:
      return fail('validation_failed', `unknown ECR request ${JSON.stringify(code)}`);
  }
  return fail('validation_failed', `${code}: wrong number of fields`);
}

type ResultFieldValues = Omit<EcrLastTransaction, 'state'>;

function resultFields(r: ResultFieldValues, state: EcrTransactionState): string[] {
  return [OPS[r.op], r.txnId, STATES[state], String(r.amount), r.currency, r.authCode, r.message];
}

export function encodeEcrResponse(response: EcrResponse): Uint8Array {
  const r = EcrResponse.parse(response);
  switch (r.type) {
    case 'result':
      return joinFields(['RESULT', ...resultFields(r, r.result)]);
    case 'status':
      return joinFields(r.last === null ? ['LAST', 'NONE'] : ['LAST', ...resultFields(r.last, r.last.state)]);
    default:
      return missingCase(r);
  }
}

function readResultFields(f: readonly string[]): Record<string, unknown> {
  return {
    op: OP_OF.get(f[0] ?? ''),
    txnId: f[1],
    state: STATE_OF.get(f[2] ?? ''),
    amount: amountField(f[3]),
    currency: f[4],
    authCode: f[5],
    message: f[6],
  };
}

export function decodeEcrResponse(body: Uint8Array): Result<EcrResponse> {
  const split = splitFields(body);
  if (!split.ok) return split;
  const [code, ...f] = split.value;
  if (code === 'RESULT' && f.length === 7) {
    const { state, ...fields } = readResultFields(f);
    return parsed(EcrResponse, { type: 'result', ...fields, result: state }, 'RESULT');
  }
  if (code === 'LAST' && f.length === 1 && f[0] === 'NONE') return ok({ type: 'status', last: null });
  if (code === 'LAST' && f.length === 7) {
    return parsed(EcrResponse, { type: 'status', last: readResultFields(f) }, 'LAST');
  }
  return fail('validation_failed', `unknown or malformed ECR response ${JSON.stringify(code)}`);
}
