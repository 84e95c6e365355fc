/**
 * The back office (DESIGN §8): the programme, halls, films, ticket types, price lists, staff and
 * devices. The table admits managers and admins only; deleting something with history archives it.
 */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { getDevice, listDevices, updateDevice } from '../services/devices.ts';
import { createHall, deleteHall, getHall, listHalls, updateHall } from '../services/halls.ts';
import { createMovie, deleteMovie, getMovie, listMovies, updateMovie } from '../services/movies.ts';
import {
  createPriceList,
  deletePriceList,
  getPriceList,
  listPriceLists,
  updatePriceList,
} from '../services/price-lists.ts';
import { cancelShowtime, createShowtime, updateShowtime } from '../services/showtimes.ts';
import {
  createTicketType,
  deleteTicketType,
  getTicketType,
  listTicketTypes,
  updateTicketType,
} from '../services/ticket-types.ts';
import { createUser, endUserSessions, getUser, listUsers, updateUser } from '../services/users.ts';

export function backOfficeHandlers(ctx: ServerContext): AreaHandlers<'back-office'> {
  return {
    'showtimes.create': ({ body, actor }) => createShowtime(ctx, actor, body),
    'showtimes.update': ({ params, body, actor }) => updateShowtime(ctx, actor, params.id, body),
    'showtimes.cancel': ({ params, actor }) => cancelShowtime(ctx, actor, params.id),

    'halls.list': async () => ({ halls: await listHalls(ctx) }),
    'halls.get': ({ params }) => getHall(ctx, params.id),
    'halls.create': ({ body, actor }) => createHall(ctx, actor, body),
    'halls.update': ({ params, body, actor }) => updateHall(ctx, actor, params.id, body),
    'halls.delete': ({ params, actor }) => deleteHall(ctx, actor, params.id),

    'movies.list': async () => ({ movies: await listMovies(ctx) }),
    'movies.get': ({ params }) => getMovie(ctx, params.id),
    'movies.create': ({ body, actor }) => createMovie(ctx, actor, body),
    'movies.update': ({ params, body, actor }) => updateMovie(ctx, actor, params.id, body),
    'movies.delete': ({ params, actor }) => deleteMovie(ctx, actor, params.id),

    'ticketTypes.list': async () => ({ ticketTypes: await listTicketTypes(ctx) }),
    'ticketTypes.get': ({ params }) => getTicketType(ctx, params.id),
    'ticketTypes.create': ({ body, actor }) => createTicketType(ctx, actor, body),
    'ticketTypes.update': ({ params, body, actor }) => updateTicketType(ctx, actor, params.id, body),
    'ticketTypes.delete': ({ params, actor }) => deleteTicketType(ctx, actor, params.id),

    'priceLists.list': async () => ({ priceLists: await listPriceLists(ctx) }),
    'priceLists.get': ({ params }) => getPriceList(ctx, params.id),
    'priceLists.create': ({ body, actor }) => createPriceList(ctx, actor, body),
    'priceLists.update': ({ params, body, actor }) => updatePriceList(ctx, actor, params.id, body),
    'priceLists.delete': ({ params, actor }) => deletePriceList(ctx, actor, params.id),

    'users.list': async () => ({ users: await listUsers(ctx) }),
    'users.get': ({ params }) => getUser(ctx, params.id),
    'users.create': ({ body, actor }) => createUser(ctx, actor, body),
    'users.update': ({ params, body, actor }) => updateUser(ctx, actor, params.id, body),
    'users.endSessions': ({ params, actor }) => endUserSessions(ctx, actor, params.id),

    'devices.list': async () => ({ devices: await listDevices(ctx) }),
    'devices.get': ({ params }) => getDevice(ctx, params.id),
    'devices.update': ({ params, body, actor }) => updateDevice(ctx, actor, params.id, body),
  };
}
