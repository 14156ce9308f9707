import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { describe, expect, it } from 'vitest'
import { adminOpenApiDocument } from './admin-app'
import { renderConsoleTypes, type OpenApiDocument } from './console-types-render'

/** Where the console keeps the generated types (apps/admin may not import the proxy). */
const GENERATED = '../../admin/src/api/openapi-types.ts'

/** Formatted as the repository formats it, so `prettier --write` leaves the file as it is. */
async function formatted(source: string): Promise<string> {
  const path = fileURLToPath(new URL(GENERATED, import.meta.url))
  return format(source, { ...(await resolveConfig(path)), filepath: path })
}

describe('console types', () => {
  it('are the ones generated from openapi.json (run with -u after changing a route schema)', async () => {
    const document = (await adminOpenApiDocument()) as unknown as OpenApiDocument
    await expect(await formatted(renderConsoleTypes(document))).toMatchFileSnapshot(GENERATED)
  })

  it('render nullable, optional, enum, record and array schemas as TypeScript', () => {
    const out = renderConsoleTypes({
      paths: {
        '/x/{id}': {
          put: {
            summary: 'Change an x',
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
              { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
            ],
            requestBody: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      mode: { type: 'string', enum: ['a', 'b'] },
                      note: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'why' },
                      tags: { type: 'array', items: { type: ['string', 'null'] } },
                      meta: { type: 'object', additionalProperties: { type: 'number' } },
                    },
                    required: ['mode'],
                  },
                },
              },
            },
            responses: { '204': {}, '400': { $ref: '#/components/responses/Error' } },
          },
        },
      },
    })
    expect(out).toContain(`  /** Change an x */
  'PUT /x/{id}': {
    params: {
      id: string
    }
    query: {
      limit?: number
    }
    body: {
      mode: 'a' | 'b'
      /** why */
      note?: string | null
      tags?: (string | null)[]
      meta?: Record<string, number>
    }
    answer: unknown
  }`)
  })

  it('refuses schema features it cannot render instead of guessing', () => {
    const withRef: OpenApiDocument = {
      paths: {
        '/y': {
          get: {
            responses: {
              '200': { content: { 'application/json': { schema: { $ref: '#/$defs/Y' } } } },
            },
          },
        },
      },
    }
    expect(() => renderConsoleTypes(withRef)).toThrow(/\$ref/)
  })
})
