import { randomBytes } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError, notFound } from './errors'
import { publicOrigin, type TrustedProxies } from './request-meta'
import { targetAccount } from './roles'
import type { RouteDoc } from './route-doc'
import { jsonBody } from './validate'

const DOWNLOAD_TTL_MS = 24 * 3_600_000
const MAX_DOWNLOADS = 1000

const ruleList = z.array(z.string().trim().min(1).max(200)).max(100).default([])
export const claudeConfigBody = z.object({
  account_id: z.string().max(64).optional(),
  proxy_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** A live key of the account; without it, `new_key: true` issues one, else a placeholder. */
  api_key: z.string().min(4).max(512).optional(),
  new_key: z.boolean().default(false),
  model: z.string().trim().min(1).max(128).optional(),
  allow: ruleList,
  deny: ruleList,
})

const PLACEHOLDER = 'YOUR_PROXY_KEY'

/**
 * Claude Code `settings.json` generator with a download link and one-line install commands.
 * Generated files are kept in this replica's memory for a day under an unguessable id (they may
 * hold a proxy key, so never in the database or logs).
 */
export function claudeConfigRoutes(deps: AdminDeps, trusted: TrustedProxies) {
  const downloads = new Map<string, { json: string; expiresAt: number }>()

  const admin = new Hono<AdminEnv>()
  admin.post('/claude-config', async (c) => {
    const body = await jsonBody(c, claudeConfigBody)
    const account = await targetAccount(c, deps, body.account_id)
    let key = body.api_key
    if (key !== undefined && deps.store.resolveProxyKey(key)?.accountId !== account.id) {
      throw new ApiError(400, 'api_key: not a live key of this account')
    }
    if (key === undefined && body.new_key) {
      key = (await deps.store.createProxyKey({ accountId: account.id, name: 'claude-code' })).secret
    }
    const origin = publicOrigin(c, trusted)
    const settings = {
      env: {
        ANTHROPIC_BASE_URL: body.proxy_url ?? origin,
        ANTHROPIC_AUTH_TOKEN: key ?? PLACEHOLDER,
      },
      permissions: { allow: [...new Set(body.allow)], deny: [...new Set(body.deny)] },
      ...(body.model ? { model: body.model } : {}),
    }
    const json = JSON.stringify(settings, null, 2) + '\n'
    const now = deps.now()
    for (const [id, d] of downloads) if (d.expiresAt <= now) downloads.delete(id)
    if (downloads.size >= MAX_DOWNLOADS) downloads.delete(downloads.keys().next().value as string)
    const id = randomBytes(16).toString('hex')
    downloads.set(id, { json, expiresAt: now + DOWNLOAD_TTL_MS })
    const url = `${origin}/api/claude-config/download/${id}`
    return c.json({
      account_name: account.name,
      settings,
      config_json: json,
      config_id: id,
      download_url: url,
      expires_at: new Date(now + DOWNLOAD_TTL_MS).toISOString(),
      install_cmd: {
        unix: `mkdir -p ~/.claude && curl -fsSL '${url}' -o ~/.claude/settings.json`,
        windows: `New-Item -ItemType Directory -Force "$env:USERPROFILE\\.claude" | Out-Null; iwr '${url}' -OutFile "$env:USERPROFILE\\.claude\\settings.json"`,
      },
    })
  })

  const download = new Hono()
  download.get('/api/claude-config/download/:id', (c) => {
    const d = downloads.get(c.req.param('id'))
    if (!d || d.expiresAt <= deps.now()) throw notFound()
    return c.body(d.json, 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="settings.json"',
      'cache-control': 'no-store',
    })
  })
  return { admin, download }
}

export const claudeConfigDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/api/claude-config',
    summary: 'Generate a Claude Code settings.json with a download link',
    auth: 'session',
    body: claudeConfigBody,
  },
  {
    method: 'get',
    path: '/api/claude-config/download/{id}',
    summary: 'Download a generated settings.json (public, unguessable id, 24 h)',
    auth: 'public',
    produces: 'application/json',
  },
]
