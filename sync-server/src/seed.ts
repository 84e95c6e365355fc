/**
 * Seeds an empty database with the demo multiplex (`generateDemoData`): halls, films, ticket
 * types, price lists, the programme with an empty seat map per showtime, and the demo staff.
 * One write transaction, so a crash mid-seed leaves an empty database, never half a programme.
 */
import { generateDemoData, invalidState, validateLayout, type Site } from '@marquee/shared';
import type { ServerContext } from './context.ts';
import { publish, publishSeatMap } from './sync/change-log.ts';
import { audit } from './services/audit.ts';
import { anyHall, insertHall } from './services/halls.ts';
import { insertMovie } from './services/movies.ts';
import { hashPassword } from './services/passwords.ts';
import { insertPriceList } from './services/price-lists.ts';
import { writeShowtime } from './services/showtime-rows.ts';
import { updateSite } from './services/site.ts';
import { insertTicketType } from './services/ticket-types.ts';
import { insertStaffUser, usernameTaken } from './services/users.ts';

export interface SeedOptions {
  seed: number;
  /** First programme day, `YYYY-MM-DD`, local to the site. */
  startDate: string;
  /** Password of every demo staff account. */
  staffPassword: string;
  /** Programme days and halls (benchmarks ask for 14 × 10); the demo defaults otherwise. */
  days?: number;
  halls?: number;
}

export async function seedDemo(
  ctx: ServerContext,
  options: SeedOptions,
): Promise<{ showtimes: number; halls: number }> {
  const demo = generateDemoData({
    seed: options.seed,
    startDate: options.startDate,
    ...(options.days === undefined ? {} : { days: options.days }),
    ...(options.halls === undefined ? {} : { halls: options.halls }),
  });
  for (const hall of demo.halls) {
    const checked = validateLayout(hall.layout);
    if (!checked.ok)
      throw new Error(`demo hall ${hall.name} has an invalid layout: ${checked.error.message}`);
  }
  // The site keeps its id (tokens, checkpoints and the signing key already belong to it).
  const site: Site = { ...demo.site, id: ctx.site.id };
  const halls = demo.halls.map((hall) => ({ ...hall, siteId: site.id }));
  // scrypt is slow on purpose, so it runs before the transaction, and once: every demo account has
  // the same, published password, so per-account salts would protect nothing.
  const hash = await hashPassword(options.staffPassword);

  await ctx.db.write(async (ex, tx) => {
    if (await anyHall(ex)) throw invalidState('the database already has a programme');

    await updateSite(ex, site);
    await publish(ctx, ex, tx, 'site', site.id, site);
    for (const hall of halls) {
      await insertHall(ex, hall);
      await publish(ctx, ex, tx, 'halls', hall.id, hall);
    }
    for (const movie of demo.movies) {
      await insertMovie(ex, movie);
      await publish(ctx, ex, tx, 'movies', movie.id, movie);
    }
    for (const type of demo.ticketTypes) {
      await insertTicketType(ex, type);
      await publish(ctx, ex, tx, 'ticket_types', type.id, type);
    }
    for (const list of demo.priceLists) {
      await insertPriceList(ex, list);
      await publish(ctx, ex, tx, 'price_lists', list.id, list);
    }
    for (const showtime of demo.showtimes) {
      await writeShowtime(ex, showtime, true);
      await publish(ctx, ex, tx, 'showtimes', showtime.id, showtime);
      await publishSeatMap(ctx, ex, tx, showtime.id);
    }
    const now = ctx.now();
    let staffCreated = 0;
    for (const member of demo.staff) {
      // An account that already exists (the configured admin) keeps its own password.
      if (await usernameTaken(ex, member.username)) continue;
      await insertStaffUser(ex, { id: ctx.newId(), ...member, passwordHash: hash, now });
      staffCreated += 1;
    }
    await audit(ex, ctx, { kind: 'anonymous' }, 'demo.seed', site.id, {
      seed: options.seed,
      startDate: options.startDate,
      halls: halls.length,
      showtimes: demo.showtimes.length,
      staff: staffCreated,
    });
  });
  ctx.site = site;
  return { showtimes: demo.showtimes.length, halls: halls.length };
}
