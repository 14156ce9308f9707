/** Cloudflare tunnel settings (one per installation). The API token is encrypted at rest. */
export interface TunnelConfig {
  enabled: boolean
  subdomain: string | null
  zone: string | null
  apiToken: string | null
  updatedAt: Date
}

/** Patch of `setTunnelConfig`; an empty or null `apiToken` clears it. */
export type TunnelConfigInput = Partial<Omit<TunnelConfig, 'updatedAt'>>
