/**
 * The `sites` row's document (the cinema: name, timezone, currency, locale) and the database's
 * epoch in `meta`. The change log owns `sites.seq`, the per-site sequence it bumps.
 */
import type { Site } from '@marquee/shared';
import type { Executor } from '../db/database.ts';

/** The database's epoch; on a fresh database, `create()` becomes it (`fresh: true`). */
export async function loadOrCreateEpoch(
  ex: Executor,
  create: () => string,
): Promise<{ epoch: string; fresh: boolean }> {
  const row = await ex.get<{ value: string }>("SELECT value FROM meta WHERE key = 'epoch'");
  if (row !== undefined) return { epoch: row.value, fresh: false };
  const epoch = create();
  await ex.run("INSERT INTO meta (key, value) VALUES ('epoch', ?)", [epoch]);
  return { epoch, fresh: true };
}

/** The site, written from `create()` when the database has none yet. */
export async function loadOrCreateSite(ex: Executor, create: () => Site): Promise<Site> {
  const row = await ex.get<{ body: string }>('SELECT body FROM sites LIMIT 1');
  if (row !== undefined) return JSON.parse(row.body) as Site;
  const site = create();
  await ex.run('INSERT INTO sites (id, seq, body) VALUES (?, 0, ?)', [site.id, JSON.stringify(site)]);
  return site;
}

export async function findSite(ex: Executor, id: string): Promise<Site | undefined> {
  const row = await ex.get<{ body: string }>('SELECT body FROM sites WHERE id = ?', [id]);
  return row === undefined ? undefined : (JSON.parse(row.body) as Site);
}

export async function updateSite(ex: Executor, site: Site): Promise<void> {
  await ex.run('UPDATE sites SET body = ? WHERE id = ?', [JSON.stringify(site), site.id]);
}
