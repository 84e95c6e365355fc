/**
 * The `terminals` table: enrolled devices, their profile, key and offline-sales lease policy.
 * Enrollment and the back office (devices.ts), sign-in and leases read and write it through here.
 */
import type { LeasePolicy, Terminal, TerminalProfile } from '@marquee/shared';
import type { Executor } from '../db/database.ts';

export const DEFAULT_LEASE_POLICY: LeasePolicy = { seatsPerShowtime: 4, hoursAhead: 6 };

export interface TerminalRow {
  id: string;
  name: string;
  profile: TerminalProfile;
  public_key: string;
  key_id: string;
  status: Terminal['status'];
  lease_policy: string;
  enrolled_at: number;
}

export const terminalOf = (row: TerminalRow): Terminal => ({
  id: row.id,
  name: row.name,
  profile: row.profile,
  publicKey: row.public_key,
  keyId: row.key_id,
  enrolledAt: new Date(row.enrolled_at).toISOString(),
  status: row.status,
  leasePolicy: JSON.parse(row.lease_policy) as LeasePolicy,
});

export function findTerminal(ex: Executor, id: string): Promise<TerminalRow | undefined> {
  return ex.get<TerminalRow>('SELECT * FROM terminals WHERE id = ?', [id]);
}

export function allTerminals(ex: Executor): Promise<TerminalRow[]> {
  return ex.all<TerminalRow>('SELECT * FROM terminals ORDER BY name, id');
}

/** Every terminal's name by id, revoked ones too (reports name past sales). */
export async function terminalNames(ex: Executor): Promise<Map<string, string>> {
  const rows = await ex.all<{ id: string; name: string }>('SELECT id, name FROM terminals');
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The terminal's lease policy; none (no offline seats) for a terminal that is not enrolled. */
export async function leasePolicyOf(ex: Executor, terminalId: string): Promise<LeasePolicy | undefined> {
  const row = await ex.get<{ lease_policy: string }>('SELECT lease_policy FROM terminals WHERE id = ?', [
    terminalId,
  ]);
  return row === undefined ? undefined : (JSON.parse(row.lease_policy) as LeasePolicy);
}

export async function insertTerminal(ex: Executor, terminal: Terminal): Promise<void> {
  await ex.run(
    `INSERT INTO terminals (id, name, profile, public_key, key_id, status, lease_policy, enrolled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      terminal.id,
      terminal.name,
      terminal.profile,
      terminal.publicKey,
      terminal.keyId,
      terminal.status,
      JSON.stringify(terminal.leasePolicy),
      Date.parse(terminal.enrolledAt),
    ],
  );
}

export async function updateTerminal(ex: Executor, terminal: Terminal): Promise<void> {
  await ex.run('UPDATE terminals SET name = ?, lease_policy = ?, status = ? WHERE id = ?', [
    terminal.name,
    JSON.stringify(terminal.leasePolicy),
    terminal.status,
    terminal.id,
  ]);
}
