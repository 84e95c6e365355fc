/**
 * The `signing_keys` table: the public keys tickets are verified with (the server's and every
 * enrolled terminal's). Each change is published, so every door verifies offline with the same
 * keyring and refuses a revoked terminal's tickets as soon as it has synced.
 */
import type { Keyring, SigningKey } from '@marquee/shared';
import { keyringFrom } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';

interface KeyRow {
  key_id: string;
  public_key: string;
  owner: SigningKey['owner'];
  terminal_id: string | null;
  revoked: number;
}

const keyOf = (row: KeyRow): SigningKey => ({
  keyId: row.key_id,
  publicKey: row.public_key,
  owner: row.owner,
  ...(row.terminal_id === null ? {} : { terminalId: row.terminal_id }),
  revoked: row.revoked === 1,
});

/** The replicated document of a key. */
const keyDoc = (key: SigningKey) => ({ id: key.keyId, ...key });

/** Every key, revoked ones included (they verify nothing, but say why). */
export async function loadKeyring(ex: Executor): Promise<Keyring> {
  const rows = await ex.all<KeyRow>(
    'SELECT key_id, public_key, owner, terminal_id, revoked FROM signing_keys',
  );
  return keyringFrom(rows.map(keyOf));
}

/** The keys one terminal signs with. */
export async function terminalKeyring(ex: Executor, terminalId: string): Promise<Keyring> {
  const rows = await ex.all<KeyRow>(
    "SELECT key_id, public_key, owner, terminal_id, revoked FROM signing_keys WHERE owner = 'terminal' AND terminal_id = ?",
    [terminalId],
  );
  return keyringFrom(rows.map(keyOf));
}

/** Whether a key id or public key is known already (ids are 48 bits: never trust two keys under one). */
export async function keyKnown(ex: Executor, keyId: string, publicKey: string): Promise<boolean> {
  const row = await ex.get('SELECT key_id FROM signing_keys WHERE key_id = ? OR public_key = ?', [
    keyId,
    publicKey,
  ]);
  return row !== undefined;
}

export async function addSigningKey(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  key: Omit<SigningKey, 'revoked'>,
): Promise<void> {
  await ex.run(
    'INSERT INTO signing_keys (key_id, public_key, owner, terminal_id, revoked) VALUES (?, ?, ?, ?, 0)',
    [key.keyId, key.publicKey, key.owner, key.terminalId ?? null],
  );
  await publish(ctx, ex, tx, 'signing_keys', key.keyId, keyDoc({ ...key, revoked: false }));
}

/** Revokes a terminal's keys and publishes it; answers how many were still live. */
export async function revokeTerminalKeys(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  terminalId: string,
): Promise<number> {
  const live = await ex.all<KeyRow>(
    'SELECT key_id, public_key, owner, terminal_id, revoked FROM signing_keys WHERE terminal_id = ? AND revoked = 0',
    [terminalId],
  );
  await ex.run('UPDATE signing_keys SET revoked = 1 WHERE terminal_id = ?', [terminalId]);
  for (const row of live) {
    await publish(ctx, ex, tx, 'signing_keys', row.key_id, keyDoc({ ...keyOf(row), revoked: true }));
  }
  return live.length;
}
