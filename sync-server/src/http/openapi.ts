/** OpenAPI 3.1 generated from the same zod schemas that validate requests. */
import { z } from 'zod';
import { ERROR_CODES, ErrorResponse } from '@marquee/shared';
import { openApiPath, type RouteSpec } from './route.ts';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(spec: RouteSpec): object[] {
  const out: object[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (schema === undefined) continue;
    const json = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

export function buildOpenApi(routes: readonly RouteSpec[]): object {
  const paths: Record<string, Record<string, object>> = {};
  const errorSchema = jsonSchema(ErrorResponse, 'output');
  for (const spec of routes) {
    const path = `/api/v1${openApiPath(spec.path)}`;
    const status = String(
      spec.status ?? (spec.response === undefined && spec.method === 'delete' ? 204 : 200),
    );
    const responses: Record<string, object> = {
      [status]:
        spec.response === undefined
          ? { description: 'success' }
          : {
              description: 'success',
              content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } },
            },
    };
    const codes = new Set(['validation_failed', ...(spec.errors ?? [])]);
    if (spec.allow !== 'public') codes.add('unauthenticated').add('forbidden');
    for (const code of codes) {
      const httpStatus = String(ERROR_CODES[code as keyof typeof ERROR_CODES]);
      const existing = responses[httpStatus] as { description: string } | undefined;
      responses[httpStatus] = {
        description: existing === undefined ? code : `${existing.description}, ${code}`,
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.allow === 'public' ? { security: [] } : { 'x-allowed': spec.allow }),
      parameters: parameters(spec),
      ...(spec.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Marquee sync server', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
