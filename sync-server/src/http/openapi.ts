/** OpenAPI 3.1 generated from the shared route table, whose schemas validate requests and answers. */
import { z } from 'zod';
import type { ErrorCode, HttpRouteSpec, OpenApiDocument } from '@marquee/shared';
import { ERROR_CODES, ErrorResponse, HTTP_API_PREFIX, openApiPath, successStatus } from '@marquee/shared';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(spec: HttpRouteSpec): object[] {
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

export function buildOpenApi(routes: readonly HttpRouteSpec[]): z.input<typeof OpenApiDocument> {
  const paths: Record<string, Record<string, object>> = {};
  const errorSchema = jsonSchema(ErrorResponse, 'output');
  for (const spec of routes) {
    const path = `${HTTP_API_PREFIX}${openApiPath(spec.path)}`;
    const status = String(successStatus(spec));
    const responses: Record<string, object> = {
      [status]:
        spec.response === undefined
          ? { description: 'success' }
          : {
              description: 'success',
              content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } },
            },
    };
    const codes = new Set<ErrorCode>(['validation_failed', ...(spec.errors ?? [])]);
    if (spec.allow !== 'public') codes.add('unauthenticated').add('forbidden');
    for (const code of codes) {
      const httpStatus = String(ERROR_CODES[code]);
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
