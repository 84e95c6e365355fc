/**
 * Terminals: enrollment (a manager's one-time code, then the device's own Ed25519 key), the
 * calling terminal's own record, and the back office (rename, lease policy, revoke).
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type {
  CreateEnrollmentCodeRequest,
  EnrollRequest,
  EnrollResponse,
  EnrollmentCodeResponse,
  Terminal,
  TerminalProfile,
  TerminalSelfResponse,
  UpdateDeviceRequest,
} from '@marquee/shared';
import {
  conflict,
  invalidState,
  keyIdOf,
  notFound,
  publicKeyFromB64,
  unauthenticated,
  validationFailed,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publishSeatMap } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { defined, changedFields } from './document-diff.ts';
import { releaseHoldsOfTerminal } from './holds.ts';
import { reclaimLeasesOfTerminal } from './leases.ts';
import { releaseTerminalClaims } from './seat-claims.ts';
import { createSession, endSessions, newToken, sha256 } from './sessions.ts';
import { addSigningKey, keyKnown, revokeTerminalKeys } from './signing-keys.ts';
import {
  DEFAULT_LEASE_POLICY,
  allTerminals,
  findTerminal,
  insertTerminal,
  leasePolicyOf,
  terminalOf,
  updateTerminal,
} from './terminals.ts';

export type UpdateDeviceInput = z.infer<typeof UpdateDeviceRequest>;

export const ENROLLMENT_CODE_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Enrollment

/** Codes are short enough to type on a kiosk: 10 characters from an unambiguous alphabet. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newEnrollmentCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

interface CodeRow {
  code_hash: string;
  name: string;
  profile: TerminalProfile;
  lease_policy: string;
  expires_at: number;
  used_at: number | null;
}

export async function createEnrollmentCode(
  ctx: ServerContext,
  actor: Actor,
  input: CreateEnrollmentCodeRequest,
): Promise<z.infer<typeof EnrollmentCodeResponse>> {
  const code = newEnrollmentCode();
  const expiresAt = ctx.now() + ENROLLMENT_CODE_MS;
  await ctx.db.write(async (ex) => {
    await ex.run(
      `INSERT INTO enrollment_codes (code_hash, name, profile, lease_policy, expires_at, used_at, created_by)
       VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      [
        sha256(code),
        input.name,
        input.profile,
        JSON.stringify(input.leasePolicy ?? DEFAULT_LEASE_POLICY),
        expiresAt,
        actor.kind === 'anonymous' ? '' : actor.id,
      ],
    );
    await audit(ex, ctx, actor, 'device.enrollment_code', null, { name: input.name, profile: input.profile });
  });
  return { code, name: input.name, profile: input.profile, expiresAt: new Date(expiresAt).toISOString() };
}

/** Takes a code once: unknown, used and expired codes get one answer, so a guesser learns nothing. */
async function redeemCode(ex: Executor, code: string, now: number): Promise<CodeRow> {
  const row = await ex.get<CodeRow>('SELECT * FROM enrollment_codes WHERE code_hash = ?', [
    sha256(normalizeCode(code)),
  ]);
  if (row === undefined || row.used_at !== null || row.expires_at <= now) {
    throw unauthenticated('enrollment code is not valid');
  }
  const claimed = await ex.run(
    'UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL',
    [now, row.code_hash],
  );
  if (claimed !== 1) throw unauthenticated('enrollment code is not valid');
  return row;
}

