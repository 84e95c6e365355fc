/** The demo seed: the whole multiplex in one transaction, fast enough for benchmarks. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/support/server.ts';
import { seedDemo } from './seed.ts';

describe('the demo seed', () => {
  it('seeds 14 days × 10 halls into an empty database within seconds, publishing every document', async () => {
    const seeded = await startTestServer({ seed: false });
    try {
      const started = performance.now();
      const result = await seedDemo(seeded.ctx, {
        seed: 7,
        startDate: '2031-04-01',
        staffPassword: 'demo-password',
        days: 14,
        halls: 10,
      });
      const elapsed = performance.now() - started;
      expect(result.halls).toBe(10);
      expect(result.showtimes).toBeGreaterThan(700);
      // About half a second on an idle machine; the bound leaves room for a loaded CI runner.
      expect(elapsed).toBeLessThan(3000);
      const docs = await seeded.ctx.db.read((ex) =>
        ex.all<{ collection: string; n: number }>(
          'SELECT collection, COUNT(*) AS n FROM sync_docs GROUP BY collection',
        ),
      );
      const byCollection = Object.fromEntries(docs.map((d) => [d.collection, d.n]));
      expect(byCollection).toMatchObject({
        halls: 10,
        showtimes: result.showtimes,
        seat_maps: result.showtimes,
      });
      expect(seeded.ctx.site.name).toBe('Marquee Cinema Xuhui');
      // The configured admin keeps its password; the other demo staff sign in with the demo one.
      await expect(seeded.login('cashier1', 'demo-password')).resolves.toEqual(expect.any(String));
      await expect(
        seedDemo(seeded.ctx, { seed: 7, startDate: '2031-04-01', staffPassword: 'demo-password' }),
      ).rejects.toMatchObject({ code: 'invalid_state' });
    } finally {
      await seeded.close();
    }
  });
});
