/**
 * Cloudflare Tunnel (docs/contract.md §8): find the zone, create or reuse the named tunnel `qcc-<subdomain>`,
 * route `<subdomain>.<zone>` to this proxy, point the DNS record at the tunnel, then run and
 * supervise `cloudflared tunnel run --token`. `stop()` removes what `start()` set up; `close()`
 * (server shutdown) only ends the child, so the tunnel comes back with the next start.
 */
import type { Store, TunnelConfig } from '@qcc/store'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import { CloudflareClient, type CfDnsRecord } from './cloudflare'
import { SupervisedProcess, type BackoffOptions } from './process'

export type TunnelStatus = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'

/** What `GET /admin/api/tunnel` shows; never the token. */
export interface TunnelState {
  status: TunnelStatus
  enabled: boolean
  subdomain: string | null
  zone: string | null
  hasApiToken: boolean
  publicUrl: string | null
  tunnelId: string | null
  pid: number | null
  restarts: number
  lastError: string | null
  updatedAt: string
}

export interface TunnelSupervisorDeps {
  store: Store
  logger: Logger
  bus?: EventBus
  /** Env settings; when enabled with a token and subdomain they are saved and started at boot. */
  env: {
    enabled: boolean
    apiToken?: string
    subdomain?: string
    zone?: string
    cloudflaredPath: string
    apiBaseUrl: string
    /** `PATH` and `HOME` for `cloudflared`; nothing else of qcc's environment reaches it. */
    childEnv?: Record<string, string>
  }
  fetch?: typeof fetch
  /** Where the tunnel sends traffic until `autoStart` names the listener (tests set it). */
  origin?: string
  backoff?: BackoffOptions
  now?: () => number
}

/** Start, stop and watch the tunnel. */
export interface TunnelSupervisor {
  state(): Promise<TunnelState>
  /** Saves (a patch of) the settings; a running tunnel keeps running until restarted. */
  configure(patch: {
    subdomain?: string | null
    zone?: string | null
    apiToken?: string | null
  }): Promise<TunnelState>
  /** Sets up and runs the tunnel; resolves once `cloudflared` is spawned or the setup failed. */
  start(): Promise<TunnelState>
  /** Ends `cloudflared`, deletes the DNS record and the tunnel, saves `enabled: false`. */
  stop(): Promise<TunnelState>
  /**
   * At boot: saves the env settings when given and starts when the stored config is enabled.
   * `run: false` does all but the start (a tunnel lease starts it: tunnel-lease.ts).
   */
  autoStart(origin: string, options?: { run?: boolean }): Promise<void>
  /**
   * Server shutdown, or another replica took the tunnel lease: ends the child only (the tunnel
   * and its DNS record stay for whoever runs it next) and leaves the status `stopped`.
   */
  close(): Promise<void>
  /**
   * True while this qcc runs `cloudflared` (restarts included): only then is a loopback peer's
   * `cf-connecting-ip` taken as the client's address (http/client-origin.ts).
   */
  isRunning(): boolean
}

interface Created {
  client: CloudflareClient
  accountId: string
  zoneId: string
  tunnelId: string
  dnsRecordId: string | null
}

