import { createStore } from '@qcc/store'
import type { Env } from '../env'
import { createLogger } from '../observability/logger'
import { resolveSecretKey } from '../secret-key'

/** `qcc migrate`: applies the database migrations (also done at every start) and exits. */
export async function runMigrateCommand(
  env: Env,
  stderr: { write(s: string): unknown },
): Promise<number> {
  if (!env.PROXY_MYSQL_DSN) {
    stderr.write('qcc migrate: PROXY_MYSQL_DSN is not set (memory mode has nothing to migrate)\n')
    return 2
  }
  const logger = createLogger(env.LOG_LEVEL)
  const secretKey = await resolveSecretKey({
    configured: env.QCC_SECRET_KEY,
    dataDir: env.QCC_DATA_DIR,
    persistent: true,
    logger,
  })
  const store = await createStore({ kind: 'mysql', url: env.PROXY_MYSQL_DSN, secretKey })
  await store.close()
  stderr.write('qcc migrate: the database schema is up to date\n')
  return 0
}
