// Over 400 lines on purpose: the token's vectors, tampering cases and properties test one format.
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './testing/random.ts';
import type { SigningKey } from './domain.ts';
import { PublicKeyB64 } from './domain.ts';
import {
  base45Decode,
  base45Encode,
  base64urlEncode,
  concatBytes,
  hexDecode,
  hexEncode,
  utf8Encode,
} from './encoding.ts';
import { MarqueeError } from './errors.ts';
import type { Result } from './errors.ts';
import {
  MAX_TICKET_TOKEN_CHARS,
  QR_ALPHANUMERIC_CAPACITY_M,
  TICKET_SIGNING_DOMAIN,
  decodeTicketToken,
  generateSigningKeyPair,
  keyIdOf,
  keyringFrom,
  publicKeyFromB64,
  publicKeyToB64,
  qrVersionAtLevelM,
  signBytes,
  signTicket,
  verifyBytes,
  verifyTicket,
} from './ticket-token.ts';
import type { Keyring, TicketTokenPayload, TicketVerdict } from './ticket-token.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.value;
}

const hex = (text: string) => value(hexDecode(text));

function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** RFC 8032 §7.1 test vectors 1 and 2. */
const RFC8032_1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  emptyMessageSignature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};
const RFC8032_2_SECRET = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';

const keyA = generateSigningKeyPair(hex(RFC8032_1.secret));
const keyB = generateSigningKeyPair(hex(RFC8032_2_SECRET));

function signingKey(pair: { publicKey: Uint8Array; keyId: string }, revoked = false): SigningKey {
  return { keyId: pair.keyId, publicKey: publicKeyToB64(pair.publicKey), owner: 'server', revoked };
}

const keyringA = keyringFrom([signingKey(keyA)]);

const payload: TicketTokenPayload = {
  ticketId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  showtimeId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  seatId: 'F-7',
  ticketType: 'adult',
  keyId: keyA.keyId,
  issuedAt: 1_767_225_600, // 2026-01-01T00:00:00Z
};

const token = signTicket(payload, keyA.privateKey);
const tokenBytes = value(base45Decode(token));
const BODY_LENGTH = tokenBytes.length - 64;
const KEY_ID_RANGE = [38, 44] as const; // layout v1: key id bytes

function withByte(bytes: Uint8Array, index: number, mask: number): string {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ mask;
  return base45Encode(copy);
}