/** Builds the supervisor; nothing runs until `start()` or `autoStart()`. */
export function createTunnelSupervisor(deps: TunnelSupervisorDeps): TunnelSupervisor {
  const { store, logger } = deps
  const now = deps.now ?? Date.now
  let origin = deps.origin ?? 'http://127.0.0.1:8000'
  let status: TunnelStatus = 'stopped'
  let lastError: string | null = null
  let publicUrl: string | null = null
  let restarts = 0
  let created: Created | undefined
  let child: SupervisedProcess | undefined
  let busy: Promise<unknown> = Promise.resolve()
  let updatedAt = new Date(now()).toISOString()

  const set = (next: TunnelStatus, error: string | null = lastError) => {
    status = next
    lastError = error
    updatedAt = new Date(now()).toISOString()
    deps.bus?.publish({
      type: 'tunnel.state',
      accountId: null,
      data: { status, public_url: publicUrl, error, restarts, at: updatedAt },
    })
  }
  // One operation at a time: a start racing a stop would leak a tunnel.
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const run = busy.then(op, op)
    busy = run.catch(() => undefined)
    return run
  }
  const config = async (): Promise<TunnelConfig> =>
    (await store.getTunnelConfig()) ?? {
      enabled: false,
      subdomain: null,
      zone: null,
      apiToken: null,
      updatedAt: new Date(now()),
    }
  const state = async (): Promise<TunnelState> => {
    const c = await config()
    return {
      status,
      enabled: c.enabled,
      subdomain: c.subdomain,
      zone: c.zone,
      hasApiToken: Boolean(c.apiToken),
      publicUrl,
      tunnelId: created?.tunnelId ?? null,
      pid: child?.pid ?? null,
      restarts,
      lastError,
      updatedAt,
    }
  }

  const cleanUp = async (what: Created) => {
    if (what.dnsRecordId) {
      await what.client.deleteDnsRecord(what.zoneId, what.dnsRecordId).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'tunnel: deleting the DNS record failed')
      })
    }
    await what.client.deleteTunnel(what.accountId, what.tunnelId).catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'tunnel: deleting the tunnel failed')
    })
  }

  const doStart = async (): Promise<TunnelState> => {
    if (status === 'running' || status === 'restarting') return state()
    const c = await config()
    if (!c.apiToken || !c.subdomain) {
      set('error', 'tunnel not configured: an API token and a subdomain are needed')
      return state()
    }
    set('starting', null)
    restarts = 0
    const client = new CloudflareClient({
      token: c.apiToken,
      baseUrl: deps.env.apiBaseUrl,
      fetch: deps.fetch,
    })
    const partial: Partial<Created> = { client }
    let newTunnel = false
    try {
      const account = await client.firstAccount()
      partial.accountId = account.id
      const zone = await client.findZone(c.zone)
      partial.zoneId = zone.id
      const hostname = `${c.subdomain}.${zone.name}`
      const name = `qcc-${c.subdomain}`
      let tunnel = await client.findTunnel(account.id, name)
      if (!tunnel) {
        tunnel = await client.createTunnel(account.id, name)
        newTunnel = true
      }
      partial.tunnelId = tunnel.id
      await client.setIngress(account.id, tunnel.id, hostname, origin)
      const existing: CfDnsRecord | null = await client.findDnsRecord(zone.id, hostname)
      const record = await client.upsertTunnelCname(zone.id, hostname, tunnel.id, existing)
      partial.dnsRecordId = record.id
      const token = await client.tunnelToken(account.id, tunnel.id)
      created = partial as Created
      publicUrl = `https://${hostname}`
      await store.setTunnelConfig({ enabled: true })
      child = new SupervisedProcess({
        command: deps.env.cloudflaredPath,
        // The connector token goes in the child's environment (cloudflared reads TUNNEL_TOKEN),
        // not on its command line, where `ps` would show it.
        args: ['tunnel', '--no-autoupdate', 'run'],
        env: { ...deps.env.childEnv, TUNNEL_TOKEN: token },
        logger,
        secrets: [token, c.apiToken],
        backoff: deps.backoff,
        now,
        onStarted: () => set('running', restarts > 0 ? lastError : null),
        onCrashed: (info) => {
          restarts = info.restarts
          logger.warn({ error: info.error, restartInMs: info.restartInMs }, 'tunnel: restarting')
          set('restarting', info.error)
        },
      })
      child.start()
      logger.info({ publicUrl, tunnel: tunnel.id }, 'tunnel: cloudflared started')
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      logger.warn({ err: message }, 'tunnel: start failed')
      // Undo this attempt: a DNS record it wrote, and the tunnel if this attempt made it.
      if (partial.accountId && partial.zoneId && partial.tunnelId) {
        if (partial.dnsRecordId) {
          await client.deleteDnsRecord(partial.zoneId, partial.dnsRecordId).catch(() => undefined)
        }
        if (newTunnel)
          await client.deleteTunnel(partial.accountId, partial.tunnelId).catch(() => {})
      }
      created = undefined
      publicUrl = null
      set('error', message)
    }
    return state()
  }

  const doStop = async (): Promise<TunnelState> => {
    set('stopping')
    await child?.stop()
    child = undefined
    if (created) await cleanUp(created)
    created = undefined
    publicUrl = null
    await store.setTunnelConfig({ enabled: false })
    set('stopped', null)
    return state()
  }

  return {
    state,
    configure: (patch) =>
      serial(async () => {
        await store.setTunnelConfig(patch)
        return state()
      }),
    start: () => serial(doStart),
    stop: () => serial(doStop),
    autoStart: (listening, options) =>
      serial(async () => {
        origin = listening
        const e = deps.env
        if (e.enabled && (!e.apiToken || !e.subdomain)) {
          logger.warn(
            'TUNNEL_ENABLED is set, but the tunnel needs CF_API_TOKEN and TUNNEL_SUBDOMAIN',
          )
        }
        if (e.enabled && e.apiToken && e.subdomain) {
          await store.setTunnelConfig({
            enabled: true,
            apiToken: e.apiToken,
            subdomain: e.subdomain,
            zone: e.zone ?? null,
          })
        }
        if (options?.run !== false && (await config()).enabled) await doStart()
      }).catch((err: unknown) => logger.warn({ err }, 'tunnel: auto start failed')),
    close: () =>
      serial(async () => {
        await child?.stop()
        child = undefined
        // A later start (this replica takes the lease again) sets everything up afresh. No
        // event: this is no operator's stop, and another replica may be running the tunnel.
        created = undefined
        publicUrl = null
        status = 'stopped'
      }),
    isRunning: () => child !== undefined && status !== 'stopping',
  }
}
