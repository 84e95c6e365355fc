/**
 * Over 400 lines on purpose: the token's byte layout, its encoder and its verifier must change together.
 *
 * Signed ticket tokens: what the QR code on a ticket carries (handbook §6).
 *
 * A token is a compact binary record signed with Ed25519 and written in base45 (RFC 9285), whose
 * characters are exactly the QR alphanumeric set, so the printed code can use alphanumeric mode:
 * 5.5 bits per character instead of 8 for byte mode. Any door verifies any ticket offline with the
 * replicated public keys; no server round trip is needed to tell a genuine ticket from a forged one.
 *
 * Binary layout, format version 1 (all integers big-endian):
 *
 * | offset | size | field                                                                       |
 * |--------|------|-----------------------------------------------------------------------------|
 * | 0      | 1    | format version = 1                                                          |
 * | 1      | 1    | high nibble: ticket type code length − 1 (1–16); low nibble: flags, 0 in v1  |
 * | 2      | 16   | ticket id (UUID bytes)                                                      |
 * | 18     | 16   | showtime id (UUID bytes)                                                    |
 * | 34     | 4    | seat id: row label code u16, seat label code u16 (see `labelCode`)          |
 * | 38     | 6    | key id: first 6 bytes of SHA-512(public key)                                |
 * | 44     | 4    | issuedAt, unix seconds, u32                                                 |
 * | 48     | m    | ticket type code, 6 bits per character, zero-padded: m = ⌈6n / 8⌉          |
 * | 48 + m | 64   | Ed25519 signature over TICKET_SIGNING_DOMAIN ‖ bytes 0 … 47 + m              |
 *
 * Byte 1 also keeps the first base45 character of every v1 token off the space (a final base45
 * group is never a space either), so readers may trim whitespace that scanners add. A new format
 * version must keep that property; the tests check it for every type code length.
 *
 * Every field has one canonical encoding and decoding rejects anything else, so a token decodes
 * to exactly one payload and a payload encodes to exactly one token.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { PublicKeyB64, SeatId, TicketTypeCode, Uuid } from './domain.ts';
import type { SigningKey } from './domain.ts';
import { MarqueeError, fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import {
  base45Decode,
  base45Encode,
  base64urlDecode,
  base64urlEncode,
  bytesEqual,
  bytesToUuid,
  concatBytes,
  utf8Encode,
  uuidToBytes,
} from './encoding.ts';

export interface TicketTokenPayload {
  /** UUID; decoded tokens always spell it in lower case. */
  ticketId: string;
  /** UUID; decoded tokens always spell it in lower case. */
  showtimeId: string;
  /** `SeatId`, e.g. `F-7`. */
  seatId: string;
  /** `TicketTypeCode`, e.g. `adult`. */
  ticketType: string;
  /** `keyIdOf(public key)` of the signer. */
  keyId: string;
  /** Unix seconds, 0 … 2^32 − 1. */
  issuedAt: number;
}

export type TicketVerdict =
  | { verdict: 'valid'; payload: TicketTokenPayload }
  | { verdict: 'bad_signature'; payload: TicketTokenPayload }
  | { verdict: 'unknown_key'; keyId: string }
  | { verdict: 'revoked_key'; keyId: string; payload: TicketTokenPayload }
  | { verdict: 'malformed'; reason: string };

export interface KeyringEntry {
  publicKey: Uint8Array;
  revoked?: boolean;
}

/** The public keys a door trusts, by key id. */
export interface Keyring {
  get(keyId: string): KeyringEntry | undefined;
}

export const TICKET_TOKEN_VERSION = 1;

/** Same cap as `Ticket.token`; anything longer is refused before any decoding work. */
export const MAX_TICKET_TOKEN_CHARS = 400;

/**
 * Prefixed to the signed bytes (not sent in the token). Device keys may come to sign other things
 * (offline sales); the prefix keeps a signature made for one purpose from being replayed as another.
 */