/** Every input must get a verdict, never an exception; a throw names the input that caused it. */
function verdictOf(input: string, keyring: Keyring = keyringA): TicketVerdict {
  try {
    return verifyTicket(input, keyring);
  } catch (error) {
    throw new Error(`verifyTicket threw on ${JSON.stringify(input).slice(0, 200)}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------

describe('Ed25519 is the standard one (RFC 8032 test vector 1)', () => {
  it('derives the published public key from the published secret', () => {
    expect(hexEncode(keyA.publicKey)).toBe(RFC8032_1.public);
    expect(hexEncode(keyA.privateKey)).toBe(RFC8032_1.secret);
  });

  it('produces the published signature of the empty message, and verifies it', () => {
    const signature = signBytes(new Uint8Array(0), keyA.privateKey);
    expect(hexEncode(signature)).toBe(RFC8032_1.emptyMessageSignature);
    expect(verifyBytes(hex(RFC8032_1.emptyMessageSignature), new Uint8Array(0), keyA.publicKey)).toBe(true);
    expect(verifyBytes(signature, new Uint8Array([0]), keyA.publicKey)).toBe(false);
    expect(verifyBytes(signature, new Uint8Array(0), keyB.publicKey)).toBe(false);
  });

  it('verifies a ticket signed with keys generated from fixed seeds', () => {
    expect(verdictOf(token)).toEqual({ verdict: 'valid', payload });
  });

  it('signs tickets so that an independent implementation (Node/OpenSSL) accepts the signature', () => {
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(keyA.publicKey) },
      format: 'jwk',
    });
    const signed = concatBytes(utf8Encode(TICKET_SIGNING_DOMAIN), tokenBytes.subarray(0, BODY_LENGTH));
    expect(nodeVerify(null, signed, publicKey, tokenBytes.subarray(BODY_LENGTH))).toBe(true);
  });

  it('answers false instead of throwing for signatures and keys of the wrong size', () => {
    expect(verifyBytes(new Uint8Array(63), new Uint8Array(0), keyA.publicKey)).toBe(false);
    expect(verifyBytes(hex(RFC8032_1.emptyMessageSignature), new Uint8Array(0), new Uint8Array(31))).toBe(
      false,
    );
  });
});

describe('keys', () => {
  it('derives the key id from the first 6 bytes of SHA-512 of the public key, as 8 base64url characters', () => {
    const digest = createHash('sha512').update(keyA.publicKey).digest();
    expect(keyA.keyId).toBe(digest.subarray(0, 6).toString('base64url'));
    expect(keyA.keyId).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(keyIdOf(keyA.publicKey)).toBe(keyA.keyId);
    expect(keyB.keyId).not.toBe(keyA.keyId);
  });

  it('refuses a seed that is not 32 bytes', () => {
    expect(() => generateSigningKeyPair(new Uint8Array(31))).toThrow(MarqueeError);
    expect(() => generateSigningKeyPair(new Uint8Array(64))).toThrow(MarqueeError);
  });

  it('copies the seed, so a caller wiping its buffer does not change the private key', () => {
    const seed = hex(RFC8032_2_SECRET);
    const pair = generateSigningKeyPair(seed);
    seed.fill(0);
    expect(hexEncode(pair.privateKey)).toBe(RFC8032_2_SECRET);
  });

  it('round-trips a public key through the PublicKeyB64 form', () => {
    const text = publicKeyToB64(keyA.publicKey);
    expect(PublicKeyB64.safeParse(text).success).toBe(true);
    expect(value(publicKeyFromB64(text))).toEqual(keyA.publicKey);
  });

  it('refuses public key text that is not exactly one usable Ed25519 key', () => {
    const good = publicKeyToB64(keyA.publicKey);
    const identityPoint = base64urlEncode(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)));
    const notOnCurve = base64urlEncode(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : 0)));
    const bad = [
      '',
      good.slice(1),
      `${good}A`,
      `${good.slice(0, 42)}B`, // spare bits set: not the canonical spelling
      `${good.slice(0, 42)}=`,
      identityPoint, // small order: would verify forged signatures
      notOnCurve,
    ];
    for (const text of bad) expect(publicKeyFromB64(text).ok, text).toBe(false);
  });

  it('refuses to render a public key that is not 32 bytes', () => {
    expect(() => publicKeyToB64(new Uint8Array(33))).toThrow(MarqueeError);
  });
});

describe('signing and verifying tickets', () => {
  it('gives back exactly the signed payload, verified or merely decoded', () => {
    expect(verdictOf(token)).toEqual({ verdict: 'valid', payload });
    expect(value(decodeTicketToken(token))).toEqual(payload);
  });

  it('signs deterministically: the same ticket always prints the same code', () => {
    expect(signTicket({ ...payload }, keyA.privateKey)).toBe(token);
  });

  it('writes only QR alphanumeric characters, never starting or ending with a space', () => {
    const random = seededRandom(7);
    const typeAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_';
    for (let length = 1; length <= 16; length++) {
      for (let i = 0; i < 40; i++) {
        const bytes = randomBytes(random, 16);
        bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // RFC 9562 version 4
        bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
        const h = hexEncode(bytes);
        const ticketId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        const ticketType =
          'x' + Array.from({ length: length - 1 }, () => typeAlphabet[Math.floor(random() * 37)]).join('');
        const signed = signTicket({ ...payload, ticketId, ticketType }, keyA.privateKey);
        expect(signed).toMatch(/^[0-9A-Z$%*+\-./:][0-9A-Z $%*+\-./:]*[0-9A-Z$%*+\-./:]$/);
        expect(value(decodeTicketToken(signed))).toEqual({ ...payload, ticketId, ticketType });
      }
    }
  });

  it('round-trips every shape of seat id and ticket type code', () => {
    const cases: [string, string][] = [
      ['A-1', 'a'],
      ['7-07', 'child'],
      ['07-7', 'senior_65'],
      ['ZZZ-ZZZ', 'member_plus_2026'],
      ['0-0', 'z9'],
      ['000-999', 'student'],
      ['AA1-B2', 'x_'],
    ];
    for (const [seatId, ticketType] of cases) {
      const signed = signTicket({ ...payload, seatId, ticketType }, keyA.privateKey);
      expect(verdictOf(signed)).toEqual({ verdict: 'valid', payload: { ...payload, seatId, ticketType } });
    }
  });

  it('keeps seat 7 and seat 07 apart', () => {
    const seven = signTicket({ ...payload, seatId: 'F-7' }, keyA.privateKey);
    const zeroSeven = signTicket({ ...payload, seatId: 'F-07' }, keyA.privateKey);
    expect(seven).not.toBe(zeroSeven);
    expect(value(decodeTicketToken(zeroSeven)).seatId).toBe('F-07');
  });

  it('carries issuedAt from 0 to 2^32 − 1 seconds exactly', () => {
    for (const issuedAt of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const signed = signTicket({ ...payload, issuedAt }, keyA.privateKey);
      expect(value(decodeTicketToken(signed)).issuedAt).toBe(issuedAt);
    }
  });

  it('spells decoded ids in lower case even when signed from upper case', () => {
    const signed = signTicket({ ...payload, ticketId: payload.ticketId.toUpperCase() }, keyA.privateKey);
    expect(value(decodeTicketToken(signed)).ticketId).toBe(payload.ticketId);
  });

  it('refuses to sign a payload that breaks the domain schemas (a programmer error)', () => {
    const bad: Partial<TicketTokenPayload>[] = [
      { ticketId: 'not-a-uuid' },
      { ticketId: '0f8fad5b-d9cb-069f-a165-70867728950e' }, // version 0 is not an RFC 9562 UUID
      { showtimeId: '' },
      { seatId: 'F7' },
      { seatId: 'f-7' },
      { seatId: 'ABCD-1' },
      { ticketType: 'Adult' },
      { ticketType: '' },
      { ticketType: '1adult' },
      { ticketType: 'a'.repeat(17) },
      { issuedAt: -1 },
      { issuedAt: 2 ** 32 },
      { issuedAt: 1.5 },
      { issuedAt: Number.NaN },
      { keyId: keyB.keyId },
      { keyId: '' },
    ];
    for (const change of bad) {
      expect(() => signTicket({ ...payload, ...change }, keyA.privateKey), JSON.stringify(change)).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    }
    expect(() => signTicket(payload, new Uint8Array(31))).toThrow(MarqueeError);
  });
});

describe('tampering and forgery', () => {
  it('refuses every single-byte change of the signed part: bad_signature wherever it still decodes', () => {
    for (const mask of [0x01, 0x80, 0xff]) {
      for (let i = 0; i < BODY_LENGTH; i++) {
        const tampered = withByte(tokenBytes, i, mask);
        const verdict = verdictOf(tampered);
        if (i >= KEY_ID_RANGE[0] && i < KEY_ID_RANGE[1]) {
          expect(verdict.verdict, `byte ${i}`).toBe('unknown_key');
        } else if (decodeTicketToken(tampered).ok) {
          expect(verdict.verdict, `byte ${i}`).toBe('bad_signature');
        } else {
          expect(verdict.verdict, `byte ${i}`).toBe('malformed');
        }
      }
    }
  });

  it('reports a changed id, seat or issue time as a bad signature, not as a different valid ticket', () => {
    const stillDecodes = [...Array.from({ length: 36 }, (_, k) => 2 + k), 44, 45, 46, 47]; // ids, seat, issuedAt
    for (const i of stillDecodes) {
      expect(verdictOf(withByte(tokenBytes, i, 0x01)).verdict, `byte ${i}`).toBe('bad_signature');
    }
  });

  it('refuses every single-byte change of the signature', () => {
    for (let i = BODY_LENGTH; i < tokenBytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        expect(verdictOf(withByte(tokenBytes, i, mask)).verdict, `byte ${i}`).toBe('bad_signature');
      }
    }
  });

  it('refuses a valid signature moved onto another ticket', () => {
    const other = value(base45Decode(signTicket({ ...payload, seatId: 'F-8' }, keyA.privateKey)));
    const spliced = concatBytes(other.subarray(0, BODY_LENGTH), tokenBytes.subarray(BODY_LENGTH));
    expect(verdictOf(base45Encode(spliced)).verdict).toBe('bad_signature');
  });

  it('refuses a signature over the bare bytes, without the ticket signing domain', () => {
    const body = tokenBytes.subarray(0, BODY_LENGTH);
    const forged = base45Encode(concatBytes(body, signBytes(body, keyA.privateKey)));
    expect(verdictOf(forged).verdict).toBe('bad_signature');
  });

  it('refuses correctly signed bytes that no honest signer produces (one spelling per ticket)', () => {
    const resigned = (change: (body: Uint8Array) => void) => {
      const body = tokenBytes.slice(0, BODY_LENGTH);
      change(body);
      const signature = signBytes(concatBytes(utf8Encode(TICKET_SIGNING_DOMAIN), body), keyA.privateKey);
      return verdictOf(base45Encode(concatBytes(body, signature)));
    };
    const setBits = (index: number, bits: number) => (body: Uint8Array) => {
      body[index] = (body[index] ?? 0) | bits;
    };
    // 'adult' is 30 bits in 4 bytes: the last 2 bits are padding.
    expect(resigned(setBits(BODY_LENGTH - 1, 0x01))).toEqual({
      verdict: 'malformed',
      reason: 'token has an invalid ticket type',
    });
    // Seat label codes stop at 47 987 (0xBB73).
    expect(resigned(setBits(34, 0xff)).verdict).toBe('malformed');
    // Version nibble 0 is not an RFC 9562 UUID, so it would fail the domain schema.
    expect(resigned((body) => (body[2 + 6] = 0x0f))).toEqual({
      verdict: 'malformed',
      reason: 'token ticketId is not a UUID',
    });
    // A control: the same re-signing with nothing changed is accepted.
    expect(resigned(() => undefined)).toEqual({ verdict: 'valid', payload });
  });

  it('refuses a ticket signed by key A when the keyring holds key B under A’s id', () => {
    const swapped = keyringFrom([{ ...signingKey(keyB), keyId: keyA.keyId }]);
    expect(verdictOf(token, swapped)).toEqual({ verdict: 'bad_signature', payload });
  });

  it('reports a key id the door does not know', () => {
    const signedByB = signTicket({ ...payload, keyId: keyB.keyId }, keyB.privateKey);
    expect(verdictOf(signedByB)).toEqual({ verdict: 'unknown_key', keyId: keyB.keyId });
    expect(verdictOf(token, keyringFrom([]))).toEqual({ verdict: 'unknown_key', keyId: keyA.keyId });
  });

  it('reports a genuine ticket from a revoked key as revoked_key, with its payload', () => {
    const revoked = keyringFrom([signingKey(keyA, true)]);
    expect(verdictOf(token, revoked)).toEqual({ verdict: 'revoked_key', keyId: keyA.keyId, payload });
  });

  it('reports a forgery under a revoked key id as a bad signature, not as revoked', () => {
    const revoked = keyringFrom([signingKey(keyA, true)]);
    expect(verdictOf(withByte(tokenBytes, 10, 0x01), revoked).verdict).toBe('bad_signature');
  });
});

describe('keyring', () => {
  it('keeps a key revoked once any record revokes it', () => {
    for (const keys of [
      [signingKey(keyA), signingKey(keyA, true)],
      [signingKey(keyA, true), signingKey(keyA)],
    ]) {
      expect(verdictOf(token, keyringFrom(keys)).verdict).toBe('revoked_key');
    }
  });

  it('trusts no key under an id claimed by two different keys', () => {
    const clash = keyringFrom([signingKey(keyA), { ...signingKey(keyB), keyId: keyA.keyId }]);
    expect(verdictOf(token, clash).verdict).toBe('unknown_key');
  });

  it('skips a record whose public key is unusable instead of failing the whole keyring', () => {
    const broken: SigningKey = { ...signingKey(keyB), publicKey: 'A'.repeat(43) };
    const keyring = keyringFrom([broken, signingKey(keyA)]);
    expect(keyring.get(keyB.keyId)).toBeUndefined();
    expect(verdictOf(token, keyring).verdict).toBe('valid');
  });
});

describe('damaged and hostile input', () => {
  it('calls every truncation of the token malformed', () => {
    for (let length = 0; length < token.length; length++) {
      expect(verdictOf(token.slice(0, length)).verdict, `length ${length}`).toBe('malformed');
    }
    for (let length = 0; length < tokenBytes.length; length++) {
      const cut = base45Encode(tokenBytes.subarray(0, length));
      expect(verdictOf(cut).verdict, `${length} bytes`).toBe('malformed');
    }
  });

  it('calls trailing bytes malformed', () => {
    for (const extra of [[0], [1, 2], [0xff, 0xff, 0xff]]) {
      const longer = base45Encode(concatBytes(tokenBytes, Uint8Array.from(extra)));
      expect(verdictOf(longer)).toEqual({ verdict: 'malformed', reason: 'token has trailing bytes' });
    }
  });

  it('calls another format version or unknown flags malformed', () => {
    expect(verdictOf(withByte(tokenBytes, 0, 0x02))).toEqual({
      verdict: 'malformed',
      reason: 'unsupported token format version 3',
    });
    expect(verdictOf(base45Encode(new Uint8Array([0, ...tokenBytes.subarray(1)]))).verdict).toBe('malformed');
    expect(verdictOf(withByte(tokenBytes, 1, 0x01))).toEqual({
      verdict: 'malformed',
      reason: 'token has unknown flags',
    });
  });

  it('accepts what keyboard-wedge scanners send: trailing CR/LF/TAB, surrounding whitespace, lower case', () => {
    for (const variant of [
      `${token}\r\n`,
      `${token}\n`,
      `${token}\t`,
      `\r\n ${token} \r\n`,
      token.toLowerCase(),
    ]) {
      expect(verdictOf(variant)).toEqual({ verdict: 'valid', payload });
    }
  });

  it('calls empty, blank, over-long and non-string input malformed', () => {
    for (const input of [
      '',
      '   ',
      '\r\n',
      token + '0'.repeat(MAX_TICKET_TOKEN_CHARS),
      'x'.repeat(1_000_000),
    ]) {
      expect(verdictOf(input).verdict).toBe('malformed');
    }
    const notStrings: unknown[] = [undefined, null, 42, {}, ['A']]; // what a sloppy IPC caller might pass
    for (const input of notStrings) {
      expect(verdictOf(input as string).verdict).toBe('malformed');
      expect(decodeTicketToken(input as string).ok).toBe(false);
    }
  });

  it('calls characters outside base45 malformed', () => {
    for (const input of [
      token.replace(/^./, '#'),
      `${token.slice(0, 30)}é${token.slice(31)}`,
      '{"ticket":1}',
    ]) {
      expect(verdictOf(input).verdict).toBe('malformed');
    }
  });

  it('never admits or throws on 1,000 random byte strings, random ASCII and random mutations', () => {
    const random = seededRandom(2026);
    const allowed = ['malformed', 'bad_signature', 'unknown_key'];
    const seen = new Set<string>();
    const check = (input: string) => {
      const verdict = verdictOf(input).verdict;
      seen.add(verdict);
      expect(allowed, JSON.stringify(input)).toContain(verdict);
    };
    for (let i = 0; i < 1000; i++) {
      // Random bytes, half of them with a plausible header so parsing gets past the first check.
      const bytes = randomBytes(random, Math.floor(random() * 200));
      if (i % 2 === 0 && bytes.length > 1) {
        bytes[0] = 1;
        bytes[1] = (bytes[1] ?? 0) & 0xf0;
      }
      check(base45Encode(bytes));
      // Random printable ASCII and control characters.
      const text = Array.from({ length: Math.floor(random() * 300) }, () =>
        String.fromCharCode(Math.floor(random() * 128)),
      ).join('');
      check(text);
      // A real token with 1–4 random bytes overwritten: reaches signature verification.
      const mutated = tokenBytes.slice();
      for (let k = 0, n = 1 + Math.floor(random() * 4); k < n; k++) {
        const at = Math.floor(random() * mutated.length);
        const replacement = Math.floor(random() * 256);
        mutated[at] = replacement === mutated[at] ? replacement ^ 1 : replacement;
      }
      check(base45Encode(mutated));
    }
    expect(seen).toEqual(new Set(allowed)); // every refusal path was exercised
  });
});

describe('size and QR code fit', () => {
  /** ISO/IEC 18004:2015 Table 9: data codewords per version at error correction level M. */
  const DATA_CODEWORDS_M = [16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290];
  const countBits = (version: number, mode: 'alphanumeric' | 'byte') =>
    mode === 'alphanumeric' ? (version <= 9 ? 9 : 11) : version <= 9 ? 8 : 16;

  it('uses alphanumeric capacities that follow from the QR code data codewords', () => {
    const derived = DATA_CODEWORDS_M.map((codewords, i) => {
      const bits = codewords * 8 - 4 - countBits(i + 1, 'alphanumeric');
      return 2 * Math.floor(bits / 11) + (bits % 11 >= 6 ? 1 : 0);
    });
    expect(QR_ALPHANUMERIC_CAPACITY_M).toEqual(derived);
  });

  it('fits a typical ticket in a version 7 QR code at level M (≤ 10 required)', () => {
    expect(token.length).toBe(174);
    expect(token.length).toBeLessThanOrEqual(QR_ALPHANUMERIC_CAPACITY_M[9]); // version 10;
    expect(qrVersionAtLevelM(token.length)).toBe(7);
  });

  it('fits the largest possible ticket (3+3 seat labels, 16-character type code) within version 10', () => {
    const largest = signTicket(
      { ...payload, seatId: 'ZZZ-ZZZ', ticketType: 'a'.repeat(16) },
      keyA.privateKey,
    );
    expect(largest.length).toBeLessThanOrEqual(QR_ALPHANUMERIC_CAPACITY_M[9]); // version 10;
    expect(qrVersionAtLevelM(largest.length)).toBe(8);
  });

  it('keeps common ticket type codes of up to 8 characters in version 7', () => {
    for (const ticketType of ['adult', 'child', 'senior', 'student', 'member', 'discount']) {
      expect(
        qrVersionAtLevelM(signTicket({ ...payload, ticketType }, keyA.privateKey).length),
        ticketType,
      ).toBe(7);
    }
  });

  it('needs a smaller QR code than the same bytes as base64url in byte mode', () => {
    const byteCapacity = DATA_CODEWORDS_M.map((codewords, i) =>
      Math.floor((codewords * 8 - 4 - countBits(i + 1, 'byte')) / 8),
    );
    const base64Length = base64urlEncode(tokenBytes).length;
    const byteModeVersion = byteCapacity.findIndex((capacity) => base64Length <= capacity) + 1;
    expect(byteModeVersion).toBe(9);
    expect(qrVersionAtLevelM(token.length)).toBeLessThan(byteModeVersion);
  });

  it('finds no QR version ≤ 12 for text beyond its capacity', () => {
    expect(qrVersionAtLevelM(419)).toBe(12);
    expect(qrVersionAtLevelM(420)).toBeUndefined();
  });
});
