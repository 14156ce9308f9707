import type { SecretBox } from '../crypto/secret-box'
import type { TunnelConfig, TunnelConfigInput } from '../types/tunnel'

/** The tunnel config as kept: its API token sealed. */
export interface TunnelRow extends Omit<TunnelConfig, 'apiToken'> {
  apiTokenEnc: string | null
}

/** AAD of the sealed tunnel API token. */
const TUNNEL_AAD = 'tunnel:api_token'

/** The stored config with a patch merged in (an empty or null token clears it). */
export function patchedTunnelRow(
  box: SecretBox,
  current: TunnelRow | null | undefined,
  patch: TunnelConfigInput,
  now: Date,
): TunnelRow {
  const keptToken = current?.apiTokenEnc ?? null
  return {
    enabled: patch.enabled ?? current?.enabled ?? false,
    subdomain: patch.subdomain !== undefined ? patch.subdomain : (current?.subdomain ?? null),
    zone: patch.zone !== undefined ? patch.zone : (current?.zone ?? null),
    apiTokenEnc:
      patch.apiToken === undefined
        ? keptToken
        : patch.apiToken
          ? box.seal(patch.apiToken, TUNNEL_AAD)
          : null,
    updatedAt: now,
  }
}

/** The config as returned, its token opened. */
export function openTunnel(box: SecretBox, row: TunnelRow): TunnelConfig {
  return {
    enabled: row.enabled,
    subdomain: row.subdomain,
    zone: row.zone,
    apiToken: row.apiTokenEnc ? box.open(row.apiTokenEnc, TUNNEL_AAD) : null,
    updatedAt: row.updatedAt,
  }
}
