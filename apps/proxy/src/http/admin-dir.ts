import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

/** Where the built console lives: `@qcc/admin`'s dist, resolved through the workspace. */
export function resolveAdminDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@qcc/admin/package.json')), 'dist')
}
