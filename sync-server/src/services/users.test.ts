/** Staff accounts through the back-office service: no locking yourself out, admins make admins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import { adminOf } from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createUser, updateUser } from './users.ts';

let server: TestServer;
let ctx: ServerContext;
let admin: Actor;

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  ctx = server.ctx;
  admin = await adminOf(ctx);
});

afterAll(async () => {
  await server.close();
});

describe('staff accounts', () => {
  it('does not let an admin deactivate or demote themself', async () => {
    if (admin.kind !== 'staff') throw new Error('admin is staff');
    await expect(updateUser(ctx, admin, admin.id, { active: false })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await expect(updateUser(ctx, admin, admin.id, { role: 'manager' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });

  it('lets only an admin grant the admin role, and refuses a taken username', async () => {
    const manager = await createUser(ctx, admin, {
      username: 'mgr.one',
      name: 'Manager One',
      role: 'manager',
      password: 'a long enough password',
    });
    const asManager: Actor = { kind: 'staff', id: manager.id, role: 'manager', name: manager.name };
    await expect(
      createUser(ctx, asManager, {
        username: 'boss',
        name: 'Boss',
        role: 'admin',
        password: 'a long enough password',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      createUser(ctx, admin, {
        username: 'mgr.one',
        name: 'Again',
        role: 'cashier',
        password: 'a long enough password',
      }),
    ).rejects.toMatchObject({ code: 'conflict', details: { field: 'body.username' } });
  });
});
