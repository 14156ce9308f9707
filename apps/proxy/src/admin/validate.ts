import type { Context } from 'hono'
import type { z } from 'zod'
import { ApiError, describeZodError } from './errors'

/** Parses `raw` with `schema`, answering 400 naming the first bad field. */
export function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new ApiError('invalid_request', describeZodError(parsed.error))
  return parsed.data
}

/** The JSON body; an empty body counts as `{}` so that all-optional bodies may be left out. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ApiError('invalid_request', 'body must be valid JSON')
  }
}

/** Reads and validates the JSON body. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseWith(schema, await readJson(c))
}

/** Validates the query string (single values). */
export function queryOf<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query())
}