export const TICKET_SIGNING_DOMAIN = 'marquee/ticket-token\n';
const SIGNING_DOMAIN_BYTES = utf8Encode(TICKET_SIGNING_DOMAIN);

/**
 * QR code alphanumeric-mode capacity in characters at error correction level M, for versions
 * 1–12 (index = version − 1). Source: ISO/IEC 18004:2015 Table 7. They follow from the data
 * codewords at level M (Table 9: 16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290) minus the
 * 4-bit mode indicator and the 9-bit (v1–9) or 11-bit (v10–26) character count, at 11 bits per
 * two characters and 6 bits for an odd last one. (Byte-mode capacities at M are much lower,
 * e.g. v7 122, v9 180, v10 213.)
 */
export const QR_ALPHANUMERIC_CAPACITY_M = [20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419] as const;

/** The smallest QR version (≤ 12) whose alphanumeric capacity at level M holds `chars` characters. */
export function qrVersionAtLevelM(chars: number): number | undefined {
  const index = QR_ALPHANUMERIC_CAPACITY_M.findIndex((capacity) => chars <= capacity);
  return index < 0 ? undefined : index + 1;
}

const KEY_ID_BYTES = 6;
const SIGNATURE_BYTES = 64;
const OFFSET_TICKET_ID = 2;
const OFFSET_SHOWTIME_ID = OFFSET_TICKET_ID + 16;
const OFFSET_SEAT = OFFSET_SHOWTIME_ID + 16;
const OFFSET_KEY_ID = OFFSET_SEAT + 4;
const OFFSET_ISSUED_AT = OFFSET_KEY_ID + KEY_ID_BYTES;
const OFFSET_TICKET_TYPE = OFFSET_ISSUED_AT + 4;

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * A short, stable id for a public key: the first 6 bytes of its SHA-512, base64url (8 characters).
 * 48 bits make an accidental collision between enrolled keys negligible; the server must still
 * refuse to enrol a key whose id is already taken, since an attacker could grind for a collision.
 */
export function keyIdOf(publicKey: Uint8Array): string {
  return base64urlEncode(sha512(publicKey).subarray(0, KEY_ID_BYTES));
}

/** Derives an Ed25519 key pair from 32 random bytes the caller supplies (shared code has no randomness). */
export function generateSigningKeyPair(seed32: Uint8Array): {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  keyId: string;
} {
  const privateKey = checkedPrivateKey(seed32).slice();
  const publicKey = ed25519.getPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function publicKeyToB64(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new MarqueeError('validation_failed', 'an Ed25519 public key is 32 bytes');
  }
  return base64urlEncode(publicKey);
}

/** Decodes a `PublicKeyB64` and checks that it is a usable Ed25519 key (a curve point of large order). */
export function publicKeyFromB64(text: string): Result<Uint8Array> {
  if (!PublicKeyB64.safeParse(text).success) {
    return fail('validation_failed', 'expected a 32-byte key in base64url (43 characters)');
  }
  const decoded = base64urlDecode(text);
  if (!decoded.ok) return decoded;
  try {
    // Small-order points would let one signature verify for many messages; strict verification
    // refuses them anyway, but a key that can verify nothing should be refused when it is loaded.
    if (ed25519.Point.fromBytes(decoded.value, false).isSmallOrder()) {
      return fail('validation_failed', 'public key is a small-order point');
    }
  } catch {
    return fail('validation_failed', 'public key is not a point on Ed25519');
  }
  return ok(decoded.value);
}

/** Raw Ed25519 (RFC 8032) signature. Throws only on a private key of the wrong shape (a programmer error). */
export function signBytes(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, checkedPrivateKey(privateKey));
}

/**
 * Strict RFC 8032 verification (not ZIP-215: non-canonical encodings and small-order keys are
 * refused, so a valid signature cannot be altered into another valid one). Never throws.
 */
export function verifyBytes(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false; // wrong lengths or types: not a valid signature either
  }
}