export async function enroll(ctx: ServerContext, input: EnrollRequest): Promise<EnrollResponse> {
  const publicKey = publicKeyFromB64(input.publicKey);
  if (!publicKey.ok)
    throw validationFailed('publicKey: not a valid Ed25519 public key', { field: 'body.publicKey' });
  const keyId = keyIdOf(publicKey.value);
  const token = newToken();
  const terminalId = ctx.newId();
  const now = ctx.now();
  return ctx.db.write(async (ex, tx) => {
    const code = await redeemCode(ex, input.code, now);
    // Key ids are 48 bits: refuse a key whose id is taken rather than trust two keys under one id.
    if (await keyKnown(ex, keyId, input.publicKey)) {
      throw conflict('this device key is already enrolled; generate a new key');
    }
    const terminal: Terminal = {
      id: terminalId,
      name: code.name,
      profile: code.profile,
      publicKey: input.publicKey,
      keyId,
      enrolledAt: new Date(now).toISOString(),
      status: 'active',
      leasePolicy: JSON.parse(code.lease_policy) as Terminal['leasePolicy'],
    };
    await insertTerminal(ex, terminal);
    await createSession(ex, {
      token,
      kind: 'device',
      subjectId: terminalId,
      role: code.profile,
      expiresAt: null,
      now,
    });
    await addSigningKey(ctx, ex, tx, { keyId, publicKey: input.publicKey, owner: 'terminal', terminalId });
    const self: Actor = { kind: 'device', id: terminalId, profile: code.profile, name: code.name };
    await audit(ex, ctx, self, 'device.enroll', terminalId, { keyId });
    return {
      terminalId,
      token,
      name: code.name,
      profile: code.profile,
      keyId,
      serverKeyId: ctx.signer.keyId,
    };
  });
}

/** The calling terminal's own record: what it needs to start (profile, lease policy, server key). */
export async function terminalSelf(ctx: ServerContext, actor: Actor): Promise<TerminalSelfResponse> {
  if (actor.kind !== 'device') throw unauthenticated('a terminal token is required');
  const policy = await ctx.db.read((ex) => leasePolicyOf(ex, actor.id));
  return {
    terminalId: actor.id,
    name: actor.name,
    profile: actor.profile,
    leasePolicy: policy ?? DEFAULT_LEASE_POLICY,
    serverKeyId: ctx.signer.keyId,
    serverTime: new Date(ctx.now()).toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Back office

export async function listDevices(ctx: ServerContext): Promise<Terminal[]> {
  const rows = await ctx.db.read((ex) => allTerminals(ex));
  return rows.map(terminalOf);
}

export async function getDevice(ctx: ServerContext, id: string): Promise<Terminal> {
  const row = await ctx.db.read((ex) => findTerminal(ex, id));
  if (row === undefined) throw notFound('device', id);
  return terminalOf(row);
}

/**
 * Renames a terminal, sets its offline-sales lease policy, or revokes it. Revocation is final (a
 * revoked device may have been stolen with its key): the device enrolls again with a new code.
 */
export async function updateDevice(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateDeviceInput,
): Promise<Terminal> {
  return ctx.db.write(async (ex, tx) => {
    const row = await findTerminal(ex, id);
    if (row === undefined) throw notFound('device', id);
    const current = terminalOf(row);
    if (current.status === 'revoked' && input.status === 'active') {
      throw invalidState('a revoked terminal cannot be reactivated; enroll it again with a new code', {
        field: 'body.status',
        terminalId: id,
      });
    }
    const next: Terminal = { ...current, ...defined(input) };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await updateTerminal(ex, next);
    const revoking = current.status === 'active' && next.status === 'revoked';
    const effects = revoking ? await revokeTerminal(ctx, ex, tx, id) : undefined;
    await audit(ex, ctx, actor, revoking ? 'device.revoke' : 'device.update', id, { changed, ...effects });
    return next;
  });
}

/**
 * Ends everything a revoked terminal holds: its sessions, its signing key (published, so every
 * door refuses tickets it signs from now on), its holds and its leases (the seats go back on sale).
 */
async function revokeTerminal(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  terminalId: string,
): Promise<Record<string, number>> {
  await endSessions(ctx, ex, tx, 'device', terminalId);
  const keysRevoked = await revokeTerminalKeys(ctx, ex, tx, terminalId);
  const touched = await releaseTerminalClaims(ex, terminalId);
  const holdsReleased = await releaseHoldsOfTerminal(ex, terminalId);
  const leasesReclaimed = await reclaimLeasesOfTerminal(ctx, ex, tx, terminalId);
  for (const showtimeId of touched) await publishSeatMap(ctx, ex, tx, showtimeId);
  return { keysRevoked, holdsReleased, leasesReclaimed };
}
