import { z } from 'zod'
import type { AdminEnv } from './context'
import { defineRoute, type RouteDoc, type RouteGroup } from './route-table'

// Input side: what a client sends (defaults optional, coercions and preprocessing shown as any).
const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as {
    properties?: Record<string, unknown>
    required?: string[]
  }

function operation(doc: RouteDoc) {
  const query = doc.query ? jsonSchema(doc.query) : undefined
  const pathParams = [...doc.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query?.required?.includes(name) ?? false,
    schema,
  }))
  const status = String(doc.status ?? 200)
  const security =
    doc.credential === 'proxy_key' ? [{ proxy_key: [] }, { proxy_key_bearer: [] }] : []
  return {
    summary: doc.summary,
    ...(doc.auth === 'public' ? { security } : {}),
    ...(doc.auth === 'admin' ? { description: 'Admins only (403 for tenants).' } : {}),
    parameters: [...pathParams, ...queryParams],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(doc.body) } },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: 'Success',
        content: {
          [doc.produces ?? 'application/json']: doc.response
            ? { schema: z.toJSONSchema(doc.response, { target: 'draft-2020-12' }) }
            : {},
        },
      },
      ...(doc.auth !== 'public' || doc.credential
        ? { '401': { $ref: '#/components/responses/Error' } }
        : {}),
      ...(doc.credential ? { '429': { $ref: '#/components/responses/Error' } } : {}),
      '400': { $ref: '#/components/responses/Error' },
      '404': { $ref: '#/components/responses/Error' },
    },
  }
}

/** The OpenAPI 3.1 document of `docs` (the routes a mount defined), from their zod schemas. */
export function buildOpenApi(docs: readonly RouteDoc[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const doc of docs) {
    paths[doc.path] = { ...paths[doc.path], [doc.method]: operation(doc) }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'qcc admin API', version },
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'session_token' },
        proxy_key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        proxy_key_bearer: { type: 'http', scheme: 'bearer', description: 'the proxy key' },
      },
      responses: {
        Error: {
          description: 'An error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: { type: 'string' },
                  code: { type: 'string', description: 'what went wrong, e.g. not_found' },
                  request_id: { type: 'string', description: 'as in x-qcc-request-id' },
                },
                required: ['error', 'code'],
              },
            },
          },
        },
      },
    },
  }
}

/**
 * `GET /admin/api/openapi.json`: the document of every route the group's mount defines, built
 * at the first request (when every route module has defined its routes).
 */
export function openApiRoutes(api: RouteGroup<AdminEnv>, version: string): void {
  let cached: unknown
  defineRoute(api, 'GET /openapi.json', {
    summary: 'This document (OpenAPI 3.1)',
    handler: (c) => c.json((cached ??= buildOpenApi(api.docs, version))),
  })
}
