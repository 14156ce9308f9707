/**
 * Renders the console's route types (`apps/admin/src/api/openapi-types.ts`) from the admin API's
 * OpenAPI document: per route its path parameters, query, JSON body and success answer, so the
 * console is typed by what the server documents instead of a hand-kept copy. Covers the JSON
 * Schema that zod's `toJSONSchema` emits for our schemas; anything else fails loudly.
 */

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  items?: Schema
  prefixItems?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  description?: string
  $ref?: string
}

interface Parameter {
  name: string
  in: 'path' | 'query'
  required: boolean
  schema: Schema
}

interface Operation {
  summary?: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema?: Schema }> }
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; $ref?: string }>
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
}

const HEADER = `// Generated from the admin API's openapi.json (apps/proxy/src/admin/openapi.ts) by
// apps/proxy/test/console-types.test.ts. Do not edit: after a change to a route's schemas, run
// \`cd apps/proxy && npx vitest run test/console-types.test.ts -u\` and commit the result.
`

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/
const key = (name: string) => (IDENTIFIER.test(name) ? name : `'${name}'`)
const literal = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v))
const doc = (text: string | undefined, pad: string) =>
  text ? `${pad}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ')} */\n` : ''

const SCALARS: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)]
  return unique.includes('unknown') ? 'unknown' : unique.join(' | ')
}

/** Whether a rendered type is a union at its top level (so `[]` after it needs parentheses). */
function isUnion(type: string): boolean {
  let depth = 0
  for (let i = 0; i < type.length; i++) {
    const c = type[i]
    if (c === '{' || c === '(' || c === '[' || c === '<') depth++
    else if (c === '}' || c === ')' || c === ']' || c === '>') depth--
    else if (depth === 0 && type.startsWith(' | ', i)) return true
  }
  return false
}

function objectType(s: Schema, pad: string): string {
  const props = Object.entries(s.properties ?? {})
  if (props.length === 0) {
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      return `Record<string, ${render(s.additionalProperties, pad)}>`
    }
    return s.additionalProperties === false ? 'Record<string, never>' : 'Record<string, unknown>'
  }
  const inner = `${pad}  `
  const lines = props.map(([name, prop]) => {
    const optional = s.required?.includes(name) ? '' : '?'
    return `${doc(prop.description, inner)}${inner}${key(name)}${optional}: ${render(prop, inner)}`
  })
  return `{\n${lines.join('\n')}\n${pad}}`
}

/** One schema as a TypeScript type; `pad` is the indentation of the line it starts on. */
function render(s: Schema, pad: string): string {
  if (s.$ref) throw new Error(`console types: $ref ${s.$ref} is not supported`)
  if (s.allOf) throw new Error('console types: allOf is not supported')
  if (s.const !== undefined) return literal(s.const)
  if (s.enum) return union(s.enum.map(literal))
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return union(alternatives.map((a) => render(a, pad)))
  if (Array.isArray(s.type)) return union(s.type.map((t) => render({ ...s, type: t }, pad)))
  switch (s.type) {
    case undefined:
      return 'unknown'
    case 'object':
      return objectType(s, pad)
    case 'array': {
      if (s.prefixItems) return `[${s.prefixItems.map((i) => render(i, pad)).join(', ')}]`
      const item = s.items ? render(s.items, pad) : 'unknown'
      return isUnion(item) ? `(${item})[]` : `${item}[]`
    }
    default: {
      const scalar = SCALARS[s.type]
      if (!scalar) throw new Error(`console types: type ${s.type} is not supported`)
      return scalar
    }
  }
}

function queryType(params: Parameter[], pad: string): string {
  const query = params.filter((p) => p.in === 'query')
  if (query.length === 0) return 'never'
  return objectType(
    {
      type: 'object',
      properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
      required: query.filter((p) => p.required).map((p) => p.name),
    },
    pad,
  )
}

function paramsType(params: Parameter[], pad: string): string {
  const inPath = params.filter((p) => p.in === 'path')
  if (inPath.length === 0) return 'never'
  return objectType(
    {
      type: 'object',
      properties: Object.fromEntries(inPath.map((p) => [p.name, { type: 'string' }])),
      required: inPath.map((p) => p.name),
    },
    pad,
  )
}

function jsonSchemaOf(content: Record<string, { schema?: Schema }> | undefined): Schema | null {
  const json = content?.['application/json']
  return json?.schema ?? null
}

function answerType(op: Operation, pad: string): string {
  const success = Object.entries(op.responses).find(([status]) => /^2\d\d$/.test(status))
  const schema = success ? jsonSchemaOf(success[1].content) : null
  return schema ? render(schema, pad) : 'unknown'
}

/** The whole generated module, routes sorted by path then method so the output is stable. */
export function renderConsoleTypes(document: OpenApiDocument): string {
  const entries: string[] = []
  const pad = '    '
  for (const path of Object.keys(document.paths).sort()) {
    const ops = document.paths[path] ?? {}
    for (const method of Object.keys(ops).sort()) {
      const op = ops[method]
      if (!op) continue
      const params = op.parameters ?? []
      const body = jsonSchemaOf(op.requestBody?.content)
      entries.push(
        [
          `${doc(op.summary, '  ')}  '${method.toUpperCase()} ${path}': {`,
          `${pad}params: ${paramsType(params, pad)}`,
          `${pad}query: ${queryType(params, pad)}`,
          `${pad}body: ${body ? render(body, pad) : 'never'}`,
          `${pad}answer: ${answerType(op, pad)}`,
          '  }',
        ].join('\n'),
      )
    }
  }
  return [
    HEADER,
    '/** Every route in openapi.json: path parameters, query, JSON body and success answer. */',
    '/** `never`: the route takes none; `unknown`: the document does not describe the answer. */',
    `export interface AdminRoutes {\n${entries.join('\n')}\n}\n`,
  ].join('\n')
}
