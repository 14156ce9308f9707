/**
 * The save-time half of the address policy, for every URL the admin API stores (node base URLs,
 * webhook URLs): the literal rule of `checkUpstreamUrl`, then, for a name, the addresses it
 * resolves to now. It gives a clear 400 when a URL is saved; what protects is the connect-time
 * check (address-check.ts), so a name that does not resolve yet is accepted.
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import {
  checkUpstreamAddress,
  checkUpstreamUrl,
  type PolicyVerdict,
  type UpstreamPolicyOptions,
} from './upstream-policy'

/** The addresses a name resolves to; rejects (or returns none) when it does not resolve. */
export type ResolveAddresses = (host: string) => Promise<readonly { address: string }[]>

export interface SavedUrlCheckOptions extends UpstreamPolicyOptions {
  /** Injectable for tests; the system resolver by default. */
  resolve?: ResolveAddresses
  /** How long the lookup may take before the name counts as not resolving (default 2 s). */
  timeoutMs?: number
}

const systemResolve: ResolveAddresses = (host) => lookup(host, { all: true })

/** The resolved addresses, or none when the lookup fails or outlasts `timeoutMs`. */
async function addressesOf(host: string, resolve: ResolveAddresses, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<readonly { address: string }[]>((done) => {
    timer = setTimeout(() => done([]), timeoutMs).unref()
  })
  try {
    return await Promise.race([resolve(host).catch(() => []), late])
  } finally {
    clearTimeout(timer)
  }
}

/** May this URL be saved? Checks the URL as written, then every address its name has now. */
export async function checkSavedUrl(
  raw: string,
  options: SavedUrlCheckOptions,
): Promise<PolicyVerdict> {
  const policy = { allowPrivate: options.allowPrivate }
  const verdict = checkUpstreamUrl(raw, policy)
  if (!verdict.ok) return verdict
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0) return verdict
  const found = await addressesOf(host, options.resolve ?? systemResolve, options.timeoutMs ?? 2000)
  for (const { address } of found) {
    const v = checkUpstreamAddress(address, policy)
    if (!v.ok) return v
  }
  return verdict
}
