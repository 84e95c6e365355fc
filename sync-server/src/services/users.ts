/**
 * Staff accounts (the `staff_users` table). Managers run the staff; only an admin may make an
 * admin or touch an admin's account, nobody can lock themselves out, and the last active admin
 * stays one.
 */
import type { z } from 'zod';
import type { CreateUserRequest, StaffRole, StaffUser, UpdateUserRequest } from '@marquee/shared';
import { conflict, forbidden, invalidState, notFound } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { DbInt, Executor } from '../db/database.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { changedFields, defined } from './document-diff.ts';
import { hashPassword } from './passwords.ts';
import { endSessions } from './sessions.ts';

export type CreateUserInput = z.infer<typeof CreateUserRequest>;
export type UpdateUserInput = z.infer<typeof UpdateUserRequest>;

interface StaffRow {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
  active: number;
}

/** What signing in checks. */
export interface LoginRow extends StaffRow {
  password_hash: string;
}

const userOf = (row: StaffRow): StaffUser => ({
  id: row.id,
  username: row.username,
  name: row.name,
  role: row.role,
  active: row.active === 1,
});

const COLUMNS = 'id, username, name, role, active';

export function findStaffRow(ex: Executor, id: string): Promise<StaffRow | undefined> {
  return ex.get<StaffRow>(`SELECT ${COLUMNS} FROM staff_users WHERE id = ?`, [id]);
}

export function findLoginRow(ex: Executor, username: string): Promise<LoginRow | undefined> {
  return ex.get<LoginRow>(`SELECT ${COLUMNS}, password_hash FROM staff_users WHERE username = ?`, [
    username.toLowerCase(),
  ]);
}

/** Every account's display name by id, deactivated ones too (reports name past cashiers). */
export async function staffNames(ex: Executor): Promise<Map<string, string>> {
  const rows = await ex.all<{ id: string; name: string }>('SELECT id, name FROM staff_users');
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function usernameTaken(ex: Executor, username: string): Promise<boolean> {
  return (await ex.get('SELECT id FROM staff_users WHERE username = ?', [username])) !== undefined;
}

export async function countAdmins(ex: Executor): Promise<number> {
  const row = await ex.get<{ n: DbInt }>("SELECT COUNT(*) AS n FROM staff_users WHERE role = 'admin'");
  return Number(row?.n ?? 0);
}

/** Writes an active account (the back office, the first admin, the demo staff). */
export async function insertStaffUser(
  ex: Executor,
  user: { id: string; username: string; name: string; role: StaffRole; passwordHash: string; now: number },
): Promise<void> {
  await ex.run(
    'INSERT INTO staff_users (id, username, name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
    [user.id, user.username, user.name, user.role, user.passwordHash, user.now],
  );
}

const isAdmin = (actor: Actor) => actor.kind === 'staff' && actor.role === 'admin';

function assertMayManage(actor: Actor, role: StaffRole): void {
  if (role === 'admin' && !isAdmin(actor)) {
    throw forbidden('only an admin can grant the admin role or change an admin account');
  }
}

export async function listUsers(ctx: ServerContext): Promise<StaffUser[]> {
  const rows = await ctx.db.read((ex) =>
    ex.all<StaffRow>(`SELECT ${COLUMNS} FROM staff_users ORDER BY username`),
  );
  return rows.map(userOf);
}

export async function getUser(ctx: ServerContext, id: string): Promise<StaffUser> {
  const row = await ctx.db.read((ex) => findStaffRow(ex, id));
  if (row === undefined) throw notFound('user', id);
  return userOf(row);
}

export async function createUser(
  ctx: ServerContext,
  actor: Actor,
  input: CreateUserInput,
): Promise<StaffUser> {
  assertMayManage(actor, input.role);
  // Hashing is deliberately slow: done before the write transaction, which must stay short.
  const passwordHash = await hashPassword(input.password);
  const username = input.username.toLowerCase();
  return ctx.db.write(async (ex) => {
    if (await usernameTaken(ex, username)) {
      throw conflict(`the username ${username} is taken`, { field: 'body.username', username });
    }
    const user: StaffUser = { id: ctx.newId(), username, name: input.name, role: input.role, active: true };
    await insertStaffUser(ex, { ...user, passwordHash, now: ctx.now() });
    await audit(ex, ctx, actor, 'user.create', user.id, { username, role: user.role });
    return user;
  });
}

/** A new password or a deactivation ends the user's sessions. */
export async function updateUser(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateUserInput,
): Promise<StaffUser> {
  const hash = input.password === undefined ? undefined : await hashPassword(input.password);
  return ctx.db.write(async (ex, tx) => {
    const row = await findStaffRow(ex, id);
    if (row === undefined) throw notFound('user', id);
    const current = userOf(row);
    assertMayManage(actor, current.role);
    if (input.role !== undefined) assertMayManage(actor, input.role);
    const next: StaffUser = {
      ...current,
      ...defined({ name: input.name, role: input.role, active: input.active }),
    };
    const self = actor.kind === 'staff' && actor.id === id;
    if (self && current.active && !next.active) {
      throw invalidState('you cannot deactivate your own account', { field: 'body.active', userId: id });
    }
    if (self && next.role !== current.role) {
      throw invalidState('you cannot change your own role', { field: 'body.role', userId: id });
    }
    const losesAdmin = current.role === 'admin' && current.active && (next.role !== 'admin' || !next.active);
    if (losesAdmin) {
      const others = await ex.get<{ n: DbInt }>(
        "SELECT COUNT(*) AS n FROM staff_users WHERE role = 'admin' AND active = 1 AND id <> ?",
        [id],
      );
      if (Number(others?.n ?? 0) === 0) {
        throw invalidState('this is the last active admin; make someone else admin first', { userId: id });
      }
    }
    const changed = changedFields(current, next);
    if (hash !== undefined) changed.push('password');
    if (changed.length === 0) return current;
    await ex.run('UPDATE staff_users SET name = ?, role = ?, active = ? WHERE id = ?', [
      next.name,
      next.role,
      next.active ? 1 : 0,
      id,
    ]);
    if (hash !== undefined) await ex.run('UPDATE staff_users SET password_hash = ? WHERE id = ?', [hash, id]);
    if (hash !== undefined || !next.active) await endSessions(ctx, ex, tx, 'staff', id);
    await audit(ex, ctx, actor, 'user.update', id, {
      changed,
      ...(next.role === current.role ? {} : { role: next.role }),
      ...(next.active === current.active ? {} : { active: next.active }),
    });
    return next;
  });
}

/** A manager ends every session of a member of staff (a lost phone, a shared password). */
export async function endUserSessions(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const row = await findStaffRow(ex, id);
    if (row === undefined) throw notFound('user', id);
    assertMayManage(actor, userOf(row).role);
    const ended = await endSessions(ctx, ex, tx, 'staff', id);
    await audit(ex, ctx, actor, 'user.end_sessions', id, { ended });
  });
}
