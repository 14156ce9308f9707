import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createStore, type Store } from '@qcc/store'
import { createSqliteSource } from '../../../test/qcc-plus-source'
import { importQccPlus } from './importer'
import { openQccPlusSource, type QccPlusSource } from './source'
import { dryWrites, storeWrites } from './target'

// docs/contract.md §14.1: name collisions, the bootstrap admin, and dry runs, on the memory store
// with the SQLite fixture (test/fixtures/qcc-plus); the MariaDB runs are in test/import-qcc-plus.e2e.test.ts.
const SECRET = new Uint8Array(32).fill(7)
let dir: string
let source: QccPlusSource
let store: Store
let file: Awaited<ReturnType<typeof createSqliteSource>>

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qcc-import-unit-'))
  file = await createSqliteSource(dir)
  source = await openQccPlusSource({ kind: 'sqlite', path: file.path })
  store = await createStore({
    kind: 'memory',
    secretKey: SECRET,
    passwordHash: { N: 1024, r: 8, p: 1 },
  })
})

afterEach(async () => {
  await source.close()
  await file.close()
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

const run = (over: { dryRun?: boolean; bootstrapAdminPassword?: string } = {}) =>
  importQccPlus({
    source,
    store,
    writes: over.dryRun ? dryWrites() : storeWrites(store),
    dryRun: over.dryRun ?? false,
    withHistory: false,
    secretKey: SECRET,
    bootstrapAdminPassword: over.bootstrapAdminPassword ?? 'admin123',
  })

describe('importQccPlus', () => {
  it("takes over qcc's bootstrap admin still on its password: the old password and key work", async () => {
    const bootstrap = await store.createAccount({
      name: 'admin',
      password: 'admin123',
      isAdmin: true,
    })
    const report = await run()
    expect(report.lines()).toContain('accounts: 5 read, 3 created, 1 updated, 1 skipped')
    expect((await store.verifyPassword('admin', 'Adm1n-old-pass'))?.id).toBe(bootstrap.id)
    expect(await store.verifyPassword('admin', 'admin123')).toBeNull()
    expect(store.resolveProxyKey('sk-qccplus-admin-0002')?.accountId).toBe(bootstrap.id)
    expect((await store.listAccounts()).filter((a) => a.name === 'admin')).toHaveLength(1)
    // The source id is remembered: a second run leaves the admin alone.
    expect((await run()).lines()).toContain('accounts: 5 read, 0 created, 0 updated, 1 skipped')
  })

  it('skips an admin whose password was changed, and everything of an account whose name qcc has', async () => {
    await store.createAccount({ name: 'admin', password: 'changed-by-operator', isAdmin: true })
    await store.createAccount({ name: 'TEAM-RED', password: 'someone-else-1' })
    const lines = (await run()).lines()
    expect(lines).toContain('accounts: 5 read, 2 created, 0 updated, 3 skipped')
    expect(lines).toContain(
      'skipped accounts acc-1760000000123456789 (team-red): qcc already has an account named TEAM-RED (not imported)',
    )
    expect(lines).toContain('skipped nodes node-r1 (red-primary): account skipped')
    expect(lines).toContain('skipped monitor_shares share-live: account skipped')
    expect(lines).toContain('skipped notification_channels ch-wecom (Ops WeCom): account skipped')
    expect(lines).toContain('skipped config acc-1760000000123456789: account skipped')
    expect(await store.verifyPassword('admin', 'changed-by-operator')).not.toBeNull()
    expect(store.resolveProxyKey('sk-qccplus-red-0003')).toBeNull()
  })

  it('a source rename onto a name qcc has keeps qcc’s name and says so', async () => {
    await run()
    await store.createAccount({ name: 'team-blue', password: 'someone-else-2' })
    await file.exec("UPDATE accounts SET name = 'team-blue' WHERE id = 'acc-1760000001000000000'")
    const lines = (await run()).lines()
    expect(lines).toContain('accounts: 5 read, 0 created, 1 updated, 1 skipped')
    expect(lines).toContain(
      'note accounts acc-1760000001000000000 (team-blue): another qcc account has this name; kept its name in qcc',
    )
    expect(await store.getAccountByName('nopass')).not.toBeNull()
  })

  it('a dry run writes nothing and reports what a real run does', async () => {
    const dry = (await run({ dryRun: true })).lines()
    expect(await store.listAccounts()).toEqual([])
    expect(await store.listNodes()).toEqual([])
    expect(await store.listImportSources('qcc_plus', 'accounts')).toEqual([])
    expect(await store.listAudit()).toEqual([])
    const real = (await run()).lines()
    expect(dry).toEqual(real)
    expect((await store.listAudit()).map((a) => a.action)).toEqual(['import.qcc_plus'])
  })

  it('imports the tunnel token decoded, WeCom channels sealed as wechat_work, and price overrides', async () => {
    await run()
    expect(await store.getTunnelConfig()).toMatchObject({
      apiToken: 'cf-tunnel-token-fixture-5e4d3c',
      subdomain: 'qcc-team',
      zone: 'example.com',
      enabled: false,
    })
    const channels = await store.listNotificationChannels()
    expect(channels.map((c) => [c.name, c.kind, c.enabled])).toEqual([
      ['Ops WeCom', 'wechat_work', true],
      ['My WeChat', 'wechat_work', false],
    ])
    const subs = await store.listNotificationSubscriptions({ channelId: channels[0]?.id })
    expect(subs.map((s) => s.eventType).sort()).toEqual([
      'node.failed',
      'node.recovered',
      'node.switched',
    ])
    const sonnet = (await store.listPrices()).find((p) => p.model === 'claude-sonnet-4-5-20250929')
    expect(sonnet).toMatchObject({
      inputPerMTok: 3.3,
      outputPerMTok: 16.5,
      cacheWrite5mPerMTok: 4.125,
      cacheReadPerMTok: 0.33,
    })
    const red = await store.getAccountByName('team-red')
    expect(red?.settings).toMatchObject({ retryMax: 5, failThreshold: 4, healthIntervalMs: 46_000 })
    const nodes = await store.listNodes({ accountId: red?.id })
    expect(red?.activeNodeId).toBe(nodes.find((n) => n.name === 'red-primary')?.id)
    expect(nodes.find((n) => n.name === 'red-backup')?.healthCheckMethod).toBe('head')
    expect(nodes.every((n) => n.allowPrivate && n.managed)).toBe(true)
  })
})
