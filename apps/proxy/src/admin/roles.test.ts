import { Hono, type Context } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Account, Store } from '@qcc/store'
import { memoryStore } from '../../test/admin-app'
import { createLogger } from '../observability/logger'
import type { AdminEnv } from './context'
import { renderAdminError } from './errors'
import { accountScope, ownedNode, requireAdmin, targetAccount } from './roles'

let store: Store
let root: Account
let alice: Account
let bob: Account
let aliceNode: string

beforeAll(async () => {
  store = await memoryStore()
  root = (await store.getAccountByName('root')) as Account
  alice = await store.createAccount({ name: 'alice', password: 'alice-password' })
  bob = await store.createAccount({ name: 'bob', password: 'bob-password' })
  const node = await store.createNode({
    accountId: alice.id,
    name: 'a',
    baseUrl: 'https://a.example.com',
  })
  aliceNode = node.id
})
afterAll(() => store.close())

/**
 * Runs `check` as `caller` inside a route and answers what it returned (as JSON) or the error
 * the admin API would render for what it threw.
 */
async function as(caller: Account, check: (c: Context<AdminEnv>) => Promise<unknown> | unknown) {
  const app = new Hono<AdminEnv>()
  app.get('/', async (c) => {
    c.set('account', caller)
    return c.json({ result: (await check(c)) ?? null })
  })
  app.onError((err, c) => renderAdminError(err, c, createLogger('silent')))
  const res = await app.request('/')
  return { status: res.status, body: (await res.json()) as { result?: unknown; code?: string } }
}

const idOf = (a: Account | { id: string }) => a.id

describe('roles', () => {
  it('requireAdmin: the admin passes, a tenant gets 403', async () => {
    expect((await as(root, (c) => idOf(requireAdmin(c)))).body.result).toBe(root.id)
    const refused = await as(alice, (c) => requireAdmin(c))
    expect(refused).toEqual({ status: 403, body: expect.objectContaining({ code: 'forbidden' }) })
  })

  it("targetAccount: one's own by default; another only for an admin, else 404", async () => {
    const deps = { store }
    for (const given of [undefined, '', alice.id]) {
      const own = await as(alice, async (c) => idOf(await targetAccount(c, deps, given)))
      expect(own.body.result, String(given)).toBe(alice.id)
    }
    const other = await as(root, async (c) => idOf(await targetAccount(c, deps, bob.id)))
    expect(other.body.result).toBe(bob.id)
    // A tenant asking for another account, real or not, cannot tell the two apart.
    for (const given of [bob.id, 'no-such-account']) {
      const res = await as(alice, (c) => targetAccount(c, deps, given))
      expect(res, given).toEqual({
        status: 404,
        body: expect.objectContaining({ code: 'not_found' }),
      })
    }
    expect((await as(root, (c) => targetAccount(c, deps, 'no-such-account'))).status).toBe(404)
  })

  it('accountScope: `*` is every account, for admins only', async () => {
    const deps = { store }
    expect((await as(root, (c) => accountScope(c, deps, '*'))).body.result).toBeNull()
    expect((await as(alice, (c) => accountScope(c, deps, '*'))).status).toBe(404)
    expect((await as(alice, (c) => accountScope(c, deps, undefined))).body.result).toBe(alice.id)
  })

  it("ownedNode: the owner's and any for an admin; another tenant's is 404; no id is 400", async () => {
    const deps = { store }
    const owner = await as(alice, async (c) => idOf(await ownedNode(c, deps, aliceNode)))
    expect(owner.body.result).toBe(aliceNode)
    expect((await as(root, async (c) => idOf(await ownedNode(c, deps, aliceNode)))).status).toBe(
      200,
    )
    expect((await as(bob, (c) => ownedNode(c, deps, aliceNode))).status).toBe(404)
    expect((await as(bob, (c) => ownedNode(c, deps, 'no-such-node'))).status).toBe(404)
    const missing = await as(alice, (c) => ownedNode(c, deps, undefined))
    expect(missing).toEqual({
      status: 400,
      body: expect.objectContaining({ code: 'invalid_request' }),
    })
  })
})
