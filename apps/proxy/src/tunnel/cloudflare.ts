/**
 * A small client for the parts of the Cloudflare v4 API a named tunnel needs: the account, the
 * zone, the tunnel and its ingress, the DNS record and the connector token. `fetch` and the base
 * URL are injected so tests run against a fake API on 127.0.0.1. The token is only ever put in
 * the `Authorization` header; it never appears in an error message.
 */
import { randomBytes } from 'node:crypto'

/** The public Cloudflare API. */
export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4'

/** A refused or failed Cloudflare API call. `status` 0 means no HTTP answer at all. */
export class CloudflareApiError extends Error {
  override readonly name = 'CloudflareApiError'
  constructor(
    readonly status: number,
    message: string,
    /** Worth trying again later (network trouble, 429, 5xx); a bad token is not. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface CloudflareClientOptions {
  token: string
  baseUrl?: string
  fetch?: typeof fetch
  /** Per-call timeout (default 15 s). */
  timeoutMs?: number
}

export interface CfAccount {
  id: string
  name: string
}
export interface CfZone {
  id: string
  name: string
}
export interface CfTunnel {
  id: string
  name: string
}
export interface CfDnsRecord {
  id: string
  type: string
  name: string
  content: string
}

interface Envelope<T> {
  success?: boolean
  errors?: { code?: number; message?: string }[]
  result?: T
}

/** Cloudflare API calls used by the tunnel supervisor. */
export class CloudflareClient {
  private readonly base: string
  private readonly fetch: typeof fetch
  private readonly timeoutMs: number

  constructor(private readonly options: CloudflareClientOptions) {
    this.base = (options.baseUrl ?? CLOUDFLARE_API_BASE).replace(/\/+$/, '')
    this.fetch = options.fetch ?? globalThis.fetch
    this.timeoutMs = options.timeoutMs ?? 15_000
  }

  /** The first account the token can see (qcc_plus did the same). */
  async firstAccount(): Promise<CfAccount> {
    const accounts = await this.call<CfAccount[]>('GET', '/accounts?per_page=1')
    const first = accounts[0]
    if (!first) throw new CloudflareApiError(403, 'the API token sees no Cloudflare account', false)
    return first
  }

  /** The zone named `name`, or the first zone of the token when no name is given. */
  async findZone(name: string | null): Promise<CfZone> {
    const query = name ? `?name=${encodeURIComponent(name)}` : '?per_page=50'
    const zones = await this.call<CfZone[]>('GET', `/zones${query}`)
    const zone = name ? zones.find((z) => z.name === name) : zones[0]
    if (!zone) {
      throw new CloudflareApiError(404, name ? `zone ${name} not found` : 'no zone found', false)
    }
    return zone
  }

  /** A live (not deleted) tunnel with exactly this name. */
  async findTunnel(accountId: string, name: string): Promise<CfTunnel | null> {
    const q = `?name=${encodeURIComponent(name)}&is_deleted=false`
    const list = await this.call<CfTunnel[]>('GET', `/accounts/${accountId}/cfd_tunnel${q}`)
    return list.find((t) => t.name === name) ?? null
  }

  /** A remotely managed tunnel (`config_src: cloudflare`), so its ingress is set by the API. */
  async createTunnel(accountId: string, name: string): Promise<CfTunnel> {
    return this.call<CfTunnel>('POST', `/accounts/${accountId}/cfd_tunnel`, {
      name,
      config_src: 'cloudflare',
      tunnel_secret: randomBytes(32).toString('base64'),
    })
  }

  /** Routes `hostname` to `service`; anything else gets a 404. */
  async setIngress(
    accountId: string,
    tunnelId: string,
    hostname: string,
    service: string,
  ): Promise<void> {
    await this.call('PUT', `/accounts/${accountId}/cfd_tunnel/${tunnelId}/configurations`, {
      config: { ingress: [{ hostname, service }, { service: 'http_status:404' }] },
    })
  }

  /** The connector token `cloudflared tunnel run --token` needs. */
  async tunnelToken(accountId: string, tunnelId: string): Promise<string> {
    return this.call<string>('GET', `/accounts/${accountId}/cfd_tunnel/${tunnelId}/token`)
  }

  /** Drops lingering connections first: a tunnel with live connectors cannot be deleted. */
  async deleteTunnel(accountId: string, tunnelId: string): Promise<void> {
    const path = `/accounts/${accountId}/cfd_tunnel/${tunnelId}`
    await this.call('DELETE', `${path}/connections`).catch(() => undefined)
    await this.call('DELETE', path)
  }

  async findDnsRecord(zoneId: string, hostname: string): Promise<CfDnsRecord | null> {
    const q = `?name=${encodeURIComponent(hostname)}`
    const list = await this.call<CfDnsRecord[]>('GET', `/zones/${zoneId}/dns_records${q}`)
    return list.find((r) => r.name === hostname) ?? null
  }

  /** Creates, or repoints, the proxied CNAME `hostname -> <tunnel>.cfargotunnel.com`. */
  async upsertTunnelCname(
    zoneId: string,
    hostname: string,
    tunnelId: string,
    existing: CfDnsRecord | null,
  ): Promise<CfDnsRecord> {
    const body = {
      type: 'CNAME',
      name: hostname,
      content: `${tunnelId}.cfargotunnel.com`,
      proxied: true,
      ttl: 1,
      comment: 'managed by qcc',
    }
    if (existing) {
      return this.call<CfDnsRecord>('PUT', `/zones/${zoneId}/dns_records/${existing.id}`, body)
    }
    return this.call<CfDnsRecord>('POST', `/zones/${zoneId}/dns_records`, body)
  }

  async deleteDnsRecord(zoneId: string, recordId: string): Promise<void> {
    await this.call('DELETE', `/zones/${zoneId}/dns_records/${recordId}`)
  }

  private async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      const what = err instanceof Error ? err.message : String(err)
      throw new CloudflareApiError(0, `Cloudflare API unreachable: ${what}`, true, { cause: err })
    }
    let envelope: Envelope<T> = {}
    try {
      envelope = (await res.json()) as Envelope<T>
    } catch {
      // A non-JSON answer (a proxy's error page): the status says enough.
    }
    if (!res.ok || envelope.success === false) {
      const detail =
        envelope.errors
          ?.map((e) => `${e.message ?? 'error'}${e.code ? ` (${e.code})` : ''}`)
          .join('; ') || `HTTP ${res.status}`
      const retryable = res.status === 429 || res.status >= 500
      throw new CloudflareApiError(
        res.status,
        `Cloudflare API ${method} ${path.split('?')[0]}: ${detail}`,
        retryable,
      )
    }
    return envelope.result as T
  }
}
