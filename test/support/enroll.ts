/**
 * Enrolling a terminal, the one way every test does it: a manager creates a one-time code for a
 * profile (and lease policy), and the terminal redeems it — a core through `terminal.enroll`, a
 * bare device over HTTP with a key of its own (DESIGN §7, §11).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { generateSigningKeyPair, publicKeyToB64 } from '@marquee/shared';
import type { LeasePolicy, TerminalProfile } from '@marquee/shared';
import type { TerminalCore } from '../../desktop/core/src/core.ts';
import { refused, type Admin } from './http-api.ts';

export interface EnrollmentOptions {
  /** The name the back office lists; random by default. */
  name?: string | undefined;
  leasePolicy?: LeasePolicy | undefined;
}

/** A one-time enrollment code for a new terminal of `profile`. */
export async function enrollmentCode(
  admin: Admin,
  profile: TerminalProfile,
  options: EnrollmentOptions = {},
): Promise<string> {
  const res = await admin.api('POST', '/devices/enrollment-codes', {
    token: admin.adminToken,
    body: {
      name: options.name ?? `${profile}-${randomUUID().slice(0, 8)}`,
      profile,
      ...(options.leasePolicy === undefined ? {} : { leasePolicy: options.leasePolicy }),
    },
  });
  if (res.status !== 201) refused('enrollment code', res);
  return (res.body as { code: string }).code;
}

/** Enrolls an opened core against the server at `serverUrl` (the server itself, a proxy or a relay). */
export async function enrollCore(
  core: TerminalCore,
  admin: Admin,
  profile: TerminalProfile,
  serverUrl: string,
  options: EnrollmentOptions = {},
): Promise<void> {
  const code = await enrollmentCode(admin, profile, options);
  const enrolled = await core.handle('terminal.enroll', { serverUrl, code });
  if (!enrolled.ok) throw new Error(`enroll failed: ${JSON.stringify(enrolled.error)}`);
}

export interface Device {
  terminalId: string;
  /** Bearer token of the device session. */
  token: string;
  keyPair: ReturnType<typeof generateSigningKeyPair>;
}

/** Enrolls a device over HTTP, as a terminal does on its first start: it redeems a code with its key. */
export async function enrollDevice(admin: Admin, profile: TerminalProfile, name?: string): Promise<Device> {
  const code = await enrollmentCode(admin, profile, { name });
  const keyPair = generateSigningKeyPair(randomBytes(32));
  const enrolled = await admin.api('POST', '/devices/enroll', {
    body: { code, publicKey: publicKeyToB64(keyPair.publicKey) },
  });
  if (enrolled.status !== 201) refused('enroll', enrolled);
  const { terminalId, token } = enrolled.body as { terminalId: string; token: string };
  return { terminalId, token, keyPair };
}
