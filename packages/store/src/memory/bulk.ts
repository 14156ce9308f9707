import type { BulkStore, Store } from '../interface'
import type { BulkAccountCreated, BulkAccountInput } from '../types/bulk'

/**
 * Bulk accounts of the memory adapter: the single creates one after the other (memory is for one
 * process and tests; the fleet sizes bulk creation is for need MySQL). An error deletes the
 * accounts this call created (with their keys and nodes), as MySQL's rollback would.
 */
export function memoryBulk(
  store: Pick<Store, 'createAccount' | 'createProxyKey' | 'createNode' | 'deleteAccount'>,
): BulkStore {
  const createAll = async (inputs: readonly BulkAccountInput[], done: BulkAccountCreated[]) => {
    for (const { keys = [], nodes = [], ...input } of inputs) {
      const account = await store.createAccount(input)
      const made: BulkAccountCreated = { accountId: account.id, keys: [], nodeIds: [] }
      done.push(made)
      for (const k of keys) {
        const issued = await store.createProxyKey({ ...k, accountId: account.id })
        made.keys.push({ id: issued.key.id, secret: issued.secret })
      }
      for (const n of nodes) {
        made.nodeIds.push((await store.createNode({ ...n, accountId: account.id })).id)
      }
    }
  }
  return {
    async createAccountsInBulk(inputs) {
      const done: BulkAccountCreated[] = []
      try {
        await createAll(inputs, done)
      } catch (error) {
        for (const made of done) await store.deleteAccount(made.accountId)
        throw error
      }
      return done
    },
  }
}
