import { describe, expect, it } from 'vitest';
import type { PriceList } from '@marquee/shared';
import { layoutFromPatterns } from '../../../../shared/src/testing/layouts.ts';
import { fromPrices, hallPriceClasses } from './prices.ts';

const ADULT = '0b8f5f0e-7d4c-4e61-9a3e-1f2a3b4c5d6e';
const CHILD = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

const priceList: PriceList = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Standard',
  currency: 'CNY',
  prices: [
    { ticketTypeId: ADULT, priceClass: 'standard', amount: 4500 },
    { ticketTypeId: ADULT, priceClass: 'premium', amount: 6000 },
    { ticketTypeId: CHILD, priceClass: 'standard', amount: 3000 },
  ],
  rules: [{ name: 'Matinee', from: '00:00', to: '13:00', adjustment: { type: 'delta', amount: -1000 } }],
};

describe('ticket type prices before seats are chosen', () => {
  it('knows which price classes a hall sells', () => {
    expect(hallPriceClasses(layoutFromPatterns(['SSPP', 'WCLR'])).sort()).toEqual([
      'loveseat',
      'premium',
      'standard',
    ]);
    // Blocked seats are never sold, so they do not add a class.
    expect(hallPriceClasses(layoutFromPatterns(['SSX']))).toEqual(['standard']);
  });

  it('quotes the lowest price of each type over the hall’s classes, with time-of-day rules', () => {
    const evening = fromPrices(
      priceList,
      [ADULT, CHILD],
      ['standard', 'premium'],
      '2026-03-02T11:30:00Z',
      'Asia/Shanghai',
    );
    expect(Object.fromEntries(evening)).toEqual({ [ADULT]: 4500, [CHILD]: 3000 });
    const matinee = fromPrices(priceList, [ADULT], ['premium'], '2026-03-02T02:00:00Z', 'Asia/Shanghai');
    expect(matinee.get(ADULT)).toBe(5000);
  });

  it('leaves out a type the list does not price', () => {
    expect(fromPrices(priceList, [CHILD], ['premium'], '2026-03-02T11:30:00Z', 'Asia/Shanghai').size).toBe(0);
  });
});
