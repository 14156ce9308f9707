import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { CreateNodeInput, UpdateNodeInput } from '../../src/types/nodes'
import { contractPart } from '../support/harness'

const SECRET = 'hdr-secret-value-7f3a9c'

const POLICIES = {
  authHeader: 'both',
  extraHeaders: { 'X-Relay-Token': SECRET, 'x-tenant': 'acme' },
  models: ['claude-sonnet-4-5', 'claude-opus-*'],
  modelMap: { 'claude-opus-*': 'opus-upstream', 'claude-sonnet-4-5': 'sonnet' },
  errorRules: [
    { status: 429, contains: 'quota', action: 'cooldown', cooldownSec: 300 },
    { status: '5xx', action: 'return' },
    { contains: 'overloaded', action: 'failover' },
    { action: 'fail' },
  ],
  noFailover: true,
  stripToolFields: true,
  stickyTtlMs: 600_000,
} satisfies Partial<CreateNodeInput>

/** Node policies (docs/contract.md §13): fields, defaults, checks, sealed extra headers. */
export const nodePolicyContract = contractPart('node policies', (stores, h) => {
  it('defaults every policy field to the behaviour from before them', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    const expected = {
      authHeader: 'x-api-key',
      models: null,
      modelMap: null,
      errorRules: [],
      noFailover: false,
      stripToolFields: false,
      stickyTtlMs: null,
      extraHeaderNames: [],
    }
    expect(n).toMatchObject(expected)
    expect(await store.getNode(n.id)).toMatchObject(expected)
    expect(await store.getNodeExtraHeaders(n.id)).toBeNull()
    expect(await store.getNodeExtraHeaders('nope')).toBeNull()
  })

  it('round-trips every field on create, update and list; other patches keep them', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({
      accountId: a.id,
      name: 'n',
      baseUrl: 'https://r.test',
      ...POLICIES,
    })
    const { extraHeaders, ...plain } = POLICIES
    const shown = { ...plain, extraHeaderNames: ['X-Relay-Token', 'x-tenant'] }
    expect(n).toMatchObject(shown)
    expect(n).not.toHaveProperty('extraHeaders')
    expect(JSON.stringify(n)).not.toContain(SECRET)
    expect(await store.getNode(n.id)).toMatchObject(shown)
    expect((await store.listNodes({ accountId: a.id }))[0]).toMatchObject(shown)
    expect(await store.getNodeExtraHeaders(n.id)).toEqual(extraHeaders)
    // An unrelated patch keeps them all.
    expect(await store.updateNode(n.id, { weight: 4, name: 'n2' })).toMatchObject(shown)
    expect(await store.getNodeExtraHeaders(n.id)).toEqual(extraHeaders)
    const patch: UpdateNodeInput = {
      authHeader: 'bearer',
      extraHeaders: { 'x-other': 'v2' },
      models: null,
      modelMap: null,
      errorRules: [],
      noFailover: false,
      stripToolFields: false,
      stickyTtlMs: 0,
    }
    const u = await store.updateNode(n.id, patch)
    const after = { ...patch, extraHeaders: undefined, extraHeaderNames: ['x-other'] }
    delete after.extraHeaders
    expect(u).toMatchObject(after)
    expect(await store.getNode(n.id)).toMatchObject(after)
    expect(await store.getNodeExtraHeaders(n.id)).toEqual({ 'x-other': 'v2' })
    const cleared = await store.updateNode(n.id, { extraHeaders: null, stickyTtlMs: null })
    expect(cleared).toMatchObject({ extraHeaderNames: [], stickyTtlMs: null })
    expect(await store.getNodeExtraHeaders(n.id)).toBeNull()
  })

  it('refuses invalid policies, naming the field, and changes nothing', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    const before = await store.getNode(n.id)
    const many = (k: number) =>
      Object.fromEntries([...Array(k).keys()].map((i) => [`x-h${i}`, 'v']))
    const bad: [string, unknown][] = [
      ['authHeader', { authHeader: 'basic' }],
      ['extraHeaders', { extraHeaders: many(21) }],
      ['extraHeaders', { extraHeaders: { 'bad name': 'v' } }],
      ['extraHeaders', { extraHeaders: { Authorization: 'Bearer x' } }],
      ['extraHeaders', { extraHeaders: { 'X-API-Key': 'k' } }],
      ['extraHeaders', { extraHeaders: { 'proxy-authorization': 'k' } }],
      ['extraHeaders', { extraHeaders: { 'x-forwarded-for': '1.2.3.4' } }],
      ['extraHeaders', { extraHeaders: { 'transfer-encoding': 'chunked' } }],
      ['extraHeaders', { extraHeaders: { Cookie: 'session=x' } }],
      ['extraHeaders', { extraHeaders: { forwarded: 'for=1.2.3.4' } }],
      ['extraHeaders', { extraHeaders: { 'accept-encoding': 'gzip' } }],
      ['extraHeaders', { extraHeaders: { 'x-a': 'a\r\nx-b: b' } }],
      ['extraHeaders', { extraHeaders: { 'x-a': 'a'.repeat(4097) } }],
      ['models', { models: [] }],
      ['models', { models: ['has space'] }],
      ['models', { models: [...Array(201).keys()].map((i) => `m${i}`) }],
      ['modelMap', { modelMap: { 'a*': 'b*' } }],
      [
        'modelMap',
        { modelMap: Object.fromEntries([...Array(201).keys()].map((i) => [`m${i}`, 'x'])) },
      ],
      ['errorRules', { errorRules: [...Array(51)].map(() => ({ action: 'fail' })) }],
      ['errorRules[0].action', { errorRules: [{ action: 'retry' }] }],
      [
        'errorRules[1].status',
        { errorRules: [{ action: 'fail' }, { status: 600, action: 'fail' }] },
      ],
      ['errorRules[0].status', { errorRules: [{ status: '3xx', action: 'fail' }] }],
      ['errorRules[0].contains', { errorRules: [{ contains: 'x'.repeat(201), action: 'fail' }] }],
      ['errorRules[0].cooldownSec', { errorRules: [{ action: 'cooldown', cooldownSec: 0 }] }],
      ['errorRules[0].cooldownSec', { errorRules: [{ action: 'cooldown', cooldownSec: 86_401 }] }],
      ['stickyTtlMs', { stickyTtlMs: -1000 }],
      ['noFailover', { noFailover: 'yes' }],
    ]
    for (const [field, input] of bad) {
      const created = await store
        .createNode({ accountId: a.id, name: 'x', baseUrl: 'https://r.test', ...(input as object) })
        .catch((e) => e)
      const updated = await store.updateNode(n.id, input as UpdateNodeInput).catch((e) => e)
      for (const e of [created, updated]) {
        expect(isStoreError(e, 'invalid'), `${field} ${JSON.stringify(input).slice(0, 80)}`).toBe(
          true,
        )
        expect((e as Error).message.startsWith(`${field} `), (e as Error).message).toBe(true)
      }
    }
    expect((await store.listNodes({ accountId: a.id })).map((x) => x.name)).toEqual(['n'])
    expect(await store.getNode(n.id)).toEqual(before)
    expect(await store.getNodeExtraHeaders(n.id)).toBeNull()
  })

  it('keeps extra header values sealed at rest and re-seals them when the origin moves', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const n = await s.createNode({
      accountId: a.id,
      name: 'n',
      baseUrl: 'https://one.test/v1',
      extraHeaders: { 'x-relay-token': SECRET },
    })
    const first = (await h.nodeRow.get(s, n.id)).sealedHeaders
    expect(first).toMatch(/^v1\./)
    expect(first).not.toContain(SECRET)
    expect(await h.dump(s)).not.toContain(SECRET)
    // Same origin: kept as it is. Another origin: re-sealed, still readable.
    await s.updateNode(n.id, { baseUrl: 'https://one.test/relay' })
    expect((await h.nodeRow.get(s, n.id)).sealedHeaders).toBe(first)
    await s.updateNode(n.id, { baseUrl: 'https://two.test:8443' })
    const second = (await h.nodeRow.get(s, n.id)).sealedHeaders
    expect(second).not.toBe(first)
    expect(await s.getNodeExtraHeaders(n.id)).toEqual({ 'x-relay-token': SECRET })
    // Bound to the origin: behind the store's back at another origin, it does not open.
    await h.nodeRow.set(s, n.id, { baseUrl: 'https://one.test/v1' })
    const moved = await s.getNodeExtraHeaders(n.id).catch((e) => e)
    expect(isStoreError(moved, 'secret_key_mismatch')).toBe(true)
    await h.nodeRow.set(s, n.id, { baseUrl: 'https://two.test:8443' })
    expect(await s.getNodeExtraHeaders(n.id)).toEqual({ 'x-relay-token': SECRET })
    // Cleared with new headers at a new origin: the new ones, bound there.
    await s.updateNode(n.id, { baseUrl: 'https://three.test', extraHeaders: { 'x-b': 'b' } })
    expect(await s.getNodeExtraHeaders(n.id)).toEqual({ 'x-b': 'b' })
    expect(await h.dump(s)).not.toContain(SECRET)
  })
})
