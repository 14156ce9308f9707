import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { Store } from '../../src/interface'
import { contractPart, eventually, healthy, usageEvent } from '../support/harness'

/** Secrets at rest, the secret-key check, replicas and concurrent writers. */
export const securityContract = contractPart('secrets and replicas', (stores, h) => {
  it('stores no plaintext password, proxy key, upstream key or token', async () => {
    const s = await stores.open()
    const canary = (what: string) => `CANARY-${what}-${randomBytes(8).toString('hex')}`
    const secrets = {
      password: canary('password'),
      proxyKey: canary('proxykey'),
      upstream: canary('upstream'),
      webhook: canary('webhook'),
      tunnel: canary('tunnel'),
    }
    const a = await s.createAccount({ name: 'canary', password: secrets.password })
    const { secret: generated } = await s.createProxyKey({ accountId: a.id })
    await s.createProxyKey({ accountId: a.id, key: secrets.proxyKey })
    const n = await s.createNode({
      accountId: a.id,
      name: 'n',
      baseUrl: 'https://r.test',
      apiKey: secrets.upstream,
    })
    await s.updateNode(n.id, { apiKey: secrets.upstream })
    const session = await s.createSession(a.id, 60_000)
    const share = await s.createShareLink({ accountId: a.id })
    await s.createNotificationChannel({
      accountId: a.id,
      name: 'c',
      kind: 'webhook',
      config: { url: secrets.webhook },
    })
    await s.setTunnelConfig({ apiToken: secrets.tunnel })
    const dump = await h.dump(s)
    expect(dump).toContain('canary')
    for (const secret of [...Object.values(secrets), generated, session.id, share.token]) {
      expect(dump).not.toContain(secret)
      expect(dump).not.toContain(secret.slice(-16))
    }
    expect(await s.getNodeApiKey(n.id)).toBe(secrets.upstream)
  })

  it('binds a sealed upstream key to its node and origin: a moved key never opens', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'bind', password: 'pw' })
    const key = 'sk-ant-bound-key-0123456789'
    const mk = (name: string, baseUrl: string, apiKey?: string) =>
      s.createNode({ accountId: a.id, name, baseUrl, apiKey })
    const victim = await mk('victim', 'https://relay.test/x', key)
    const thief = await mk('thief', 'https://relay.test/x', 'sk-ant-thief-key-0000000000')
    const sealed = (await h.nodeRow.get(s, victim.id)).sealedKey
    expect(sealed).not.toBeNull()
    const refused = async (id: string) => {
      const err = await s.getNodeApiKey(id).catch((e: unknown) => e)
      expect(isStoreError(err, 'secret_key_mismatch')).toBe(true)
      expect(String((err as Error).message)).not.toContain(key)
    }
    // The same sealed value on another node row (same URL): refused, not the victim's key.
    await h.nodeRow.set(s, thief.id, { sealedKey: sealed })
    await refused(thief.id)
    // The victim's own row pointed at another origin behind the store's back: refused.
    await h.nodeRow.set(s, victim.id, { baseUrl: 'http://attacker.test:8080/x' })
    await refused(victim.id)
    // Another port is another origin; the default port is the same origin.
    await h.nodeRow.set(s, victim.id, { baseUrl: 'https://relay.test:8443/x' })
    await refused(victim.id)
    await h.nodeRow.set(s, victim.id, { baseUrl: 'https://relay.test:443/other/path' })
    expect(await s.getNodeApiKey(victim.id)).toBe(key)
  })

  it('re-seals the kept key when an update moves the origin, and seals a new key given', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'move', password: 'pw' })
    const key = 'sk-ant-moving-key-0123456789'
    const n = await s.createNode({
      accountId: a.id,
      name: 'n',
      baseUrl: 'https://one.test/v1',
      apiKey: key,
    })
    const first = (await h.nodeRow.get(s, n.id)).sealedKey
    // Same origin, other path: the sealed value is kept as it is.
    await s.updateNode(n.id, { baseUrl: 'https://one.test/relay' })
    expect((await h.nodeRow.get(s, n.id)).sealedKey).toBe(first)
    expect(await s.getNodeApiKey(n.id)).toBe(key)
    // Another origin without a new key (an admin's move): re-sealed, still readable.
    await s.updateNode(n.id, { baseUrl: 'https://two.test:8443' })
    const second = (await h.nodeRow.get(s, n.id)).sealedKey
    expect(second).not.toBe(first)
    expect(await s.getNodeApiKey(n.id)).toBe(key)
    // The value sealed for the old origin does not open at the new one.
    await h.nodeRow.set(s, n.id, { sealedKey: first })
    expect(isStoreError(await s.getNodeApiKey(n.id).catch((e) => e), 'secret_key_mismatch')).toBe(
      true,
    )
    await h.nodeRow.set(s, n.id, { sealedKey: second })
    // Another origin with a new key: the new key, bound to the new origin.
    await s.updateNode(n.id, { baseUrl: 'https://three.test', apiKey: 'sk-ant-third-key-000000' })
    expect(await s.getNodeApiKey(n.id)).toBe('sk-ant-third-key-000000')
    await s.updateNode(n.id, { baseUrl: 'https://four.test', apiKey: null })
    expect(await s.getNodeApiKey(n.id)).toBeNull()
    expect((await s.getNode(n.id))?.hasApiKey).toBe(false)
  })

  it('refuses a store opened with another secret key', async () => {
    if (!h.reopen) return
    await stores.open()
    const err = await h.reopen({ secretKey: new Uint8Array(randomBytes(32)) }).catch((e) => e)
    expect(isStoreError(err, 'secret_key_mismatch')).toBe(true)
    expect(String(err.message)).toMatch(/QCC_SECRET_KEY/)
  })

  it('shows a change made through one store on another within 5 s', async () => {
    if (!h.reopen) return
    const a = await stores.open()
    const b = await stores.reopen(a, { pollIntervalMs: 200 })
    const acc = await a.createAccount({ name: 'r', password: 'pw' })
    const { key, secret } = await a.createProxyKey({ accountId: acc.id })
    await eventually(() => b.resolveProxyKey(secret)?.keyId === key.id, 5000)
    await a.revokeProxyKey(key.id)
    await eventually(() => b.resolveProxyKey(secret) === null, 5000)
    expect(await b.changeVersion()).toBe(await a.changeVersion())
  })

  it('lets exactly one of two stores win each node-state version', async () => {
    if (!h.reopen) return
    const a = await stores.open()
    const b = await stores.reopen(a)
    const acc = await a.createAccount({ name: 'cas', password: 'pw' })
    const n = await a.createNode({ accountId: acc.id, name: 'n', baseUrl: 'https://r.test' })
    for (const version of [0, 1, 2, 3]) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).compareAndSetNodeState(n.id, version, {
            ...healthy(),
            consecutiveFailures: i,
          }),
        ),
      )
      expect(results.filter(Boolean).length).toBe(1)
    }
    expect((await b.getNodeStates())[0]?.version).toBe(4)
  })

  it('counts 10,000 events through two writers with duplicates exactly', async () => {
    const a = await stores.open()
    const b = await stores.reopen(a)
    const acc = await a.createAccount({ name: 'w', password: 'pw' })
    const events = Array.from({ length: 10_000 }, (_, i) =>
      usageEvent({
        accountId: acc.id,
        inputTokens: i % 97,
        model: `m${i % 3}`,
        at: new Date(Date.UTC(2026, 0, 1) + i * 1000),
      }),
    )
    const feed = (s: Store, from: number, to: number) => {
      for (let i = from; i < to; i++) s.usageWriter.enqueue(events[i] as (typeof events)[number])
    }
    feed(a, 0, 6000)
    feed(b, 4000, 10_000)
    feed(a, 9000, 10_000)
    await Promise.all([a.usageWriter.flush(), b.usageWriter.flush()])
    const { total, groups } = await a.usageSummary({ accountId: acc.id, groupBy: 'model' })
    expect(total.requests).toBe(10_000)
    expect(total.inputTokens).toBe(events.reduce((n, e) => n + e.inputTokens, 0))
    expect(groups.map((g) => g.requests).sort()).toEqual([3333, 3333, 3334])
  }, 120_000)
})
