/**
 * The `sessions` table: bearer tokens, stored only as their SHA-256. A staff session lasts a shift;
 * a terminal's lasts until it is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.ts';

export type SessionKind = 'staff' | 'device';

export interface SessionRow {
  kind: SessionKind;
  subject_id: string;
  expires_at: number | null;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
export const newToken = () => randomBytes(32).toString('base64url');

export async function createSession(
  ex: Executor,
  session: {
    token: string;
    kind: SessionKind;
    subjectId: string;
    role: string;
    expiresAt: number | null;
    now: number;
  },
): Promise<void> {
  await ex.run(
    'INSERT INTO sessions (token_hash, kind, subject_id, role, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [sha256(session.token), session.kind, session.subjectId, session.role, session.expiresAt, session.now],
  );
}

export function findSession(ex: Executor, token: string): Promise<SessionRow | undefined> {
  return ex.get<SessionRow>('SELECT kind, subject_id, expires_at FROM sessions WHERE token_hash = ?', [
    sha256(token),
  ]);
}

/** Signs a user or a terminal out everywhere. */
export async function endSessions(ex: Executor, kind: SessionKind, subjectId: string): Promise<void> {
  await ex.run('DELETE FROM sessions WHERE kind = ? AND subject_id = ?', [kind, subjectId]);
}