function checkedPrivateKey(privateKey: Uint8Array): Uint8Array {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new MarqueeError('validation_failed', 'an Ed25519 private key (seed) is 32 bytes');
  }
  return privateKey;
}

/**
 * A keyring from the replicated signing keys. Records whose key does not decode are left out (a
 * ticket under that id is then `unknown_key`). Revocation is sticky: if any record for an id is
 * revoked, the id is revoked. Two live records with one id but different keys make the id
 * ambiguous, and an ambiguous id verifies nothing.
 */
export function keyringFrom(keys: readonly SigningKey[]): Keyring {
  const entries = new Map<string, { publicKey: Uint8Array; revoked: boolean }>();
  const ambiguous = new Set<string>();
  for (const key of keys) {
    const publicKey = publicKeyFromB64(key.publicKey);
    if (!publicKey.ok) continue;
    const known = entries.get(key.keyId);
    if (known === undefined) {
      entries.set(key.keyId, { publicKey: publicKey.value, revoked: key.revoked });
    } else if (!bytesEqual(known.publicKey, publicKey.value)) {
      ambiguous.add(key.keyId);
    } else if (key.revoked) {
      known.revoked = true;
    }
  }
  for (const keyId of ambiguous) entries.delete(keyId);
  return { get: (keyId) => entries.get(keyId) };
}

// ---------------------------------------------------------------------------------------------
// Seat labels: `[A-Z0-9]{1,3}` ↔ 0 … 47 987, fitting a u16

const LABEL_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Codes from here on are not labels. */
const LABEL_CODES = 36 + 36 ** 2 + 36 ** 3; // 47 988

/** Labels of each length get their own range of codes, so `7` and `07` stay different seats. */
function firstLabelCode(length: number): number {
  return length === 1 ? 0 : length === 2 ? 36 : 36 + 36 ** 2;
}

function labelCode(label: string): number {
  let value = 0;
  for (const char of label) value = value * 36 + LABEL_ALPHABET.indexOf(char);
  return firstLabelCode(label.length) + value;
}

function labelOf(code: number): string | undefined {
  if (code >= LABEL_CODES) return undefined;
  const length = code < firstLabelCode(2) ? 1 : code < firstLabelCode(3) ? 2 : 3;
  let value = code - firstLabelCode(length);
  let label = '';
  for (let i = 0; i < length; i++) {
    label = LABEL_ALPHABET.charAt(value % 36) + label;
    value = Math.floor(value / 36);
  }
  return label;
}

// ---------------------------------------------------------------------------------------------
// Ticket type codes: `[a-z][a-z0-9_]{0,15}`, 6 bits per character

const TYPE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_';

function packedTypeLength(chars: number): number {
  return Math.ceil((chars * 6) / 8);
}

function packTypeCode(code: string): Uint8Array {
  const out = new Uint8Array(packedTypeLength(code.length));
  let pending = 0; // bits not yet written, right-aligned
  let pendingCount = 0;
  let o = 0;
  for (const char of code) {
    pending = (pending << 6) | TYPE_ALPHABET.indexOf(char);
    pendingCount += 6;
    if (pendingCount >= 8) {
      pendingCount -= 8;
      out[o++] = (pending >> pendingCount) & 0xff;
      pending &= (1 << pendingCount) - 1;
    }
  }
  if (pendingCount > 0) out[o] = (pending << (8 - pendingCount)) & 0xff;
  return out;
}

