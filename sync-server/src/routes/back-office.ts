/**
 * Back-office routes (DESIGN §8): the programme, halls, films, ticket types, price lists, staff
 * and devices. Managers and admins only; a kiosk or a cashier gets 403 on every one of them.
 */
import { z } from 'zod';
import {
  CreateHallRequest,
  CreateMovieRequest,
  CreatePriceListRequest,
  CreateShowtimeRequest,
  CreateTicketTypeRequest,
  CreateUserRequest,
  Hall,
  IdParam,
  Movie,
  PriceList,
  Showtime,
  StaffUser,
  Terminal,
  TicketType,
  UpdateDeviceRequest,
  UpdateHallRequest,
  UpdateMovieRequest,
  UpdatePriceListRequest,
  UpdateShowtimeRequest,
  UpdateTicketTypeRequest,
  UpdateUserRequest,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { MANAGERS } from '../services/actors.ts';
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
import { createUser, getUser, listUsers, updateUser } from '../services/users.ts';

/** Deleting answers 204; something with history is archived rather than removed (see services/catalogue-store.ts). */
const DELETE_ERRORS = ['not_found', 'conflict'] as const;

export function backOfficeRoutes(ctx: ServerContext): RouteSpec[] {
  return [
    // --- showtimes (GET lives with the programme routes) ---------------------------------------
    route({
      method: 'post',
      path: '/showtimes',
      tag: 'back-office',
      summary:
        'Schedule a showtime: ends after trailers (default 15 min) and the film; cleaning default 15 min; ' +
        "price list default: the hall's most used",
      allow: MANAGERS,
      body: CreateShowtimeRequest,
      response: Showtime,
      status: 201,
      errors: ['schedule_conflict'],
      handler: ({ body, actor }) => createShowtime(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/showtimes/:id',
      tag: 'back-office',
      summary: 'Move, re-price or change the status of a showtime; a move with tickets sold is refused',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateShowtimeRequest,
      response: Showtime,
      errors: ['not_found', 'schedule_conflict', 'invalid_state'],
      handler: ({ params, body, actor }) => updateShowtime(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/showtimes/:id',
      tag: 'back-office',
      summary: 'Cancel a showtime: kept as cancelled, holds released, sold tickets left for refunds',
      allow: MANAGERS,
      params: IdParam,
      response: Showtime,
      errors: ['not_found', 'invalid_state'],
      handler: ({ params, actor }) => cancelShowtime(ctx, actor, params.id),
    }),

    // --- halls ---------------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/halls',
      tag: 'back-office',
      summary: 'Halls with their layouts',
      allow: MANAGERS,
      response: z.object({ halls: z.array(Hall) }),
      handler: async () => ({ halls: await listHalls(ctx) }),
    }),
    route({
      method: 'get',
      path: '/halls/:id',
      tag: 'back-office',
      summary: 'One hall',
      allow: MANAGERS,
      params: IdParam,
      response: Hall,
      errors: ['not_found'],
      handler: ({ params }) => getHall(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/halls',
      tag: 'back-office',
      summary:
        'Create a hall; the layout is checked (unique seats, loveseat pairs, companions) and starts at version 1',
      allow: MANAGERS,
      body: CreateHallRequest,
      response: Hall,
      status: 201,
      errors: ['conflict'],
      handler: ({ body, actor }) => createHall(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/halls/:id',
      tag: 'back-office',
      summary: 'Change a hall; a new layout gets the next version and upcoming showtimes sell it',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateHallRequest,
      response: Hall,
      errors: ['not_found', 'conflict', 'invalid_state'],
      handler: ({ params, body, actor }) => updateHall(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/halls/:id',
      tag: 'back-office',
      summary: 'Delete a hall without upcoming showtimes',
      allow: MANAGERS,
      params: IdParam,
      errors: DELETE_ERRORS,
      handler: async ({ params, actor }) => {
        await deleteHall(ctx, actor, params.id);
        return undefined;
      },
    }),

    // --- movies --------------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/movies',
      tag: 'back-office',
      summary: 'Films',
      allow: MANAGERS,
      response: z.object({ movies: z.array(Movie) }),
      handler: async () => ({ movies: await listMovies(ctx) }),
    }),
    route({
      method: 'get',
      path: '/movies/:id',
      tag: 'back-office',
      summary: 'One film',
      allow: MANAGERS,
      params: IdParam,
      response: Movie,
      errors: ['not_found'],
      handler: ({ params }) => getMovie(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/movies',
      tag: 'back-office',
      summary: 'Add a film',
      allow: MANAGERS,
      body: CreateMovieRequest,
      response: Movie,
      status: 201,
      handler: ({ body, actor }) => createMovie(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/movies/:id',
      tag: 'back-office',
      summary: 'Change a film; showtimes already scheduled keep their end time',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateMovieRequest,
      response: Movie,
      errors: ['not_found'],
      handler: ({ params, body, actor }) => updateMovie(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/movies/:id',
      tag: 'back-office',
      summary: 'Delete a film without upcoming showtimes',
      allow: MANAGERS,
      params: IdParam,
      errors: DELETE_ERRORS,
      handler: async ({ params, actor }) => {
        await deleteMovie(ctx, actor, params.id);
        return undefined;
      },
    }),

    // --- ticket types --------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/ticket-types',
      tag: 'back-office',
      summary: 'Ticket types',
      allow: MANAGERS,
      response: z.object({ ticketTypes: z.array(TicketType) }),
      handler: async () => ({ ticketTypes: await listTicketTypes(ctx) }),
    }),
    route({
      method: 'get',
      path: '/ticket-types/:id',
      tag: 'back-office',
      summary: 'One ticket type',
      allow: MANAGERS,
      params: IdParam,
      response: TicketType,
      errors: ['not_found'],
      handler: ({ params }) => getTicketType(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/ticket-types',
      tag: 'back-office',
      summary: 'Add a ticket type; its code is unique',
      allow: MANAGERS,
      body: CreateTicketTypeRequest,
      response: TicketType,
      status: 201,
      errors: ['conflict'],
      handler: ({ body, actor }) => createTicketType(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/ticket-types/:id',
      tag: 'back-office',
      summary: 'Change a ticket type; the code is fixed once tickets were sold with it',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateTicketTypeRequest,
      response: TicketType,
      errors: ['not_found', 'conflict', 'invalid_state'],
      handler: ({ params, body, actor }) => updateTicketType(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/ticket-types/:id',
      tag: 'back-office',
      summary: 'Delete a ticket type no price list uses',
      allow: MANAGERS,
      params: IdParam,
      errors: DELETE_ERRORS,
      handler: async ({ params, actor }) => {
        await deleteTicketType(ctx, actor, params.id);
        return undefined;
      },
    }),

    // --- price lists ---------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/price-lists',
      tag: 'back-office',
      summary: 'Price lists',
      allow: MANAGERS,
      response: z.object({ priceLists: z.array(PriceList) }),
      handler: async () => ({ priceLists: await listPriceLists(ctx) }),
    }),
    route({
      method: 'get',
      path: '/price-lists/:id',
      tag: 'back-office',
      summary: 'One price list',
      allow: MANAGERS,
      params: IdParam,
      response: PriceList,
      errors: ['not_found'],
      handler: ({ params }) => getPriceList(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/price-lists',
      tag: 'back-office',
      summary: "Add a price list in the site's currency; every ticket type it prices must exist",
      allow: MANAGERS,
      body: CreatePriceListRequest,
      response: PriceList,
      status: 201,
      handler: ({ body, actor }) => createPriceList(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/price-lists/:id',
      tag: 'back-office',
      summary: 'Change a price list; applies to sales from now on',
      allow: MANAGERS,
      params: IdParam,
      body: UpdatePriceListRequest,
      response: PriceList,
      errors: ['not_found'],
      handler: ({ params, body, actor }) => updatePriceList(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/price-lists/:id',
      tag: 'back-office',
      summary: 'Delete a price list no upcoming showtime uses',
      allow: MANAGERS,
      params: IdParam,
      errors: DELETE_ERRORS,
      handler: async ({ params, actor }) => {
        await deletePriceList(ctx, actor, params.id);
        return undefined;
      },
    }),

    // --- staff ---------------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/users',
      tag: 'back-office',
      summary: 'Staff accounts',
      allow: MANAGERS,
      response: z.object({ users: z.array(StaffUser) }),
      handler: async () => ({ users: await listUsers(ctx) }),
    }),
    route({
      method: 'get',
      path: '/users/:id',
      tag: 'back-office',
      summary: 'One staff account',
      allow: MANAGERS,
      params: IdParam,
      response: StaffUser,
      errors: ['not_found'],
      handler: ({ params }) => getUser(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/users',
      tag: 'back-office',
      summary: 'Create a staff account; only an admin can create an admin',
      allow: MANAGERS,
      body: CreateUserRequest,
      response: StaffUser,
      status: 201,
      errors: ['conflict'],
      handler: ({ body, actor }) => createUser(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/users/:id',
      tag: 'back-office',
      summary: 'Change name, role, password or active; a new password or deactivation signs the user out',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateUserRequest,
      response: StaffUser,
      errors: ['not_found', 'invalid_state'],
      handler: ({ params, body, actor }) => updateUser(ctx, actor, params.id, body),
    }),

    // --- devices -------------------------------------------------------------------------------
    route({
      method: 'get',
      path: '/devices',
      tag: 'back-office',
      summary: 'Enrolled terminals',
      allow: MANAGERS,
      response: z.object({ devices: z.array(Terminal) }),
      handler: async () => ({ devices: await listDevices(ctx) }),
    }),
    route({
      method: 'get',
      path: '/devices/:id',
      tag: 'back-office',
      summary: 'One terminal',
      allow: MANAGERS,
      params: IdParam,
      response: Terminal,
      errors: ['not_found'],
      handler: ({ params }) => getDevice(ctx, params.id),
    }),
    route({
      method: 'patch',
      path: '/devices/:id',
      tag: 'back-office',
      summary:
        'Rename a terminal, set its lease policy, or revoke it (final: token, key, holds and leases end)',
      allow: MANAGERS,
      params: IdParam,
      body: UpdateDeviceRequest,
      response: Terminal,
      errors: ['not_found', 'invalid_state'],
      handler: ({ params, body, actor }) => updateDevice(ctx, actor, params.id, body),
    }),
  ];
}
