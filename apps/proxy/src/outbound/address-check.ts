/**
 * The connect-time half of the address policy (docs/contract.md §6.2/6.3, 9), shared by every outbound
 * client: the data path's upstream calls, health probes, webhooks and test-sends. The policy is
 * applied to the address a socket actually connects to (inside the `lookup` undici's connector
 * calls), so a name that resolved to a public address when it was saved or checked cannot be
 * rebound to a private one; IP literals, which skip the lookup, are checked by the caller.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
import { ADDRESS_REFUSED_CODE } from '@qcc/core'
import { checkUpstreamAddress } from './upstream-policy'

/** Why an address may not be connected to, or null when it may. */
export type AddressPolicy = (ip: string, allowPrivate: boolean) => string | null

/** The address policy of docs/contract.md §6.2/9 (`checkUpstreamAddress`), in the shape the clients take. */
export const upstreamAddressPolicy: AddressPolicy = (ip, allowPrivate) => {
  const verdict = checkUpstreamAddress(ip, { allowPrivate })
  return verdict.ok ? null : verdict.reason
}

/** The address policy refused the connection (it is the node's fault, like a connect error). */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError'
  readonly code = ADDRESS_REFUSED_CODE
  readonly retryable = true
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/** `dns.lookup`'s callback form, injectable so a test can play a rebinding resolver. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void

const systemLookup: LookupFunction = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback)

/**
 * A `lookup` for undici's `connect` options that refuses addresses the policy forbids (every
 * one of them, for `all`): the address checked is the address connected to.
 */
export function checkedLookup(
  policy: AddressPolicy,
  allowPrivate: boolean,
  resolve: LookupFunction = systemLookup,
) {
  return (hostname: string, opts: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = addresses.map((a) => policy(a.address, allowPrivate)).find((r) => r !== null)
      if (refused) return callback(new AddressRefusedError(`${hostname}: ${refused}`), [])
      if (opts.all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(new AddressRefusedError(`${hostname}: no address`), [])
      callback(null, first.address, first.family)
    })
  }
}

/**
 * The policy's verdict on a URL host that is an IP literal (`[::1]` included), which no lookup
 * sees; null for names (the lookup checks them) and for allowed literals.
 */
export function literalRefusal(
  policy: AddressPolicy,
  hostname: string,
  allowPrivate: boolean,
): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '')
  return isIP(bare) === 0 ? null : policy(bare, allowPrivate)
}
