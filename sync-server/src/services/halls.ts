/**
 * Halls in the back office. The server owns layout versions: a new hall starts at 1, and a
 * changed layout gets the next version, which the hall's upcoming showtimes sell from then on.
 */
import type { z } from 'zod';
import type { CreateHallRequest, Hall, HallLayout, UpdateHallRequest } from '@marquee/shared';
import { capacity, conflict, validateLayout, validationFailed } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { listLive, loadLive, retire } from './catalogue-store.ts';
import { canonical, changedFields, unique } from './document-diff.ts';
import { everUsed, stillInUse, upcomingShowtimeIds } from './showtime-rows.ts';
import { moveShowtimesToLayout } from './showtimes.ts';

export type CreateHallInput = z.infer<typeof CreateHallRequest>;
export type UpdateHallInput = z.infer<typeof UpdateHallRequest>;

/** Parses the layout and checks its structural rules; the error names the field and the rule. */
function checkLayout(input: unknown): HallLayout {
  const result = validateLayout(input);
  if (result.ok) return result.value;
  const details = result.error.details ?? {};
  const path = typeof details['path'] === 'string' && details['path'] !== '' ? `.${details['path']}` : '';
  const field = `body.layout${path}`;
  throw validationFailed(`${field}: ${result.error.message}`, { field, ...details });
}

async function assertNameFree(ex: Executor, name: string, exceptId: string | null): Promise<void> {
  const clash = await ex.get<{ id: string }>(
    'SELECT id FROM halls WHERE lower(name) = lower(?) AND archived_at IS NULL AND id <> ?',
    [name, exceptId ?? ''],
  );
  if (clash !== undefined) {
    throw conflict(`there is already a hall called ${name}`, { field: 'body.name', hallId: clash.id });
  }
}

/** Whether any hall exists (archived ones too): a database with one has a programme. */
export async function anyHall(ex: Executor): Promise<boolean> {
  return (await ex.get('SELECT id FROM halls LIMIT 1')) !== undefined;
}

/** Writes a new hall row (the back office and the demo seed). */
export async function insertHall(ex: Executor, hall: Hall): Promise<void> {
  await ex.run('INSERT INTO halls (id, name, body) VALUES (?, ?, ?)', [
    hall.id,
    hall.name,
    JSON.stringify(hall),
  ]);
}

export async function listHalls(ctx: ServerContext): Promise<Hall[]> {
  const halls = await ctx.db.read((ex) => listLive<Hall>(ex, 'halls'));
  return halls.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function getHall(ctx: ServerContext, id: string): Promise<Hall> {
  return ctx.db.read((ex) => loadLive<Hall>(ex, 'halls', id, 'hall'));
}

export async function createHall(ctx: ServerContext, actor: Actor, input: CreateHallInput): Promise<Hall> {
  const layout = checkLayout({ ...input.layout, version: 1 });
  return ctx.db.write(async (ex, tx) => {
    await assertNameFree(ex, input.name, null);
    const hall: Hall = {
      id: ctx.newId(),
      siteId: ctx.site.id,
      name: input.name,
      features: unique(input.features),
      layout,
    };
    await insertHall(ex, hall);
    await publish(ctx, ex, tx, 'halls', hall.id, hall);
    await audit(ex, ctx, actor, 'hall.create', hall.id, { name: hall.name, seats: capacity(layout) });
    return hall;
  });
}

/**
 * A changed layout gets the next version and moves the hall's upcoming showtimes to it; a layout
 * dropping a seat taken for one of them is refused (see {@link moveShowtimesToLayout}).
 */
export async function updateHall(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateHallInput,
): Promise<Hall> {
  const proposed = input.layout === undefined ? undefined : checkLayout(input.layout);
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<Hall>(ex, 'halls', id, 'hall');
    if (input.name !== undefined && input.name !== current.name) await assertNameFree(ex, input.name, id);
    const layoutChanged =
      proposed !== undefined && canonical(proposed.rows) !== canonical(current.layout.rows);
    const next: Hall = {
      ...current,
      name: input.name ?? current.name,
      features: input.features === undefined ? current.features : unique(input.features),
      layout: layoutChanged ? { version: current.layout.version + 1, rows: proposed.rows } : current.layout,
    };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    const moved = layoutChanged ? await moveShowtimesToLayout(ctx, ex, tx, next) : 0;
    await ex.run('UPDATE halls SET name = ?, body = ? WHERE id = ?', [next.name, JSON.stringify(next), id]);
    await publish(ctx, ex, tx, 'halls', id, next);
    await audit(ex, ctx, actor, 'hall.update', id, {
      changed,
      layoutVersion: next.layout.version,
      showtimesMoved: moved,
    });
    return next;
  });
}

/** Deleting a hall with showtimes in its past archives it (see catalogue-store.ts). */
export async function deleteHall(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const hall = await loadLive<Hall>(ex, 'halls', id, 'hall');
    const upcoming = await upcomingShowtimeIds(ex, { hallId: id }, ctx.now());
    if (upcoming.length > 0) throw stillInUse('hall', upcoming, { hallId: id });
    const history = await everUsed(ex, { hallId: id });
    await retire(ctx, ex, tx, 'halls', 'halls', id, history);
    await audit(ex, ctx, actor, 'hall.delete', id, { name: hall.name, archived: history });
  });
}
