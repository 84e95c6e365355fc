import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACK,
  decodeEcr,
  decodeEcrRequest,
  decodeEcrResponse,
  ECR_DECODER_START,
  ECR_MAX_BODY,
  ecrReplyTo,
  encodeEcrRequest,
  encodeEcrResponse,
  encodeFrame,
  ETX,
  FS,
  isBodyByte,
  lrc,
  NAK,
  STX,
  type EcrDecoderState,
  type EcrEvent,
  type EcrRequest,
  type EcrResponse,
} from './ecr.ts';

const bodyByte = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(FS));
const body = fc.array(bodyByte, { maxLength: 80 }).map((bytes) => Uint8Array.from(bytes));

/** Feeds the stream in the given chunk sizes (the rest in one piece). */
function decodeAll(stream: Uint8Array, cuts: readonly number[] = []): EcrEvent[] {
  let state: EcrDecoderState = ECR_DECODER_START;
  const events: EcrEvent[] = [];
  let offset = 0;
  for (const cut of [...cuts, stream.length]) {
    const end = Math.min(stream.length, offset + cut);
    const step = decodeEcr(state, stream.subarray(offset, end));
    state = step.state;
    events.push(...step.events);
    offset = end;
  }
  return events;
}

function frames(events: readonly EcrEvent[]): number[][] {
  return events.flatMap((e) => (e.kind === 'frame' ? [[...e.body]] : []));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/**
 * An independent reference for "this noise spells a valid frame on its own": some STX followed by
 * body bytes, ETX and the right LRC. Such noise is indistinguishable from a real frame on any
 * protocol, so the noise properties exclude it rather than pretend otherwise.
 */
function spellsAFrame(bytes: Uint8Array): boolean {
  for (let start = 0; start < bytes.length; start++) {
    if (bytes[start] !== STX) continue;
    for (let end = start + 1; end + 1 < bytes.length; end++) {
      const b = bytes[end]!;
      if (b === ETX) {
        if (bytes[end + 1] === (lrc(bytes.subarray(start + 1, end)) ^ ETX)) return true;
        break;
      }
      if (!isBodyByte(b)) break;
    }
  }
  return false;
}

describe('ECR framing', () => {
  it('frames a body as STX body ETX LRC, the LRC covering the body and ETX', () => {
    const frame = encodeFrame(Uint8Array.from([0x41, 0x42]));
    expect([...frame]).toEqual([STX, 0x41, 0x42, ETX, 0x41 ^ 0x42 ^ ETX]);
  });

  it('refuses control bytes in a body: they would break the framing', () => {
    expect(() => encodeFrame(Uint8Array.from([0x41, ETX]))).toThrow(/cannot be in an ECR body/);
  });

  it('round-trips any body, however the bytes are split on the line', () => {
    fc.assert(
      fc.property(body, fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 20 }), (b, cuts) => {
        const events = decodeAll(encodeFrame(b), cuts);
        expect(events).toEqual([{ kind: 'frame', body: b }]);
        expect(ecrReplyTo(events[0]!)).toBe(ACK);
      }),
    );
  });

  it('finds exactly the sent frames between noise that holds no STX (line noise, stray bytes)', () => {
    const noise = fc.uint8Array({ maxLength: 30 }).map((n) => n.filter((b) => b !== STX));
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, body), { maxLength: 6 }), noise, (pairs, tail) => {
        const stream = concat([...pairs.flatMap(([n, b]) => [n, encodeFrame(b)]), tail]);
        expect(frames(decodeAll(stream))).toEqual(pairs.map(([, b]) => [...b]));
      }),
    );
  });

  it('never yields a wrong frame from any byte noise between frames, and loses none', () => {
    // Random bytes rarely look like framing; mixing in control bytes and printable runs makes
    // the hard cases (noise that opens a frame, or ends in what looks like ETX) common.
    const noise = fc
      .array(
        fc.oneof(
          fc.uint8Array({ maxLength: 8 }),
          fc.constantFrom(STX, ETX, ACK, NAK).map((b) => Uint8Array.of(b)),
          fc.array(bodyByte, { maxLength: 6 }).map((b) => Uint8Array.from(b)),
        ),
        { maxLength: 6 },
      )
      .map(concat);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, body), { maxLength: 6 }),
        noise,
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 30 }),
        (pairs, tail, cuts) => {
          // Noise that spells a frame itself, alone or with the next frame's STX, is a frame.
          fc.pre(pairs.every(([n]) => !spellsAFrame(concat([n, Uint8Array.of(STX)]))));
          fc.pre(!spellsAFrame(tail));
          const stream = concat([...pairs.flatMap(([n, b]) => [n, encodeFrame(b)]), tail]);
          expect(frames(decodeAll(stream, cuts))).toEqual(pairs.map(([, b]) => [...b]));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('answers NAK to a frame whose LRC is wrong, and delivers no frame', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 255 }), (b, delta) => {
        const frame = encodeFrame(b);
        frame[frame.length - 1] = frame[frame.length - 1]! ^ delta;
        const events = decodeAll(frame);
        expect(frames(events)).toEqual([]);
        expect(events.map(ecrReplyTo)).toContain(NAK);
      }),
    );
  });

  it('answers NAK when a body byte is damaged, whichever bit flipped', () => {
    fc.assert(
      fc.property(
        body.filter((b) => b.length > 0),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (b, at, bit) => {
          const frame = encodeFrame(b);
          const index = 1 + (at % b.length);
          const flipped = frame[index]! ^ (1 << bit);
          // A flip that happens to make STX or ETX changes the framing itself; those are the
          // property above (noise), not a damaged body.
          fc.pre(flipped !== STX && flipped !== ETX);
          frame[index] = flipped;
          const events = decodeAll(frame);
          expect(frames(events)).toEqual([]);
          expect(events.map(ecrReplyTo)).toContain(NAK);
        },
      ),
    );
  });

  it('reads ACK and NAK between frames and treats other stray bytes as garbage', () => {
    const events = decodeAll(Uint8Array.from([0x30, ACK, 0x31, 0x32, NAK]));
    expect(events).toEqual([
      { kind: 'garbage', bytes: Uint8Array.from([0x30]) },
      { kind: 'ack' },
      { kind: 'garbage', bytes: Uint8Array.from([0x31, 0x32]) },
      { kind: 'nak' },
    ]);
  });

  it('drops a runaway frame longer than the limit and recovers on the next STX', () => {
    const long = new Uint8Array(ECR_MAX_BODY + 10).fill(0x41);
    const next = encodeFrame(Uint8Array.from([0x42]));
    const events = decodeAll(concat([Uint8Array.of(STX), long, Uint8Array.of(ETX, 0), next]));
    expect(events).toContainEqual({ kind: 'corrupt', reason: 'length' });
    expect(frames(events)).toEqual([[0x42]]);
  });

  it('keeps a frame whose LRC byte happens to be STX, ETX, ACK or NAK', () => {
    for (const value of [STX, ETX, ACK, NAK]) {
      // 'A' ^ second ^ ETX === value
      const b = Uint8Array.of(0x41, 0x41 ^ value ^ ETX);
      const frame = encodeFrame(b);
      expect(frame[frame.length - 1]).toBe(value);
      expect(frames(decodeAll(frame))).toEqual([[...b]]);
    }
  });
});

