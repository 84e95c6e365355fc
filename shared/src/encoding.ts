/**
 * Byte/text encodings for code that must run unchanged in Node and in the renderer.
 * `shared` has neither DOM nor Node typings, so TextEncoder, atob/btoa and Buffer are not
 * available; these small helpers stand in for them.
 *
 * Encoders accept any input of their type. Decoders take untrusted text (QR scans, config files,
 * replicated records) and answer with a Result instead of throwing. Decoders are strict: they accept
 * only the one canonical spelling of each byte string, so two different strings never decode to the
 * same bytes (no padding, no non-zero spare bits, no out-of-range base45 groups).
 */
import { fail, ok, strictAssert } from './errors.ts';
import type { Result } from './errors.ts';

// ---------------------------------------------------------------------------------------------
// Byte helpers (plain, not constant-time: use them for data, never to compare secrets)

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `bytes[index]` for an index the caller has already bounds-checked (the type system cannot see that). */
function byteAt(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

/** Builds a string from char codes in chunks: spreading a huge array into one call overflows the stack. */
function fromCharCodes(codes: readonly number[]): string {
  const CHUNK = 8192;
  let out = '';
  for (let i = 0; i < codes.length; i += CHUNK) out += String.fromCharCode(...codes.slice(i, i + CHUNK));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hex

const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex, two digits per byte. */
export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS.charAt(byte >> 4) + HEX_DIGITS.charAt(byte & 15);
  return out;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Accepts upper and lower case; rejects odd lengths and anything that is not a hex digit. */
export function hexDecode(text: string): Result<Uint8Array> {
  if (text.length % 2 !== 0) return fail('validation_failed', 'hex: odd number of digits');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(text.charCodeAt(2 * i));
    const lo = hexValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return fail('validation_failed', `hex: not a hex digit near position ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return ok(out);
}

// ---------------------------------------------------------------------------------------------
// base64url (RFC 4648 §5), without padding

const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_VALUES = reverseLookup(B64URL_ALPHABET);

function reverseLookup(alphabet: string): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
}

function lookup(values: Int8Array, code: number): number {
  return values[code] ?? -1; // undefined beyond ASCII
}

/** base64url without `=` padding: the form keys and key ids travel in (URLs, JSON, file names). */
export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let bitCount = 0;
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xffff;
    bitCount += 8;
    while (bitCount >= 6) {
      bitCount -= 6;
      out += B64URL_ALPHABET.charAt((bits >> bitCount) & 63);
    }
  }
  if (bitCount > 0) out += B64URL_ALPHABET.charAt((bits << (6 - bitCount)) & 63);
  return out;
}

/**
 * Strict base64url: no padding, no `+`/`/`, no whitespace, and the spare low bits of the last
 * character must be zero, so every byte string has exactly one accepted spelling.
 */
export function base64urlDecode(text: string): Result<Uint8Array> {
  if (text.length % 4 === 1) return fail('validation_failed', 'base64url: impossible length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = lookup(B64URL_VALUES, text.charCodeAt(i));
    if (v < 0) return fail('validation_failed', `base64url: invalid character at position ${i}`);
    bits = ((bits << 6) | v) & 0xffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[o++] = (bits >> bitCount) & 0xff;
    }
  }
  if ((bits & ((1 << bitCount) - 1)) !== 0) {
    return fail('validation_failed', 'base64url: non-zero padding bits (not canonical)');
  }
  return ok(out);
}

// ---------------------------------------------------------------------------------------------
// base45 (RFC 9285)

/** The QR alphanumeric-mode character set, in base45 digit order. */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const B45_VALUES = reverseLookup(BASE45_ALPHABET);

/**
 * RFC 9285: each 2 bytes (a, b) → n = 256a + b → three digits c, d, e with n = c + 45d + 2025e,
 * written in the order c d e; a trailing single byte → two digits. Output uses only QR
 * alphanumeric characters, so a QR encoder can use the denser alphanumeric mode.
 */
export function base45Encode(bytes: Uint8Array): string {
  const digit = (v: number) => BASE45_ALPHABET.charAt(v);
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const n = byteAt(bytes, i) * 256 + byteAt(bytes, i + 1);
      out += digit(n % 45) + digit(Math.floor(n / 45) % 45) + digit(Math.floor(n / 2025));
    } else {
      const n = byteAt(bytes, i);
      out += digit(n % 45) + digit(Math.floor(n / 45));
    }
  }
  return out;
}

/**
 * Strict RFC 9285 decoding: upper case only, and a group whose value does not fit its bytes
 * (above 65535 for three digits, above 255 for two) is an error, as the RFC requires.
 */
export function base45Decode(text: string): Result<Uint8Array> {
  if (text.length % 3 === 1) return fail('validation_failed', 'base45: impossible length');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const c = lookup(B45_VALUES, text.charCodeAt(i));
    const d = lookup(B45_VALUES, text.charCodeAt(i + 1));
    if (c < 0 || d < 0) return fail('validation_failed', `base45: invalid character near position ${i}`);
    if (i + 2 < text.length) {
      const e = lookup(B45_VALUES, text.charCodeAt(i + 2));
      if (e < 0) return fail('validation_failed', `base45: invalid character near position ${i}`);
      const n = c + d * 45 + e * 2025;
      if (n > 0xffff) return fail('validation_failed', `base45: group at position ${i} is out of range`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = c + d * 45;
      if (n > 0xff) return fail('validation_failed', `base45: group at position ${i} is out of range`);
      out[o++] = n;
    }
  }
  return ok(out);
}

// ---------------------------------------------------------------------------------------------
// UTF-8 and ASCII

/** UTF-8 bytes of a string. A lone surrogate becomes U+FFFD, as TextEncoder does. */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else {
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    }
  }
  return Uint8Array.from(out);
}

/**
 * Strict UTF-8 decoding (like `new TextDecoder('utf-8', { fatal: true })`): truncated sequences,
 * overlong forms, surrogates and code points above U+10FFFF are errors, never replaced silently.
 */
export function utf8Decode(bytes: Uint8Array): Result<string> {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b0 = byteAt(bytes, i);
    let cp: number;
    let extra: number;
    let min: number;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
      continue;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1f;
      extra = 1;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0f;
      extra = 2;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07;
      extra = 3;
      min = 0x10000;
    } else {
      return fail('validation_failed', `utf8: invalid lead byte at offset ${i}`);
    }
    if (i + extra >= bytes.length) {
      return fail('validation_failed', `utf8: truncated sequence at offset ${i}`);
    }
    for (let k = 1; k <= extra; k++) {
      const b = byteAt(bytes, i + k);
      if ((b & 0xc0) !== 0x80)
        return fail('validation_failed', `utf8: invalid continuation at offset ${i + k}`);
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return fail('validation_failed', `utf8: invalid code point at offset ${i}`);
    }
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += extra + 1;
  }
  return ok(fromCharCodes(units));
}

/** ASCII bytes of a string; any character above U+007F is an error. */
export function asciiEncode(text: string): Result<Uint8Array> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return fail('validation_failed', `ascii: non-ASCII character at position ${i}`);
    out[i] = code;
  }
  return ok(out);
}

export function asciiDecode(bytes: Uint8Array): Result<string> {
  const codes: number[] = [];
  for (const [i, byte] of bytes.entries()) {
    if (byte > 0x7f) return fail('validation_failed', `ascii: non-ASCII byte at offset ${i}`);
    codes.push(byte);
  }
  return ok(fromCharCodes(codes));
}

// ---------------------------------------------------------------------------------------------
// UUIDs

const UUID_SHAPE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The 16 bytes of a UUID written 8-4-4-4-12 (either case). Only the shape is checked; whether
 * the version and variant bits are RFC 9562 ones is the domain schema's business (`Uuid`).
 */
export function uuidToBytes(uuid: string): Result<Uint8Array> {
  if (!UUID_SHAPE.test(uuid)) return fail('validation_failed', 'uuid: expected 8-4-4-4-12 hex digits');
  return hexDecode(uuid.replaceAll('-', ''));
}

/** The canonical lower-case 8-4-4-4-12 spelling of 16 bytes. */
export function bytesToUuid(bytes: Uint8Array): string {
  strictAssert(bytes.length === 16, 'a UUID is 16 bytes');
  const hex = hexEncode(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
