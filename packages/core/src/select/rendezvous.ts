/**
 * Rendezvous (highest random weight) hashing: every replica computes the same score for a
 * (session, node) pair, so they all send a session to the same node without sharing state, and
 * removing a node only moves the sessions that were on it.
 */

/**
 * 32-bit FNV-1a of a string's UTF-16 code units. Deterministic in every JS runtime.
 *
 * @example
 * ```ts
 * fnv1a32('abc') === fnv1a32('abc') // true
 * ```
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

// MurmurHash3's finaliser: FNV alone mixes its last characters poorly, and node ids often differ
// only at the end ("node-1", "node-2").
function fmix32(x: number): number {
  let h = x
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

// Node ids are few and long-lived; caching their hash keeps selection allocation-free. Bounded so
// a process that churns through ids cannot grow it forever.
const nodeHashes = new Map<string, number>()
const NODE_HASH_CACHE_MAX = 65_536

function nodeHash(nodeId: string): number {
  let h = nodeHashes.get(nodeId)
  if (h === undefined) {
    if (nodeHashes.size >= NODE_HASH_CACHE_MAX) nodeHashes.clear()
    h = fmix32(fnv1a32(nodeId))
    nodeHashes.set(nodeId, h)
  }
  return h
}

/**
 * Score of a node for a session; the node with the highest score wins. Pass the session's hash
 * from {@link sessionHash} so it is computed once per request.
 *
 * @example
 * ```ts
 * const s = sessionHash('9f1c...')
 * const best = ['a', 'b', 'c'].reduce((x, y) => (rendezvousScore(s, y) > rendezvousScore(s, x) ? y : x))
 * ```
 */
export function rendezvousScore(session: number, nodeId: string): number {
  // Multiplying by the golden-ratio constant before mixing decorrelates the two inputs.
  return fmix32(session ^ Math.imul(nodeHash(nodeId), 0x9e3779b1))
}

/** Hash of a session id for {@link rendezvousScore}. */
export function sessionHash(sessionId: string): number {
  return fmix32(fnv1a32(sessionId))
}
