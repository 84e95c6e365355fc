import { describe, expect, it } from 'vitest';
import { seededRandom } from './testing/random.ts';
import {
  asciiDecode,
  asciiEncode,
  base45Decode,
  base45Encode,
  base64urlDecode,
  base64urlEncode,
  bytesEqual,
  bytesToUuid,
  concatBytes,
  hexDecode,
  hexEncode,
  utf8Decode,
  utf8Encode,
  uuidToBytes,
} from './encoding.ts';
import type { Result } from './errors.ts';

function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.value;
}

const ascii = (text: string) => value(asciiEncode(text));

describe('base45 (RFC 9285)', () => {
  const vectors: [string, string][] = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ];

  it.each(vectors)('encodes %j as %j and decodes it back', (text, encoded) => {
    expect(base45Encode(ascii(text))).toBe(encoded);
    expect(value(asciiDecode(value(base45Decode(encoded))))).toBe(text);
  });

  it('encodes the empty byte string as the empty string', () => {
    expect(base45Encode(new Uint8Array(0))).toBe('');
    expect(value(base45Decode(''))).toEqual(new Uint8Array(0));
  });

  it('decodes the largest three-digit group to 0xFFFF and refuses one past it', () => {
    expect(value(base45Decode('FGW'))).toEqual(new Uint8Array([255, 255]));
    expect(base45Decode('GGW').ok).toBe(false);
  });

  it('refuses a two-digit group above 255', () => {
    expect(value(base45Decode('U5'))).toEqual(new Uint8Array([255]));
    expect(base45Decode('V5').ok).toBe(false);
    expect(base45Decode('ZZ').ok).toBe(false);
  });

  it('refuses lengths that no byte string encodes to', () => {
    expect(base45Decode('B').ok).toBe(false);
    expect(base45Decode('BB8B').ok).toBe(false);
  });

  it('refuses characters outside the alphabet, including lower case and non-ASCII', () => {
    for (const bad of ['bb8', 'BB#', 'B=8', 'BB\n', 'BBé', 'B\u0000B'])
      expect(base45Decode(bad).ok).toBe(false);
  });

  it('round-trips random byte strings of every length up to 64', () => {
    const random = seededRandom(45);
    for (let length = 0; length <= 64; length++) {
      const bytes = randomBytes(random, length);
      const encoded = base45Encode(bytes);
      expect(encoded).toMatch(/^[0-9A-Z $%*+\-./:]*$/);
      expect(encoded.length).toBe(Math.floor(length / 2) * 3 + (length % 2) * 2);
      expect(value(base45Decode(encoded))).toEqual(bytes);
    }
  });
});

describe('base64url (RFC 4648 §5, unpadded)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];

  it.each(vectors)('encodes %j as %j and decodes it back', (text, encoded) => {
    expect(base64urlEncode(ascii(text))).toBe(encoded);
    expect(value(asciiDecode(value(base64urlDecode(encoded))))).toBe(text);
  });

  it('uses - and _ where standard base64 has + and /', () => {
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64urlEncode(new Uint8Array([0xfb, 0xef, 0xbe]))).toBe('----');
    expect(base64urlEncode(new Uint8Array([0xff, 0xff, 0xff]))).toBe('____');
    expect(value(base64urlDecode('-_8'))).toEqual(new Uint8Array([0xfb, 0xff]));
  });

  it('agrees with Node for random byte strings', () => {
    const random = seededRandom(64);
    for (let length = 0; length <= 70; length++) {
      const bytes = randomBytes(random, length);
      const encoded = base64urlEncode(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
      expect(value(base64urlDecode(encoded))).toEqual(bytes);
    }
  });

  it('refuses padding, standard-alphabet characters, whitespace and impossible lengths', () => {
    for (const bad of ['Zg==', 'Zm9v+A', 'Zm9v/A', 'Zm9 v', 'Z', 'Zm9vY', 'Zé']) {
      expect(base64urlDecode(bad).ok).toBe(false);
    }
  });

  it('refuses a spelling whose spare bits are not zero, so each byte string has one spelling', () => {
    expect(base64urlDecode('Zh').ok).toBe(false); // 'Zg' is the canonical spelling of "f"
    expect(base64urlDecode('Zm9').ok).toBe(false); // 'Zm8' is the canonical spelling of "fo"
  });
});

