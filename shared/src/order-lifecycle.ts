/**
 * The lifecycle of an order, of each payment against it and of each refund: the one transition
 * table the server applies (and terminals read to show a state). Every state change goes through
 * {@link nextState}; anything the table does not list is refused with `invalid_state`.
 *
 *   order:   pending_payment ─pay_in_full→ paid ─refund_part→ partially_refunded ─refund_rest→ refunded
 *            pending_payment ─cancel→ cancelled, ─expire→ expired   (seats go back)
 *            paid ─refund_rest→ refunded; partially_refunded ─refund_part→ partially_refunded
 *   payment: initiated ─authorize→ authorized; initiated|authorized ─succeed→ succeeded,
 *            ─fail→ failed, ─cancel→ cancelled
 *   refund:  requested ─succeed→ succeeded, ─fail→ failed
 *
 * Cash and card-reference sales are orders too: opened and paid in full in one transaction.
 */
import { fail, ok, type Result } from './errors.ts';

export interface StateMachine<S extends string, E extends string> {
  readonly name: string;
  readonly initial: S;
  readonly states: readonly S[];
  readonly events: readonly E[];
  /** From each state, the events it accepts and where they lead. */
  readonly table: { readonly [K in S]: Readonly<Partial<Record<E, S>>> };
}

function machine<const S extends string, const E extends string>(m: StateMachine<S, E>): StateMachine<S, E> {
  return m;
}

export const ORDER_LIFECYCLE = machine({
  name: 'order',
  initial: 'pending_payment',
  states: ['pending_payment', 'paid', 'partially_refunded', 'refunded', 'cancelled', 'expired'],
  events: ['pay_in_full', 'refund_part', 'refund_rest', 'cancel', 'expire'],
  table: {
    pending_payment: { pay_in_full: 'paid', cancel: 'cancelled', expire: 'expired' },
    paid: { refund_part: 'partially_refunded', refund_rest: 'refunded' },
    partially_refunded: { refund_part: 'partially_refunded', refund_rest: 'refunded' },
    refunded: {},
    cancelled: {},
    expired: {},
  },
});

export const PAYMENT_LIFECYCLE = machine({
  name: 'payment',
  initial: 'initiated',
  states: ['initiated', 'authorized', 'succeeded', 'failed', 'cancelled'],
  events: ['authorize', 'succeed', 'fail', 'cancel'],
  table: {
    initiated: { authorize: 'authorized', succeed: 'succeeded', fail: 'failed', cancel: 'cancelled' },
    authorized: { succeed: 'succeeded', fail: 'failed', cancel: 'cancelled' },
    succeeded: {},
    failed: {},
    cancelled: {},
  },
});

export const REFUND_LIFECYCLE = machine({
  name: 'refund',
  initial: 'requested',
  states: ['requested', 'succeeded', 'failed'],
  events: ['succeed', 'fail'],
  table: { requested: { succeed: 'succeeded', fail: 'failed' }, succeeded: {}, failed: {} },
});

type StateOf<M> = M extends StateMachine<infer S, string> ? S : never;
type EventOf<M> = M extends StateMachine<string, infer E> ? E : never;

export type OrderState = StateOf<typeof ORDER_LIFECYCLE>;
export type OrderEvent = EventOf<typeof ORDER_LIFECYCLE>;
export type PaymentState = StateOf<typeof PAYMENT_LIFECYCLE>;
export type PaymentEvent = EventOf<typeof PAYMENT_LIFECYCLE>;
export type RefundState = StateOf<typeof REFUND_LIFECYCLE>;
export type RefundEvent = EventOf<typeof REFUND_LIFECYCLE>;

export const ORDER_STATES = ORDER_LIFECYCLE.states;
export const PAYMENT_STATES = PAYMENT_LIFECYCLE.states;
export const REFUND_STATES = REFUND_LIFECYCLE.states;

/** The events a state accepts and where each leads. */
export function stepsFrom<S extends string, E extends string>(m: StateMachine<S, E>, state: S): Map<E, S> {
  const steps = new Map<E, S>();
  const table: Readonly<Record<string, Readonly<Partial<Record<string, S>>> | undefined>> = m.table;
  for (const [event, next] of Object.entries(table[state as string] ?? {})) {
    if (next !== undefined && (m.events as readonly string[]).includes(event)) steps.set(event as E, next);
  }
  return steps;
}

/** Where `event` takes `state`, or `invalid_state` naming both when the table has no such step. */
export function nextState<S extends string, E extends string>(
  m: StateMachine<S, E>,
  state: S,
  event: E,
): Result<S> {
  const next = stepsFrom(m, state).get(event);
  if (next === undefined) {
    return fail('invalid_state', `${m.name} is ${state}: cannot ${event}`, {
      [m.name === 'order' ? 'status' : `${m.name}Status`]: state,
      event,
    });
  }
  return ok(next);
}

/** A state with no way out. */
export function isFinal<S extends string, E extends string>(m: StateMachine<S, E>, state: S): boolean {
  return stepsFrom(m, state).size === 0;
}

/** An order whose seats are gone back and that no payment can complete any more. */
export function orderIsClosedUnpaid(state: OrderState): boolean {
  return state === 'cancelled' || state === 'expired';
}
