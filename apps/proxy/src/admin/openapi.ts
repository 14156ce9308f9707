import { Hono } from 'hono'
import { z } from 'zod'
import { accountDocs } from './accounts'
import { authDocs } from './auth-routes'
import { auditDocs } from './audit'
import { configDocs } from './config'
import type { AdminEnv } from './context'
import { envDocs } from './env-view'
import { eventDocs } from './events'
import { healthDocs } from './health'
import { keyDocs } from './keys'
import { nodeDocs } from './nodes'
import { pricingDocs } from './pricing'
import type { RouteDoc } from './route-doc'
import { claudeConfigDocs } from './settings-gen'
import { shareDocs } from './share'
import { usageDocs } from './usage'

const openapiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/api/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    auth: 'session',
  },
]

/** Every documented route: login, the admin API and the public helpers. */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...authDocs,
  ...accountDocs,
  ...nodeDocs,
  ...keyDocs,
  ...configDocs,
  ...usageDocs,
  ...healthDocs,
  ...pricingDocs,
  ...shareDocs,
  ...claudeConfigDocs,
  ...envDocs,
  ...auditDocs,
  ...eventDocs,
  ...openapiDocs,
]

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
  return {
    summary: doc.summary,
    ...(doc.auth === 'public' ? { security: [] } : {}),
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
      ...(doc.auth === 'public' ? {} : { '401': { $ref: '#/components/responses/Error' } }),
      '400': { $ref: '#/components/responses/Error' },
      '404': { $ref: '#/components/responses/Error' },
    },
  }
}

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const doc of ROUTE_DOCS) {
    paths[doc.path] = { ...paths[doc.path], [doc.method]: operation(doc) }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'qcc admin API', version },
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'session_token' } },
      responses: {
        Error: {
          description: 'An error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { error: { type: 'string' } },
                required: ['error'],
              },
            },
          },
        },
      },
    },
  }
}

export function openApiRoutes(version: string): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>()
  let cached: unknown
  app.get('/openapi.json', (c) => c.json((cached ??= buildOpenApi(version))))
  return app
}
