import { and, eq, isNotNull } from 'drizzle-orm'
import { legacyNodeKeyAad, nodeKeyAad } from '../crypto/node-key'
import type { SecretBox } from '../crypto/secret-box'
import { isStoreError } from '../errors'
import type { Db } from './db'
import { meta, nodes } from './schema'

/** `qcc_meta` row that records the AAD generation of every sealed node key. */
export const NODE_KEY_AAD_META = 'node_key_aad'
/** Keys bound to node id and origin (docs/contract.md §9). */
export const NODE_KEY_AAD_VERSION = 'origin-v1'

/**
 * Re-seals node keys stored before the origin was part of their AAD (`node:<id>`), once per
 * database. Safe with several replicas starting at once: a key that already opens under the new
 * AAD is left alone, each re-seal is an UPDATE guarded by the old ciphertext, and the done mark
 * is written last, after which the old AAD is never tried again. A key that opens under neither
 * is left as it is (reading it fails, as for any damaged row).
 * @returns how many keys this call re-sealed
 */
export async function upgradeNodeKeyAad(db: Db, box: SecretBox): Promise<number> {
  const [mark] = await db.select().from(meta).where(eq(meta.name, NODE_KEY_AAD_META))
  if (mark?.value === NODE_KEY_AAD_VERSION) return 0
  const rows = await db
    .select({ id: nodes.id, baseUrl: nodes.baseUrl, enc: nodes.apiKeyEnc })
    .from(nodes)
    .where(isNotNull(nodes.apiKeyEnc))
  let resealed = 0
  for (const row of rows) {
    const enc = row.enc as string
    const next = sealedUnderOrigin(box, row.id, row.baseUrl, enc)
    if (next === null) continue
    const [res] = await db
      .update(nodes)
      .set({ apiKeyEnc: next })
      .where(and(eq(nodes.id, row.id), eq(nodes.apiKeyEnc, enc)))
    resealed += res.affectedRows
  }
  await db
    .insert(meta)
    .values({ name: NODE_KEY_AAD_META, value: NODE_KEY_AAD_VERSION })
    .onDuplicateKeyUpdate({ set: { value: NODE_KEY_AAD_VERSION } })
  return resealed
}

/** The key re-sealed under the new AAD, or null when it needs nothing (or cannot be opened). */
function sealedUnderOrigin(
  box: SecretBox,
  id: string,
  baseUrl: string,
  sealed: string,
): string | null {
  try {
    const current = nodeKeyAad(id, baseUrl)
    if (opens(box, sealed, current)) return null
    return box.seal(box.open(sealed, legacyNodeKeyAad(id)), current)
  } catch (error) {
    if (isStoreError(error)) return null
    throw error
  }
}

function opens(box: SecretBox, sealed: string, aad: string): boolean {
  try {
    box.open(sealed, aad)
    return true
  } catch (error) {
    if (isStoreError(error)) return false
    throw error
  }
}