/** Undefined when a character is outside the alphabet or a padding bit is set (not canonical). */
function unpackTypeCode(bytes: Uint8Array, chars: number): string | undefined {
  let code = '';
  let pending = 0;
  let pendingCount = 0;
  for (const byte of bytes) {
    pending = (pending << 8) | byte;
    pendingCount += 8;
    while (pendingCount >= 6 && code.length < chars) {
      pendingCount -= 6;
      const char = TYPE_ALPHABET[(pending >> pendingCount) & 63];
      if (char === undefined) return undefined;
      code += char;
    }
    pending &= (1 << pendingCount) - 1;
  }
  return code.length === chars && pending === 0 ? code : undefined;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Why a payload cannot be signed, or undefined if it can. */
function payloadProblem(payload: TicketTokenPayload): string | undefined {
  if (!Uuid.safeParse(payload.ticketId).success) return 'ticketId is not a UUID';
  if (!Uuid.safeParse(payload.showtimeId).success) return 'showtimeId is not a UUID';
  if (!SeatId.safeParse(payload.seatId).success) return 'seatId is not a seat id like F-7';
  if (!TicketTypeCode.safeParse(payload.ticketType).success) return 'ticketType is not a ticket type code';
  const { issuedAt } = payload;
  if (!Number.isInteger(issuedAt) || issuedAt < 0 || issuedAt > 0xffffffff) {
    return 'issuedAt is not whole unix seconds in 0 … 2^32 − 1';
  }
  return undefined;
}

function encodeBody(payload: TicketTokenPayload, keyIdBytes: Uint8Array): Uint8Array {
  const typeBytes = packTypeCode(payload.ticketType);
  const body = new Uint8Array(OFFSET_TICKET_TYPE + typeBytes.length);
  const view = new DataView(body.buffer);
  body[0] = TICKET_TOKEN_VERSION;
  body[1] = (payload.ticketType.length - 1) << 4; // low nibble: flags, none in v1
  body.set(unwrap(uuidToBytes(payload.ticketId)), OFFSET_TICKET_ID);
  body.set(unwrap(uuidToBytes(payload.showtimeId)), OFFSET_SHOWTIME_ID);
  const [row = '', seat = ''] = payload.seatId.split('-');
  view.setUint16(OFFSET_SEAT, labelCode(row));
  view.setUint16(OFFSET_SEAT + 2, labelCode(seat));
  body.set(keyIdBytes, OFFSET_KEY_ID);
  view.setUint32(OFFSET_ISSUED_AT, payload.issuedAt);
  body.set(typeBytes, OFFSET_TICKET_TYPE);
  return body;
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new MarqueeError('validation_failed', result.error.message);
  return result.value;
}

/**
 * Signs a ticket and returns its token. Throws `validation_failed` only for a programmer error:
 * a payload field that breaks its schema, or a `keyId` that is not the id of this private key.
 */
export function signTicket(payload: TicketTokenPayload, privateKey: Uint8Array): string {
  const problem = payloadProblem(payload);
  if (problem !== undefined) throw new MarqueeError('validation_failed', `cannot sign ticket: ${problem}`);
  const publicKey = ed25519.getPublicKey(checkedPrivateKey(privateKey));
  if (payload.keyId !== keyIdOf(publicKey)) {
    throw new MarqueeError('validation_failed', 'cannot sign ticket: keyId is not the id of the signing key');
  }
  const body = encodeBody(payload, unwrap(base64urlDecode(payload.keyId)));
  const signature = signBytes(concatBytes(SIGNING_DOMAIN_BYTES, body), privateKey);
  return base45Encode(concatBytes(body, signature));
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface ParsedToken {
  payload: TicketTokenPayload;
  body: Uint8Array;
  signature: Uint8Array;
}

/**
 * Keyboard-wedge scanners append CR, LF or TAB, and a stuck caps lock turns letters lower case.
 * Base45 has no lower-case letters, so upper-casing is unambiguous; trimming is safe because a v1
 * token never starts or ends with a space (see the layout: byte 1 keeps the first character off
 * the space, and a final base45 group is never a space).
 */
function normalize(token: string): string {
  return token.trim().toUpperCase();
}

function parseToken(token: unknown): Result<ParsedToken> {
  if (typeof token !== 'string') return fail('validation_failed', 'token is not a string');
  if (token.length > MAX_TICKET_TOKEN_CHARS) {
    return fail('validation_failed', `token is longer than ${MAX_TICKET_TOKEN_CHARS} characters`);
  }
  const text = normalize(token);
  if (text.length === 0) return fail('validation_failed', 'token is empty');
  const decoded = base45Decode(text);
  if (!decoded.ok) return decoded;
  const bytes = decoded.value;
  if (bytes[0] !== TICKET_TOKEN_VERSION) {
    return fail('validation_failed', `unsupported token format version ${bytes[0] ?? 'none'}`);
  }
  if (bytes.length < OFFSET_TICKET_TYPE + SIGNATURE_BYTES) {
    return fail('validation_failed', 'token is truncated');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthAndFlags = view.getUint8(1);
  if ((lengthAndFlags & 0x0f) !== 0) return fail('validation_failed', 'token has unknown flags');
  const typeChars = (lengthAndFlags >> 4) + 1;
  const bodyLength = OFFSET_TICKET_TYPE + packedTypeLength(typeChars);
  if (bytes.length < bodyLength + SIGNATURE_BYTES) return fail('validation_failed', 'token is truncated');
  if (bytes.length > bodyLength + SIGNATURE_BYTES) {
    return fail('validation_failed', 'token has trailing bytes');
  }

  const ticketId = bytesToUuid(bytes.subarray(OFFSET_TICKET_ID, OFFSET_TICKET_ID + 16));
  const showtimeId = bytesToUuid(bytes.subarray(OFFSET_SHOWTIME_ID, OFFSET_SHOWTIME_ID + 16));
  const row = labelOf(view.getUint16(OFFSET_SEAT));
  const seat = labelOf(view.getUint16(OFFSET_SEAT + 2));
  const ticketType = unpackTypeCode(bytes.subarray(OFFSET_TICKET_TYPE, bodyLength), typeChars);
  if (row === undefined || seat === undefined) return fail('validation_failed', 'token has an invalid seat');
  if (ticketType === undefined) return fail('validation_failed', 'token has an invalid ticket type');
  const payload: TicketTokenPayload = {
    ticketId,
    showtimeId,
    seatId: `${row}-${seat}`,
    ticketType,
    keyId: base64urlEncode(bytes.subarray(OFFSET_KEY_ID, OFFSET_KEY_ID + KEY_ID_BYTES)),
    issuedAt: view.getUint32(OFFSET_ISSUED_AT),
  };
  // The same checks as signing, so a decoded payload always satisfies the domain schemas.
  const problem = payloadProblem(payload);
  if (problem !== undefined) return fail('validation_failed', `token ${problem}`);
  return ok({ payload, body: bytes.subarray(0, bodyLength), signature: bytes.subarray(bodyLength) });
}

/**
 * Reads a token's payload without checking its signature: for looking a ticket up (e.g. at the
 * counter), never for admitting anyone. Never throws.
 */
export function decodeTicketToken(token: string): Result<TicketTokenPayload> {
  const parsed = parseToken(token);
  return parsed.ok ? ok(parsed.value.payload) : parsed;
}

/**
 * Checks a scanned token against the keyring. Never throws on any input. The signature is checked
 * before revocation, so `revoked_key` means "genuinely signed by a key we no longer trust" (e.g. a
 * stolen terminal), not merely "claims a revoked key id".
 */
/** Checks an Ed25519 signature; a platform may supply a faster one with the same strict rules. */
export type SignatureVerifier = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
) => boolean;

export function verifyTicket(
  token: string,
  keyring: Keyring,
  verify: SignatureVerifier = verifyBytes,
): TicketVerdict {
  const parsed = parseToken(token);
  if (!parsed.ok) return { verdict: 'malformed', reason: parsed.error.message };
  const { payload, body, signature } = parsed.value;
  const entry = keyring.get(payload.keyId);
  if (entry === undefined) return { verdict: 'unknown_key', keyId: payload.keyId };
  if (!verify(signature, concatBytes(SIGNING_DOMAIN_BYTES, body), entry.publicKey)) {
    return { verdict: 'bad_signature', payload };
  }
  if (entry.revoked === true) return { verdict: 'revoked_key', keyId: payload.keyId, payload };
  return { verdict: 'valid', payload };
}
