/**
 * Joins a node's base URL and the client's path. The base path is kept
 * (`https://relay/x` + `/v1/messages` = `https://relay/x/v1/messages`), and a base ending in `/v1`
 * is not doubled.
 */
export function joinUpstreamUrl(baseUrl: string, pathAndQuery: string): URL {
  const base = new URL(baseUrl)
  let basePath = base.pathname.replace(/\/+$/, '')
  if (basePath.endsWith('/v1') && pathAndQuery.startsWith('/v1/')) basePath = basePath.slice(0, -3)
  const url = new URL(base.origin)
  const q = pathAndQuery.indexOf('?')
  url.pathname = basePath + (q === -1 ? pathAndQuery : pathAndQuery.slice(0, q))
  url.search = q === -1 ? '' : pathAndQuery.slice(q)
  return url
}
