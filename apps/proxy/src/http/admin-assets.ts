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

/**
 * docs/contract.md §9: the console runs only its own bundled scripts and styles, talks only to this origin,
 * and cannot be framed (clickjacking). Preact and uPlot set styles through the CSSOM, which
 * `style-src 'self'` allows; `data:` images are the bundle's inline icons.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** On every console answer, HTML and assets alike (assets are never sniffed into HTML). */
const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
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
          headers: { ...SECURITY_HEADERS, 'content-type': index.type, 'cache-control': 'no-cache' },
        })
      : new Response('the admin console is not built (pnpm build)', {
          status: 503,
          headers: SECURITY_HEADERS,
        })
  app.get('/admin/assets/*', (c) => {
    const asset = assets.get(c.req.path.slice('/admin'.length))
    if (!asset) return c.text('not found', 404, SECURITY_HEADERS)
    return new Response(asset.body, {
      headers: {
        ...SECURITY_HEADERS,
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
        headers: { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'no-cache' },
      })
    }
    return sendIndex()
  })
  app.get('/', sendIndex)
  app.get('/login', sendIndex)
}
