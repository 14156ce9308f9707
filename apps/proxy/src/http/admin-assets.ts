import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import type { Hono } from 'hono'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

interface Asset {
  body: Uint8Array
  type: string
}

/** The console bundle, read once at start-up (it is small and immutable between deploys). */
export function loadAdminAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  if (!existsSync(dir)) return assets
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else
        assets.set('/' + relative(dir, full).split('\\').join('/'), {
          body: readFileSync(full),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
        })
    }
  }
  walk(dir)
  return assets
}

/**
 * Serves the console at /admin: hashed assets cached for a year, everything else falls back to
 * index.html (the SPA routes), which is never cached so a deploy shows at once.
 */
export function mountAdminAssets(app: Hono, assets: Map<string, Asset>): void {
  const index = assets.get('/index.html')
  const sendIndex = () =>
    index
      ? new Response(index.body, {
          headers: { 'content-type': index.type, 'cache-control': 'no-cache' },
        })
      : new Response('the admin console is not built (pnpm build)', { status: 503 })
  app.get('/admin/assets/*', (c) => {
    const asset = assets.get(c.req.path.slice('/admin'.length))
    if (!asset) return c.text('not found', 404)
    return new Response(asset.body, {
      headers: {
        'content-type': asset.type,
        'cache-control': 'public, max-age=31536000, immutable',
      },
    })
  })
  app.get('/admin', sendIndex)
  app.get('/admin/*', (c) => {
    if (c.req.path.startsWith('/admin/api/')) return c.json({ error: 'not found' }, 404)
    const asset = assets.get(c.req.path.slice('/admin'.length))
    if (asset && asset !== index) {
      return new Response(asset.body, {
        headers: { 'content-type': asset.type, 'cache-control': 'no-cache' },
      })
    }
    return sendIndex()
  })
  app.get('/', sendIndex)
  app.get('/login', sendIndex)
}
