/**
 * The request path on a node: the base URL's path prefix kept (`https://relay/x` + `/v1/messages`
 * = `/x/v1/messages`), and a prefix ending in `/v1` not doubled. `prefix` is the base URL's
 * pathname without trailing slashes (`''` for a bare origin).
 */
export function upstreamPath(prefix: string, pathAndQuery: string): string {
  const base =
    prefix.endsWith('/v1') && pathAndQuery.startsWith('/v1/') ? prefix.slice(0, -3) : prefix
  return base + pathAndQuery
}

/** A base URL's path prefix as `upstreamPath` takes it. */
export function basePathPrefix(baseUrl: URL): string {
  return baseUrl.pathname.replace(/\/+$/, '')
}
