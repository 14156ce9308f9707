// Replicas on Redis when things die (docs/contract.md §11): the replica running the tunnel is
// killed (a child process, SIGKILL: no release, no cleanup) and another takes the tunnel over
// within 30 s; Redis goes away for 20 s under steady load on three replicas (a TCP relay cut in
// front of the real Redis, its keys dropped meanwhile as a restart would) and no request fails,
// usage is exact afterwards and every replica is back on Redis within seconds.
import { readFileSync } from 'node:fs'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { AdminClient } from './admin-harness'
import { createTestDatabase } from './mysql-db'
import { dropKeys, REDIS_URL, testPrefix, upLink } from './redis-fakes'
import { startRedisRelay } from './redis-relay'
import { startReplicaProcess, type ReplicaProcess } from './replica-process'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { createFakeCloudflared, startFakeCloudflare } from './tunnel-fakes'
import { pollUntil } from './wait'

/** What a test started, stopped after it in reverse order (servers before their database). */
const stops: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined)
})

const ADMIN_PASSWORD = 'replicas-faults-password-1'

async function gauge(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

/** A process's parent (Linux /proc), or undefined once it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** The tunnel as one replica sees it (`GET /admin/api/tunnel`): its status and cloudflared's pid. */
async function tunnelOn(url: string): Promise<{ status: string; pid: number | null }> {
  const client = new AdminClient(url)
  await client.login('admin', ADMIN_PASSWORD)
  const res = await client.get('/admin/api/tunnel')
  expect(res.status, res.text).toBe(200)
  return { status: res.json.status as string, pid: res.json.pid as number | null }
}

describe('replicas when one dies or Redis goes away (docs/contract.md §11)', () => {
  it('killing the replica that holds the tunnel lease moves cloudflared to another within 30 s', async () => {
    const db = await createTestDatabase('tunnel_lease')
    const prefix = testPrefix()
    const cf = await startFakeCloudflare()
    const bin = createFakeCloudflared()
    stops.push(
      () => db.drop(),
      async () => {
        const link = await upLink(prefix)
        await dropKeys(link, prefix)
        await link.close()
      },
      () => cf.close(),
      async () => bin.cleanup(),
    )
    const env = {
      PROXY_MYSQL_DSN: db.url,
      ADMIN_PASSWORD,
      QCC_SECRET_KEY: 'f2'.repeat(32),
      PROXY_REDIS_URL: REDIS_URL,
      PROXY_REDIS_PREFIX: prefix,
      TUNNEL_ENABLED: 'true',
      CF_API_TOKEN: cf.token,
      TUNNEL_SUBDOMAIN: 'replicas',
      TUNNEL_ZONE: 'example.com',
      CF_API_BASE_URL: cf.url,
      TUNNEL_CLOUDFLARED_PATH: bin.path,
    }
    const replicas: ReplicaProcess[] = []
    for (let i = 0; i < 3; i++) {
      const replica = await startReplicaProcess(env, { limitLeaseMs: 60_000 })
      replicas.push(replica)
      stops.push(() => replica.kill())
    }
    // Every replica shows the tunnel the holder runs; the holder is cloudflared's parent.
    // Killed replicas leave their cloudflared behind (SIGKILL runs no cleanup): after the test,
    // every replica first, then every cloudflared any of them started.
    stops.push(async () => {
      for (const r of replicas) await r.kill()
      for (const { pid } of bin.starts()) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    })
    const runningPid = async (among: ReplicaProcess[]) => {
      for (const r of among) {
        const state = await tunnelOn(r.url).catch(() => null)
        if (state?.status === 'running' && state.pid !== null) return state.pid
      }
      return undefined
    }
    const firstPid = await pollUntil('a replica runs the tunnel', () => runningPid(replicas), {
      timeoutMs: 20_000,
      intervalMs: 250,
    })
    const holder = replicas.find((r) => r.pid === parentOf(firstPid))
    expect(holder).toBeDefined()
    // Give the others a few tries (every 3 s) at starting a second one: none does.
    await new Promise((resolve) => setTimeout(resolve, 4000))
    expect(bin.starts()).toHaveLength(1)

    const killedAt = performance.now()
    await holder?.kill()
    // A killed container takes its children with it; here the orphan is ended by hand.
    process.kill(firstPid, 'SIGKILL')
    const others = replicas.filter((r) => r !== holder)
    const nextPid = await pollUntil(
      'another replica runs the tunnel',
      async () => {
        const pid = await runningPid(others)
        return pid !== undefined && pid !== firstPid ? pid : undefined
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    )
    const tookOverMs = performance.now() - killedAt
    expect(tookOverMs).toBeLessThan(30_000)
    expect(others.map((r) => r.pid)).toContain(parentOf(nextPid))
    expect(bin.starts()).toHaveLength(2)
  }, 90_000)

  it('Redis gone for 20 s under steady load: no request fails, usage is exact, all back on Redis', async () => {
    const db = await createTestDatabase('redis_outage')
    const prefix = testPrefix()
    const relay = await startRedisRelay()
    const direct = await upLink(prefix)
    const upstream: FakeUpstream = await startFakeUpstream()
    stops.push(
      () => db.drop(),
      () => direct.close(),
      () => dropKeys(direct, prefix),
      () => relay.close(),
      () => upstream.close(),
    )
    const env = {
      PROXY_MYSQL_DSN: db.url,
      ADMIN_PASSWORD,
      QCC_SECRET_KEY: 'a3'.repeat(32),
      PROXY_REDIS_URL: relay.url(),
      PROXY_REDIS_PREFIX: prefix,
    }
    const replicas = []
    for (let i = 0; i < 3; i++) {
      const replica = await startTestQcc(env)
      replicas.push(replica)
      stops.push(() => replica.close())
    }
    const first = replicas[0] as (typeof replicas)[number]
    const account = await first.store.createAccount({ name: 'outage', password: 'outage-pass-1' })
    await first.store.createNode({
      accountId: account.id,
      name: 'outage-node',
      baseUrl: upstream.url,
      apiKey: 'sk-ant-outage-key',
      allowPrivate: true,
    })
    const key = (await first.store.createProxyKey({ accountId: account.id })).secret
    for (const r of replicas) {
      await pollUntil('qcc_redis_up 1', async () => (await gauge(r.url, 'qcc_redis_up')) === 1)
      await r.refresh()
    }
    // Every replica knows the key and the node before the load starts.
    const one = (url: string, session: string) =>
      fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': key,
          'x-claude-code-session-id': session,
        },
        body: JSON.stringify(MESSAGE_BODY),
      })
    // Answers before a replica loaded the key are 401s: not usage (docs/contract.md §6.1).
    const warm = { served: 0 }
    for (const r of replicas)
      await pollUntil('the replica serves the key', async () => {
        const res = await one(r.url, 'outage-warmup')
        await res.text()
        if (res.status === 200) warm.served++
        return res.status === 200
      })
    const warmup = upstream.requests.length

    // A bounded load loop per replica (sequential requests, each with a session of its own
    // replica) from before the cut until after the return.
    const statuses = new Map<number, number>()
    let stop = false
    const loop = async (url: string, n: number) => {
      for (let i = 0; i < 5000 && !stop; i++) {
        const res = await one(url, `outage-session-${n}`)
        await res.text()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      }
    }
    const load = Promise.all(replicas.map((r, n) => loop(r.url, n)))
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await relay.cut()
    // A Redis restarted without disk comes back empty: its keys go while it is away.
    await dropKeys(direct, prefix)
    for (const r of replicas)
      await pollUntil('qcc_redis_up 0', async () => (await gauge(r.url, 'qcc_redis_up')) === 0)
    await new Promise((resolve) => setTimeout(resolve, 20_000))
    const restored = performance.now()
    await relay.restore()
    let backMs = 0
    for (const r of replicas) {
      await pollUntil(
        'qcc_redis_up 1 again',
        async () => (await gauge(r.url, 'qcc_redis_up')) === 1,
        { timeoutMs: 10_000 },
      )
      backMs = performance.now() - restored
    }
    await new Promise((resolve) => setTimeout(resolve, 2000))
    stop = true
    await load
    const sent = [...statuses.values()].reduce((a, b) => a + b, 0)
    expect(Object.fromEntries(statuses)).toEqual({ 200: sent })
    expect(sent).toBeGreaterThan(30)
    expect(backMs).toBeLessThan(5000)

    // Every request's usage is in the database once the writers flushed.
    await Promise.all(replicas.map((r) => r.store.usageWriter.flush()))
    const { total } = await first.store.usageSummary({ accountId: account.id })
    expect({ requests: total.requests, errors: total.errors }).toEqual({
      requests: warm.served + sent,
      errors: 0,
    })
    // Probes ask for 1 token; the load's requests for MESSAGE_BODY's.
    const proxied = upstream.requests
      .slice(warmup)
      .filter(
        (q) =>
          (q.json as { max_tokens?: number } | undefined)?.max_tokens === MESSAGE_BODY.max_tokens,
      )
    expect(proxied).toHaveLength(sent)
  }, 90_000)
})
