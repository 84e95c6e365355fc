/**
 * Invariant 6 at the HTTP boundary, for routes and query strings: unknown routes answer 404 as JSON,
 * bad query strings and path ids answer 400 naming the parameter, and nothing changes.
 */
import { describe, expect, it } from 'vitest';
import {
  expectNamesField,
  expectValidationFailed,
  shapeProblems,
  show,
  useBadInputServer,
} from './support/bad-input.ts';
import { codeOf } from './support/raw-http.ts';

const site = useBadInputServer();

describe('unknown routes', () => {
  it('answer 404 not_found as JSON', async () => {
    const requests: [string, string][] = [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/holds/extra/deep'],
      ['PUT', '/api/v1/holds'],
      ['DELETE', '/api/v1/health'],
      ['GET', '/api/v2/health'],
      ['GET', '/'],
      ['GET', '/api/v1/../../etc/passwd'],
      ['GET', '/api/v1/%E0%A4%A'],
    ];
    for (const [method, path] of requests) {
      const answer = await site.send(method, path, { token: site.server.adminToken });
      expect(answer.status, `${method} ${path}: ${show(answer)}`).toBe(404);
      expect(codeOf(answer)).toBe('not_found');
      expect(shapeProblems(answer)).toEqual([]);
    }
  });
});

describe('bad query strings', () => {
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = Date.now();
  const range = `from=${iso(now)}&to=${iso(now + day)}`;

  it('GET /showtimes refuses missing, malformed, reversed and too long ranges and bad limits', async () => {
    const cases: [string, string][] = [
      ['', 'query.from'],
      [`to=${iso(now)}`, 'query.from'],
      [`from=yesterday&to=${iso(now)}`, 'query.from'],
      [`from=${iso(now)}&to=2030-01-01`, 'query.to'],
      [`from=${iso(now + day)}&to=${iso(now)}`, 'query.to'],
      [`from=${iso(now)}&to=${iso(now + 40 * day)}`, 'query.to'],
      [`${range}&limit=0`, 'query.limit'],
      [`${range}&limit=100000`, 'query.limit'],
      [`${range}&limit=-1`, 'query.limit'],
      [`${range}&limit=1.5`, 'query.limit'],
      [`${range}&limit=abc`, 'query.limit'],
      [`${range}&limit=`, 'query.limit'],
      [`${range}&bogus=1`, 'bogus'],
      [`${range}&from=${iso(now)}`, 'query.from'],
    ];
    for (const [query, field] of cases) {
      const answer = await site.send('GET', `/api/v1/showtimes?${query}`, { token: site.server.adminToken });
      expectValidationFailed(answer, `?${query}`);
      expectNamesField(answer, field, `?${query}`);
    }
    expect(
      (await site.send('GET', `/api/v1/showtimes?${range}&limit=5`, { token: site.server.adminToken }))
        .status,
    ).toBe(200);
  });

  it('GET /sync/pull refuses a bad collection, checkpoint or limit', async () => {
    const cases: [string, string][] = [
      ['', 'query.collection'],
      ['collection=bogus', 'query.collection'],
      ['collection=seat_maps&collection=site', 'query.collection'],
      ['collection=site&checkpoint=garbage', 'query.checkpoint'],
      ['collection=site&checkpoint=:5', 'query.checkpoint'],
      ['collection=site&checkpoint=e:-1', 'query.checkpoint'],
      ['collection=site&checkpoint=e:1.5', 'query.checkpoint'],
      ['collection=site&checkpoint=e:99999999999999999999', 'query.checkpoint'],
      ['collection=site&checkpoint=%7B%22epoch%22%3A1%7D', 'query.checkpoint'],
      ['collection=site&limit=0', 'query.limit'],
      ['collection=site&limit=100000', 'query.limit'],
      ['collection=site&limit=abc', 'query.limit'],
      ['collection=site&bogus=1', 'bogus'],
    ];
    for (const [query, field] of cases) {
      const answer = await site.send('GET', `/api/v1/sync/pull?${query}`, { token: site.server.adminToken });
      expectValidationFailed(answer, `?${query}`);
      expectNamesField(answer, field, `?${query}`);
    }
    expect(
      (await site.send('GET', '/api/v1/sync/pull?collection=site&limit=1', { token: site.server.adminToken }))
        .status,
    ).toBe(200);
  });

  it('a bad UUID in a path is refused naming params.id', async () => {
    for (const path of ['/showtimes/not-a-uuid', '/showtimes/not-a-uuid/seats']) {
      const answer = await site.send('GET', `/api/v1${path}`, { token: site.server.adminToken });
      expectValidationFailed(answer, path);
      expectNamesField(answer, 'params.id', path);
    }
    const patch = await site.send('PATCH', '/api/v1/holds/1%20OR%201=1', {
      token: site.server.adminToken,
      body: { ttlSeconds: 60 },
    });
    expectValidationFailed(patch, 'PATCH /holds/<bad id>');
    expectNamesField(patch, 'params.id', 'PATCH /holds/<bad id>');
  });
});

describe('after all the bad requests above', () => {
  it('nothing changed: no hold, order, ticket, claim, admission, showtime or hall, and no change sequence', async () => {
    expect(await site.snapshot()).toEqual(site.before);
  });
});
