import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { createApp, type AppDeps } from './app'
import { loadAdminAssets } from './http/admin-assets'
import { resolveAdminDir } from './http/admin-dir'

/** What runtime/runtime.ts builds the control plane from (the console's assets are read here). */
export type ControlPlaneDeps = Omit<AppDeps, 'adminAssets'> & { adminDir: string | undefined }

/**
 * Builds the control plane's request handler. runtime/runtime.ts imports this module on the first
 * request that needs it, so a replica that only proxies never loads Hono, the admin routes or their
 * schemas (several MiB of its idle footprint).
 */
export function createControlPlane(
  deps: ControlPlaneDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { adminDir, ...rest } = deps
  const app = createApp({ ...rest, adminAssets: loadAdminAssets(adminDir ?? resolveAdminDir()) })
  const listener = getRequestListener(app.fetch)
  return (req, res) => void listener(req, res)
}
