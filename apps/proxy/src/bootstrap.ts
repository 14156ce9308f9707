import type { Store } from '@qcc/store'
import type { Logger } from './observability/logger'

export interface BootstrapOptions {
  mode: 'memory' | 'mysql'
  adminPassword: string
  adminApiKey: string
  defaultAccountName: string
  defaultProxyKey: string
  upstream: { name: string; baseUrl: string; apiKey: string | undefined }
}

/**
 * Creates the accounts of docs/contract.md §2: the admin when no admin exists (both modes); in
 * memory mode also the default tenant with its proxy key and, when an upstream key is set, its
 * node. Prints what it created and warns about defaults.
 */
export async function bootstrapAccounts(
  store: Store,
  options: BootstrapOptions,
  log: Logger,
): Promise<void> {
  if ((await store.countAdmins()) === 0) {
    const admin = await store.createAccount({
      name: 'admin',
      password: options.adminPassword,
      isAdmin: true,
    })
    await store.createProxyKey({ accountId: admin.id, name: 'bootstrap', key: options.adminApiKey })
    log.warn(
      {
        login: `admin / ${options.adminPassword === 'admin123' ? 'admin123' : '(ADMIN_PASSWORD)'}`,
      },
      'created the admin account; change its password and ADMIN_API_KEY before production use',
    )
  }
  if (options.mode !== 'memory') return
  let account = await store.getAccountByName(options.defaultAccountName)
  if (!account) {
    account = await store.createAccount({
      name: options.defaultAccountName,
      password: 'default123',
    })
    await store.createProxyKey({
      accountId: account.id,
      name: 'default',
      key: options.defaultProxyKey,
    })
    log.warn(
      {
        login: `${options.defaultAccountName} / default123`,
        proxyKey:
          options.defaultProxyKey === 'default-proxy-key'
            ? 'default-proxy-key'
            : '(DEFAULT_PROXY_API_KEY)',
      },
      'created the default account (memory mode); change DEFAULT_PROXY_API_KEY before production use',
    )
  }
  if (options.upstream.apiKey) {
    const nodes = await store.listNodes({ accountId: account.id })
    if (!nodes.some((n) => n.name === options.upstream.name)) {
      await store.createNode({
        accountId: account.id,
        name: options.upstream.name,
        baseUrl: options.upstream.baseUrl,
        apiKey: options.upstream.apiKey,
        weight: 1,
        allowPrivate: true,
        // The operator's key: the tenant may not repoint, rekey or delete this node (docs/contract.md §9).
        managed: true,
      })
      log.info(
        { node: options.upstream.name, base_url: options.upstream.baseUrl },
        'created the upstream node from env',
      )
    }
  }
  log.warn('memory mode: nothing persists across restarts (set PROXY_MYSQL_DSN to keep state)')
}
