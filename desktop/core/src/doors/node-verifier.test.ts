import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKeyPair,
  keyringFrom,
  publicKeyToB64,
  signTicket,
  verifyTicket,
} from '@marquee/shared';
import { nodeSignatureVerifier } from './node-verifier.ts';

describe("the door's fast signature check", () => {
  it('gives the same verdict as the portable verifier on genuine, tampered and foreign tickets', () => {
    const fast = nodeSignatureVerifier();
    const signer = generateSigningKeyPair(randomBytes(32));
    const stranger = generateSigningKeyPair(randomBytes(32));
    const keyring = keyringFrom([
      { keyId: signer.keyId, publicKey: publicKeyToB64(signer.publicKey), owner: 'server', revoked: false },
    ]);
    const impostorRing = keyringFrom([
      { keyId: signer.keyId, publicKey: publicKeyToB64(stranger.publicKey), owner: 'server', revoked: false },
    ]);
    let tampered = 0;
    for (let i = 0; i < 200; i++) {
      const token = signTicket(
        {
          ticketId: randomUUID(),
          showtimeId: randomUUID(),
          seatId: `F-${String(1 + (i % 20))}`,
          ticketType: 'adult',
          keyId: signer.keyId,
          issuedAt: 1_790_000_000 + i,
        },
        signer.privateKey,
      );
      expect(verifyTicket(token, keyring, fast).verdict).toBe('valid');
      expect(verifyTicket(token, impostorRing, fast).verdict).toBe('bad_signature');
      // Flip one character anywhere: both verifiers must agree on what that is.
      const at = i % token.length;
      const swapped = token[at] === 'A' ? 'B' : 'A';
      const forged = token.slice(0, at) + swapped + token.slice(at + 1);
      const portable = verifyTicket(forged, keyring).verdict;
      expect(verifyTicket(forged, keyring, fast).verdict).toBe(portable);
      if (portable !== 'valid') tampered += 1;
    }
    expect(tampered).toBe(200);
  });
});