describe('hex', () => {
  it('encodes lower case and decodes either case', () => {
    expect(hexEncode(new Uint8Array([0x00, 0x0f, 0xa5, 0xff]))).toBe('000fa5ff');
    expect(value(hexDecode('000FA5ff'))).toEqual(new Uint8Array([0x00, 0x0f, 0xa5, 0xff]));
  });

  it('refuses odd lengths and non-hex digits', () => {
    for (const bad of ['abc', 'zz', '0x', ' 0', '0g']) expect(hexDecode(bad).ok).toBe(false);
  });
});

describe('utf8', () => {
  it('encodes and decodes one-, two-, three- and four-byte characters', () => {
    expect(hexEncode(utf8Encode('aé€𝄞'))).toBe('61c3a9e282acf09d849e');
    expect(value(utf8Decode(value(hexDecode('61c3a9e282acf09d849e'))))).toBe('aé€𝄞');
  });

  it('replaces a lone surrogate with U+FFFD, as TextEncoder does', () => {
    expect(hexEncode(utf8Encode('a\ud800b'))).toBe('61efbfbd62');
    expect(hexEncode(utf8Encode('\udc00'))).toBe('efbfbd');
    expect(hexEncode(utf8Encode('\ud800'))).toBe('efbfbd');
  });

  it('agrees with TextEncoder and TextDecoder on random strings', () => {
    const random = seededRandom(8);
    const encoder = new TextEncoder();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let i = 0; i < 300; i++) {
      const codes = Array.from({ length: Math.floor(random() * 20) }, () => {
        const range = [0x80, 0x800, 0x10000, 0x110000][Math.floor(random() * 4)] ?? 0x80;
        return Math.floor(random() * range);
      });
      const text = String.fromCharCode(...codes.flatMap((cp) => (cp < 0x10000 ? [cp] : split(cp))));
      const bytes = utf8Encode(text);
      expect(bytes).toEqual(encoder.encode(text));
      expect(value(utf8Decode(bytes))).toBe(decoder.decode(bytes));
    }
  });

  function split(cp: number): number[] {
    return [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)];
  }

  it('refuses invalid UTF-8 instead of guessing', () => {
    const bad = [
      '80',
      'c0 80',
      'c1 bf',
      'e0 80 80',
      'ed a0 80',
      'f4 90 80 80',
      'f5 80 80 80',
      'e2 82',
      'c3',
      'c3 41',
    ];
    for (const hex of bad) {
      expect(utf8Decode(value(hexDecode(hex.replaceAll(' ', '')))).ok, hex).toBe(false);
    }
  });

  it('decodes long inputs without overflowing the stack', () => {
    const text = 'x'.repeat(200_000) + '€';
    expect(value(utf8Decode(utf8Encode(text)))).toBe(text);
  });
});

describe('ascii', () => {
  it('round-trips 7-bit text and refuses anything wider', () => {
    expect(value(asciiDecode(ascii('F-7 adult\n')))).toBe('F-7 adult\n');
    expect(asciiEncode('café').ok).toBe(false);
    expect(asciiDecode(new Uint8Array([0x41, 0x80])).ok).toBe(false);
  });
});

describe('uuid bytes', () => {
  it('maps a UUID to its 16 bytes and back', () => {
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const bytes = value(uuidToBytes(uuid));
    expect(hexEncode(bytes)).toBe('0f8fad5bd9cb469fa16570867728950e');
    expect(bytesToUuid(bytes)).toBe(uuid);
  });

  it('accepts upper case and gives back the canonical lower-case spelling', () => {
    expect(bytesToUuid(value(uuidToBytes('0F8FAD5B-D9CB-469F-A165-70867728950E')))).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
  });

  it('round-trips any 16 bytes', () => {
    const random = seededRandom(16);
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(random, 16);
      expect(value(uuidToBytes(bytesToUuid(bytes)))).toEqual(bytes);
    }
  });

  it('refuses strings that are not shaped like a UUID', () => {
    const bad = [
      '',
      '0f8fad5bd9cb469fa16570867728950e',
      '{0f8fad5b-d9cb-469f-a165-70867728950e}',
      '0f8fad5b-d9cb-469f-a165-70867728950',
      '0f8fad5b-d9cb-469f-a165-70867728950g',
      ' 0f8fad5b-d9cb-469f-a165-70867728950e',
    ];
    for (const uuid of bad) expect(uuidToBytes(uuid).ok, uuid).toBe(false);
  });
});

describe('byte helpers', () => {
  it('compares by content and length', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });

  it('concatenates in order', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });
});
