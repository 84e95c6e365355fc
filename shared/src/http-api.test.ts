import { describe, expect, it } from 'vitest';
import {
  HTTP_ROUTES,
  HTTP_ROUTE_NAMES,
  HTTP_TAGS,
  buildPath,
  successStatus,
  type HttpRouteSpec,
} from './http-api.ts';

describe('the HTTP route table', () => {
  it('names each method and path once', () => {
    const keys = HTTP_ROUTE_NAMES.map((name) => `${HTTP_ROUTES[name].method} ${HTTP_ROUTES[name].path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('describes the answer of every route that answers with a body; the others answer 204', () => {
    for (const name of HTTP_ROUTE_NAMES) {
      const spec: HttpRouteSpec = HTTP_ROUTES[name];
      if (spec.response === undefined) {
        // A removal, or an action with nothing to say (signing out).
        expect([name, spec.method === 'get' || spec.method === 'patch', successStatus(spec)]).toEqual([
          name,
          false,
          204,
        ]);
      } else {
        expect([name, successStatus(spec)]).toEqual([name, expect.any(Number)]);
        expect(successStatus(spec)).not.toBe(204);
      }
    }
  });

  it('files every route under a known area', () => {
    for (const name of HTTP_ROUTE_NAMES) expect(HTTP_TAGS).toContain(HTTP_ROUTES[name].tag);
  });

  it('puts /devices/me before /devices/:id, which would take "me" for an id', () => {
    expect(HTTP_ROUTE_NAMES.indexOf('devices.me')).toBeLessThan(HTTP_ROUTE_NAMES.indexOf('devices.get'));
  });
});

describe('buildPath', () => {
  it('fills in and encodes path parameters', () => {
    expect(buildPath('holds.update', { id: '3f2a' })).toBe('/holds/3f2a');
    expect(buildPath('orders.get', { id: 'A B/7' })).toBe('/orders/A%20B%2F7');
    expect(buildPath('health.get')).toBe('/health');
  });

  it('appends a query, leaving out what is undefined', () => {
    expect(
      buildPath('sync.pull', undefined, { collection: 'halls', checkpoint: 'e1:42', limit: undefined }),
    ).toBe('/sync/pull?collection=halls&checkpoint=e1%3A42');
  });
});
