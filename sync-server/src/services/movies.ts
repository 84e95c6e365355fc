/** Films in the back office. A new runtime applies to showtimes scheduled from then on. */
import type { z } from 'zod';
import type { CreateMovieRequest, Movie, UpdateMovieRequest } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { listLive, loadLive, parseBody, retire } from './catalogue-store.ts';
import { changedFields, defined } from './document-diff.ts';
import { everUsed, stillInUse, upcomingShowtimeIds } from './showtime-rows.ts';

export type CreateMovieInput = z.infer<typeof CreateMovieRequest>;
export type UpdateMovieInput = z.infer<typeof UpdateMovieRequest>;

/** Writes a new film row (the back office and the demo seed). */
export async function insertMovie(ex: Executor, movie: Movie): Promise<void> {
  await ex.run('INSERT INTO movies (id, body) VALUES (?, ?)', [movie.id, JSON.stringify(movie)]);
}

/** A film by id, archived ones included (a showtime's film stays readable). */
export async function findMovie(ex: Executor, id: string): Promise<Movie | undefined> {
  const row = await ex.get<{ body: string }>('SELECT body FROM movies WHERE id = ?', [id]);
  return row === undefined ? undefined : parseBody<Movie>(row.body);
}

export async function listMovies(ctx: ServerContext): Promise<Movie[]> {
  const movies = await ctx.db.read((ex) => listLive<Movie>(ex, 'movies'));
  return movies.sort((a, b) => a.titles.en.localeCompare(b.titles.en, 'en'));
}

export function getMovie(ctx: ServerContext, id: string): Promise<Movie> {
  return ctx.db.read((ex) => loadLive<Movie>(ex, 'movies', id, 'movie'));
}

export async function createMovie(ctx: ServerContext, actor: Actor, input: CreateMovieInput): Promise<Movie> {
  return ctx.db.write(async (ex, tx) => {
    const movie: Movie = { id: ctx.newId(), ...defined(input) };
    await insertMovie(ex, movie);
    await publish(ctx, ex, tx, 'movies', movie.id, movie);
    await audit(ex, ctx, actor, 'movie.create', movie.id, { title: movie.titles.en });
    return movie;
  });
}

/** Showtimes already scheduled keep their end time. */
export async function updateMovie(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateMovieInput,
): Promise<Movie> {
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<Movie>(ex, 'movies', id, 'movie');
    const next: Movie = { ...current, ...defined(input) };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await ex.run('UPDATE movies SET body = ? WHERE id = ?', [JSON.stringify(next), id]);
    await publish(ctx, ex, tx, 'movies', id, next);
    await audit(ex, ctx, actor, 'movie.update', id, { changed });
    return next;
  });
}

/** Deleting a film with showtimes in its past archives it (see catalogue-store.ts). */
export async function deleteMovie(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const movie = await loadLive<Movie>(ex, 'movies', id, 'movie');
    const upcoming = await upcomingShowtimeIds(ex, { movieId: id }, ctx.now());
    if (upcoming.length > 0) throw stillInUse('film', upcoming, { movieId: id });
    const history = await everUsed(ex, { movieId: id });
    await retire(ctx, ex, tx, 'movies', 'movies', id, history);
    await audit(ex, ctx, actor, 'movie.delete', id, { title: movie.titles.en, archived: history });
  });
}