describe('ECR messages', () => {
  const txnId = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
  const amount = fc.integer({ min: 1, max: 999_999_999_999 });
  const currency = fc.constantFrom('CNY', 'USD', 'JPY');
  const request: fc.Arbitrary<EcrRequest> = fc.oneof(
    fc.record({ type: fc.constant('sale' as const), txnId, amount, currency }),
    fc.record({ type: fc.constant('refund' as const), txnId, amount, currency, originalTxnId: txnId }),
    fc.record({ type: fc.constant('cancel' as const), txnId }),
    fc.constant({ type: 'status' as const }),
  );
  const fields = {
    op: fc.constantFrom('sale' as const, 'refund' as const, 'cancel' as const),
    txnId,
    amount: fc.integer({ min: 0, max: 999_999_999_999 }),
    currency: fc.constantFrom('CNY', ''),
    authCode: fc.stringMatching(/^[A-Z0-9]{0,12}$/),
    message: fc.stringMatching(/^[\x20-\x7e]{0,64}$/),
  };
  const response: fc.Arbitrary<EcrResponse> = fc.oneof(
    fc.record({
      type: fc.constant('result' as const),
      ...fields,
      result: fc.constantFrom(
        'approved' as const,
        'declined' as const,
        'cancelled' as const,
        'timeout' as const,
        'busy' as const,
      ),
    }),
    fc.record({
      type: fc.constant('status' as const),
      last: fc.option(
        fc.record({
          ...fields,
          state: fc.constantFrom('approved' as const, 'in_progress' as const, 'declined' as const),
        }),
        { nil: null },
      ),
    }),
  );

  it('round-trips every request and response through a frame', () => {
    fc.assert(
      fc.property(request, (r) => {
        const [event] = decodeAll(encodeFrame(encodeEcrRequest(r)));
        expect(event?.kind).toBe('frame');
        expect(decodeEcrRequest((event as { body: Uint8Array }).body)).toEqual({ ok: true, value: r });
      }),
    );
    fc.assert(
      fc.property(response, (r) => {
        expect(decodeEcrResponse(encodeEcrResponse(r))).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('writes a sale as readable fields', () => {
    const bytes = encodeEcrRequest({ type: 'sale', txnId: 'T-1', amount: 4550, currency: 'CNY' });
    expect(String.fromCharCode(...bytes).split('\x1c')).toEqual(['SALE', 'T-1', '4550', 'CNY']);
  });

  it('refuses malformed bodies with a clear error instead of guessing', () => {
    const text = (s: string) => Uint8Array.from(s.split('').map((c) => c.charCodeAt(0)));
    for (const bad of ['SALE\x1cT1\x1c-5\x1cCNY', 'SALE\x1cT1\x1c05\x1cCNY', 'SALE\x1cT1', 'PAY', '']) {
      expect(decodeEcrRequest(text(bad)).ok).toBe(false);
    }
    expect(decodeEcrResponse(text('RESULT\x1cSALE\x1cT1\x1cMAYBE\x1c1\x1cCNY\x1c\x1c')).ok).toBe(false);
    expect(decodeEcrResponse(text('LAST\x1cNONE'))).toEqual({
      ok: true,
      value: { type: 'status', last: null },
    });
  });
});
