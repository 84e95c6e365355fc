/**
 * GET /api/v1/openapi.json is the contract other clients build against (DESIGN §8): it must list
 * every route the server mounts, with its method, parameters, request schema and responses,
 * generated from the same declarations that validate requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../sync-server/src/http/route.ts';
import { startTestServer, type TestServer } from './support/server.ts';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: unknown;
  [key: string]: unknown;
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let t: TestServer;
let doc: OpenApiDocument;
let contentType: string;

const docPath = (route: RouteSpec) => `/api/v1${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
const label = (route: RouteSpec) => `${route.method.toUpperCase()} ${route.path}`;

function operation(method: string, path: string): Operation {
  const op = doc.paths?.[path]?.[method];
  if (op === undefined) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return op;
}

function bodySchema(method: string, path: string): JsonSchema {
  const schema = operation(method, path).requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`${method.toUpperCase()} ${path} has no JSON request schema`);
  return schema;
}

beforeAll(async () => {
  t = await startTestServer({ seed: false });
  // Public: no token.
  const response = await fetch(`${t.url}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  contentType = response.headers.get('content-type') ?? '';
  doc = (await response.json()) as OpenApiDocument;
});

afterAll(async () => {
  await t.close();
});

describe('the OpenAPI document', () => {
  it('is served to anyone as JSON and looks like OpenAPI 3.1', () => {
    expect(contentType).toContain('application/json');
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.info?.version).toBe('string');
    expect(typeof doc.paths).toBe('object');
    expect(doc.components?.securitySchemes).toBeDefined();
  });

  it('lists every route the server mounts, with its method, and nothing else', () => {
    const expected = t.server.routes.map((r) => `${r.method} ${docPath(r)}`).sort();
    const listed = Object.entries(doc.paths ?? {})
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort();
    expect(listed).toEqual(expected);
    for (const listedOp of listed) expect(HTTP_METHODS).toContain(listedOp.split(' ')[0]);
  });

  it('gives every operation a summary, responses with descriptions, and a success answer', () => {
    const problems: string[] = [];
    for (const route of t.server.routes) {
      const op = operation(route.method, docPath(route));
      if (typeof op.summary !== 'string' || op.summary === '') problems.push(`${label(route)}: no summary`);
      const responses = Object.entries(op.responses ?? {});
      if (!responses.some(([status]) => /^2\d\d$/.test(status)))
        problems.push(`${label(route)}: no 2xx response`);
      for (const [status, response] of responses) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${label(route)}: response key ${status}`);
        if (typeof response.description !== 'string')
          problems.push(`${label(route)} ${status}: no description`);
        if (/^[45]/.test(status) && response.content?.['application/json']?.schema === undefined)
          problems.push(`${label(route)} ${status}: error without the error schema`);
      }
      if (!('400' in (op.responses ?? {})) && (route.body !== undefined || route.query !== undefined))
        problems.push(`${label(route)}: validated input but no 400`);
      if (route.allow === 'public') {
        if (!Array.isArray(op.security) || op.security.length !== 0)
          problems.push(`${label(route)}: public but secured`);
      } else {
        for (const status of ['401', '403'])
          if (!(status in (op.responses ?? {}))) problems.push(`${label(route)}: no ${status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes every path parameter as a required path parameter', () => {
    const problems: string[] = [];
    for (const route of t.server.routes) {
      const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      const params = operation(route.method, docPath(route)).parameters ?? [];
      for (const name of names) {
        const param = params.find((p) => p.name === name && p.in === 'path');
        if (param?.required !== true) problems.push(`${label(route)}: path parameter ${String(name)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('carries the JSON schema of every request body', () => {
    const problems: string[] = [];
    for (const route of t.server.routes.filter((r) => r.body !== undefined)) {
      const op = operation(route.method, docPath(route));
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema === undefined) problems.push(`${label(route)}: no request schema`);
    }
    expect(problems).toEqual([]);
  });

  it('POST /holds requires showtimeId and seatIds, and refuses unknown fields', () => {
    const schema = bodySchema('post', '/api/v1/holds');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['showtimeId', 'seatIds']));
    expect(schema.required).not.toContain('ttlSeconds');
    expect(schema.additionalProperties).toBe(false);
    const seatIds = schema.properties?.['seatIds'];
    expect(seatIds?.type).toBe('array');
    expect(seatIds?.minItems).toBe(1);
    expect(seatIds?.maxItems).toBeGreaterThan(0);
    expect(schema.properties?.['showtimeId']).toMatchObject({ type: 'string', format: 'uuid' });
  });

  it('POST /orders describes money as integers, never floats', () => {
    const schema = bodySchema('post', '/api/v1/orders');
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'holdId', 'lines', 'payments', 'expectedTotal']),
    );
    expect(schema.properties?.['expectedTotal']).toMatchObject({ type: 'integer', minimum: 0 });
    const payment = schema.properties?.['payments']?.items;
    expect(payment?.properties?.['amount']).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('POST /auth/login needs no token and asks for username and password', () => {
    const op = operation('post', '/api/v1/auth/login');
    expect(op.security).toEqual([]);
    expect(bodySchema('post', '/api/v1/auth/login').required).toEqual(
      expect.arrayContaining(['username', 'password']),
    );
    expect(op.responses?.['200']?.content?.['application/json']?.schema?.properties).toHaveProperty('token');
  });

  it('describes errors with the {error:{code,message}} shape', () => {
    const holds = operation('post', '/api/v1/holds');
    const conflict = holds.responses?.['409']?.content?.['application/json']?.schema;
    expect(conflict?.required).toContain('error');
    const error = conflict?.properties?.['error'];
    expect(error?.required).toEqual(expect.arrayContaining(['code', 'message']));
  });
});
