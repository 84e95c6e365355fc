/**
 * The `sessions` table: bearer tokens, stored only as their SHA-256. A staff session lasts a shift;
 * a terminal's lasts until it is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';

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

/**
 * Signs a user or a terminal out everywhere. Once committed, this process's open streams are
 * checked at once; other server processes find the sessions gone on their next check.
 */
export async function endSessions(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  kind: SessionKind,
  subjectId: string,
): Promise<number> {
  const ended = await ex.run('DELETE FROM sessions WHERE kind = ? AND subject_id = ?', [kind, subjectId]);
  tx.afterCommit(() => ctx.feed.sessionsEnded());
  return ended;
}

/** Signs one token out (logout); answers whether it was a session. */
export async function endSession(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  token: string,
): Promise<boolean> {
  const ended = await ex.run('DELETE FROM sessions WHERE token_hash = ?', [sha256(token)]);
  tx.afterCommit(() => ctx.feed.sessionsEnded());
  return ended > 0;
}

const LIVE_CHUNK = 500;

/** Of these token hashes, the ones that are still a session at `now` (not ended, not expired). */
export async function liveTokenHashes(
  ex: Executor,
  hashes: readonly string[],
  now: number,
): Promise<Set<string>> {
  const live = new Set<string>();
  for (let i = 0; i < hashes.length; i += LIVE_CHUNK) {
    const chunk = hashes.slice(i, i + LIVE_CHUNK);
    const rows = await ex.all<{ token_hash: string }>(
      `SELECT token_hash FROM sessions
        WHERE token_hash IN (${chunk.map(() => '?').join(', ')}) AND (expires_at IS NULL OR expires_at > ?)`,
      [...chunk, now],
    );
    for (const row of rows) live.add(row.token_hash);
  }
  return live;
}
