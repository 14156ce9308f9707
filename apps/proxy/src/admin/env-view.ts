import { SECRET_ENV_NAMES, type Env } from '../env'
import type { AdminDeps, AdminEnv } from './context'
import { envAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'

/** A secret as the env viewer shows it: set or not, and at most its last 4 characters. */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `****${value.slice(-4)}` : '********'
}

function display(name: string, value: Env[keyof Env]): string | null {
  if (value === undefined || value === null) return null
  if (name === 'LISTEN_ADDR' && typeof value === 'object' && 'port' in value) {
    return `${value.host ?? ''}:${value.port}`
  }
  const text = Array.isArray(value) ? value.join(',') : String(value)
  return SECRET_ENV_NAMES.has(name) ? maskSecret(text) : text
}

/** `GET /admin/api/env` (admins): the effective configuration, secrets masked. */
export function envRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  defineRoute(api, 'GET /env', {
    summary: 'Effective configuration, secrets masked',
    auth: 'admin',
    response: envAnswer,
    handler: (c) => {
      const vars = (Object.keys(deps.env) as (keyof Env)[]).sort().map((name) => ({
        name,
        value: display(name, deps.env[name]),
        secret: SECRET_ENV_NAMES.has(name),
      }))
      return c.json({ vars })
    },
  })
}
