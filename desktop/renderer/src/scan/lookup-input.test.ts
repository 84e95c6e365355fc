import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, keyIdOf, signTicket } from '@marquee/shared';
import { classifyLookupInput } from './lookup-input.ts';

const keys = generateSigningKeyPair(new Uint8Array(32).fill(7));
const token = signTicket(
  {
    ticketId: '0b8f5f0e-7d4c-4e61-9a3e-1f2a3b4c5d6e',
    showtimeId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    seatId: 'F-7',
    ticketType: 'adult',
    keyId: keyIdOf(keys.publicKey),
    issuedAt: 1_700_000_000,
  },
  keys.privateKey,
);

describe('lookup input', () => {
  it('recognises a scanned ticket token, with the whitespace a scanner adds', () => {
    expect(classifyLookupInput(`${token}\n`)).toEqual({ kind: 'token', token });
  });

  it('recognises a token typed in lower case', () => {
    expect(classifyLookupInput(token.toLowerCase())).toEqual({ kind: 'token', token });
  });

  it('recognises ticket and order ids', () => {
    expect(classifyLookupInput(' 0B8F5F0E-7D4C-4E61-9A3E-1F2A3B4C5D6E ')).toEqual({
      kind: 'uuid',
      id: '0b8f5f0e-7d4c-4e61-9a3e-1f2a3b4c5d6e',
    });
  });

  it('recognises a printed order code', () => {
    expect(classifyLookupInput('q87x7bax')).toEqual({ kind: 'order_code', code: 'Q87X7BAX' });
  });

  it('says when there is nothing or nothing it knows', () => {
    expect(classifyLookupInput('   ')).toEqual({ kind: 'empty' });
    expect(classifyLookupInput('hello world!')).toEqual({ kind: 'unknown', text: 'hello world!' });
  });
});
