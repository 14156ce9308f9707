import type { BlankEnv } from 'hono/types'
import { z } from 'zod'
import type { Store } from '@qcc/store'
import type { AdminDeps, AdminEnv, DownloadLinks } from './context'
import { ApiError, notFound } from './errors'
import { publicOrigin, type TrustedProxies } from './request-meta'
import { targetAccount } from './roles'
import { claudeConfigAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'
import { installCommands } from './shell-quote'
import type { TenantCap } from './tenant-caps'

/** A download link works once, for this long (docs/contract.md §9). */
const DOWNLOAD_TTL_MS = 10 * 60_000

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

/** The store's download links (shared by replicas in MySQL mode, one process's in memory mode). */
export function storeDownloadLinks(store: Store): DownloadLinks {
  return {
    create: (input) => store.createDownloadLink(input),
    consume: (token) => store.consumeDownloadLink(token),
  }
}

/**
 * Claude Code `settings.json` generator with a download link and one-line install commands. The
 * file may hold a proxy key: it is kept sealed in `links` (the store, or Redis; never in logs)
 * under a one-time token, so the link works once, for 10 minutes, on any replica. Links and commands are built
 * from `PROXY_PUBLIC_URL`, else the request's validated `Host`, and the commands are shell-quoted.
 */
export function claudeConfigRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  keyCap: TenantCap,
  links: DownloadLinks,
): void {
  defineRoute(api, 'POST /claude-config', {
    summary: 'Generate a Claude Code settings.json with a download link',
    body: claudeConfigBody,
    response: claudeConfigAnswer,
    handler: async (c, input) => {
      const body = await input.body()
      const account = await targetAccount(c, deps, body.account_id)
      let key = body.api_key
      if (key !== undefined && deps.store.resolveProxyKey(key)?.accountId !== account.id) {
        throw new ApiError('invalid_request', 'api_key: not a live key of this account')
      }
      const origin = deps.env.PROXY_PUBLIC_URL ?? publicOrigin(c, trusted)
      let issuedId: string | undefined
      if (key === undefined && body.new_key) {
        const issue = () =>
          deps.store.createProxyKey({ accountId: account.id, name: 'claude-code' })
        const issued = await keyCap.run(c.get('account'), account.id, issue)
        key = issued.secret
        issuedId = issued.key.id
      }
      const settings = {
        env: {
          ANTHROPIC_BASE_URL: body.proxy_url ?? origin,
          ANTHROPIC_AUTH_TOKEN: key ?? PLACEHOLDER,
        },
        permissions: { allow: [...new Set(body.allow)], deny: [...new Set(body.deny)] },
        ...(body.model ? { model: body.model } : {}),
      }
      const json = JSON.stringify(settings, null, 2) + '\n'
      const expiresAt = new Date(deps.now() + DOWNLOAD_TTL_MS)
      const { token } = await links
        .create({ accountId: account.id, payload: json, expiresAt })
        .catch(async (err: unknown) => {
          // A refused request changes nothing: the key issued for the file goes with it.
          if (issuedId) await deps.store.revokeProxyKey(issuedId)
          throw err
        })
      const url = `${origin}/api/claude-config/download/${token}`
      return c.json({
        account_name: account.name,
        settings,
        config_json: json,
        config_id: token,
        download_url: url,
        expires_at: expiresAt.toISOString(),
        install_cmd: installCommands(url),
      })
    },
  })
}

/** `GET /api/claude-config/download/:id`: the generated file, once (public: the id is the secret). */
export function claudeConfigDownloadRoute(root: RouteGroup<BlankEnv>, links: DownloadLinks): void {
  defineRoute(root, 'GET /api/claude-config/download/:id', {
    summary: 'Download a generated settings.json (public, unguessable id; works once, 10 minutes)',
    produces: 'application/json',
    handler: async (c) => {
      const json = await links.consume(c.req.param('id') ?? '')
      if (json === null) throw notFound()
      return c.body(json, 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': 'attachment; filename="settings.json"',
        'cache-control': 'no-store',
      })
    },
  })
}
