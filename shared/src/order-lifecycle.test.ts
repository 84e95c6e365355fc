import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ORDER_LIFECYCLE,
  PAYMENT_LIFECYCLE,
  REFUND_LIFECYCLE,
  isFinal,
  nextState,
  type StateMachine,
} from './order-lifecycle.ts';

/** The legal steps as the issue writes them (from → to), independent of the table's encoding. */
const LEGAL: Record<string, readonly (readonly [string, string])[]> = {
  order: [
    ['pending_payment', 'paid'],
    ['pending_payment', 'cancelled'],
    ['pending_payment', 'expired'],
    ['paid', 'partially_refunded'],
    ['paid', 'refunded'],
    ['partially_refunded', 'partially_refunded'],
    ['partially_refunded', 'refunded'],
  ],
  payment: [
    ['initiated', 'authorized'],
    ['initiated', 'succeeded'],
    ['initiated', 'failed'],
    ['initiated', 'cancelled'],
    ['authorized', 'succeeded'],
    ['authorized', 'failed'],
    ['authorized', 'cancelled'],
  ],
  refund: [
    ['requested', 'succeeded'],
    ['requested', 'failed'],
  ],
};
const FINAL: Record<string, readonly string[]> = {
  order: ['refunded', 'cancelled', 'expired'],
  payment: ['succeeded', 'failed', 'cancelled'],
  refund: ['succeeded', 'failed'],
};

function propertiesOf<S extends string, E extends string>(m: StateMachine<S, E>): void {
  const legal = new Set(LEGAL[m.name]?.map(([from, to]) => `${from}>${to}`));

  it(`${m.name}: from any state, any event either takes a legal step or is refused and changes nothing`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...m.states),
        fc.array(fc.constantFrom(...m.events), { maxLength: 30 }),
        (start, events) => {
          let state: S = start;
          for (const event of events) {
            const next = nextState(m, state, event);
            if (next.ok) {
              expect(legal.has(`${state}>${next.value}`), `${state} -${event}-> ${next.value}`).toBe(true);
              state = next.value;
            } else {
              expect(next.error.code).toBe('invalid_state');
            }
          }
        },
      ),
    );
  });

  it(`${m.name}: random walks from ${m.initial} stay still once final, and the final states are exactly the terminal ones`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...m.events), { maxLength: 30 }), (events) => {
        let state: S = m.initial;
        for (const event of events) {
          const wasFinal = isFinal(m, state);
          const next = nextState(m, state, event);
          if (wasFinal) expect(next.ok).toBe(false);
          if (next.ok) state = next.value;
        }
      }),
    );
    expect(m.states.filter((s) => isFinal(m, s)).sort()).toEqual([...(FINAL[m.name] ?? [])].sort());
  });

  it(`${m.name}: every legal step is in the table and every state is reachable from ${m.initial}`, () => {
    for (const [from, to] of LEGAL[m.name] ?? []) {
      const reached = m.events.some((e) => {
        const next = nextState(m, from as S, e);
        return next.ok && next.value === to;
      });
      expect(reached, `${from} → ${to}`).toBe(true);
    }
    const seen = new Set<S>([m.initial]);
    const queue: S[] = [m.initial];
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      for (const e of m.events) {
        const next = nextState(m, s, e);
        if (next.ok && !seen.has(next.value)) {
          seen.add(next.value);
          queue.push(next.value);
        }
      }
    }
    expect([...seen].sort()).toEqual([...m.states].sort());
  });
}

describe('lifecycles', () => {
  propertiesOf(ORDER_LIFECYCLE);
  propertiesOf(PAYMENT_LIFECYCLE);
  propertiesOf(REFUND_LIFECYCLE);

  it('an order is paid only by being paid in full, and a paid order can no longer be cancelled or expire', () => {
    for (const s of ORDER_LIFECYCLE.states) {
      for (const e of ORDER_LIFECYCLE.events) {
        const next = nextState(ORDER_LIFECYCLE, s, e);
        if (next.ok && next.value === 'paid') expect([s, e]).toEqual(['pending_payment', 'pay_in_full']);
      }
    }
    expect(nextState(ORDER_LIFECYCLE, 'paid', 'cancel')).toMatchObject({
      ok: false,
      error: { code: 'invalid_state', details: { status: 'paid', event: 'cancel' } },
    });
    expect(nextState(ORDER_LIFECYCLE, 'expired', 'pay_in_full').ok).toBe(false);
  });
});
