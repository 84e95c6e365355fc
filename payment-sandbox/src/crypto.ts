/**
 * The provider's side of the QR-pay cryptography (node:crypto): the platform key that signs every
 * answer and callback, verifying merchants' request signatures, and AEAD_AES_256_GCM encryption of
 * callback resources under a merchant's APIv3 key. The messages themselves are built in shared.
 */
import { createCipheriv, createHash, createPublicKey, randomInt, sign, verify } from 'node:crypto';
import type { EncryptedResource } from '@marquee/shared/payment-wire/qrpay';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random letters and digits: nonces, tokens, APIv3 keys. */
export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return out;
}

export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** A key's serial: the SHA-1 of its SubjectPublicKeyInfo, upper-case hex, as certificate serials look. */
export function keySerial(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/** SHA256-with-RSA (PKCS#1 v1.5), base64. */
export function rsaSign(message: Uint8Array, privateKeyPem: string): string {
  return sign('sha256', message, privateKeyPem).toString('base64');
}

export function rsaVerify(message: Uint8Array, signatureBase64: string, publicKeyPem: string): boolean {
  try {
    return verify('sha256', message, publicKeyPem, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** RFC 5116 AEAD_AES_256_GCM: base64(ciphertext ‖ tag), the key and nonce being the strings' bytes. */
export function encryptResource(
  apiV3Key: string,
  plaintext: string,
  originalType: EncryptedResource['original_type'],
): EncryptedResource {
  const nonce = randomToken(12);
  const associatedData = originalType;
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'ascii'), Buffer.from(nonce, 'ascii'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ciphertext.toString('base64'),
    nonce,
    associated_data: associatedData,
    original_type: originalType,
  };
}

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}
