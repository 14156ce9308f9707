#!/usr/bin/env node
// `pnpm start`: build what is missing or stale, then run the proxy in the foreground, in this
// very process. The root script is `exec node scripts/start.mjs`, so the shell pnpm starts is
// replaced by us: a SIGTERM pnpm relays reaches the server, and the exit code is the server's.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outputs = ['packages/core', 'packages/store', 'packages/client', 'apps/admin', 'apps/proxy']

function newest(dir) {
  let t = 0
  if (!existsSync(dir)) return t
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs)
  }
  return t
}

function isStale(pkg) {
  const dist = join(root, pkg, 'dist')
  if (!existsSync(dist)) return true
  const built = newest(dist)
  return (
    newest(join(root, pkg, 'src')) > built ||
    statSync(join(root, pkg, 'package.json')).mtimeMs > built
  )
}

if (outputs.some(isStale)) {
  console.error('qcc: building (first start or sources changed)…')
  const build = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@qcc/proxy...', '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const cli = join(root, 'apps/proxy/dist/cli.js')
process.argv = [process.argv[0], cli, 'proxy', ...process.argv.slice(2)]
await import(pathToFileURL(cli).href)
