import type { CreateAccountInput } from './accounts'
import type { CreateNodeInput } from './nodes'
import type { CreateProxyKeyInput } from './proxy-keys'

/** One account of {@link BulkStore.createAccountsInBulk}, with its keys and nodes. */
export type BulkAccountInput = CreateAccountInput & {
  keys?: ReadonlyArray<Omit<CreateProxyKeyInput, 'accountId'>>
  nodes?: ReadonlyArray<Omit<CreateNodeInput, 'accountId'>>
}

/** What one bulk account got: its id, its keys' ids and secrets (shown once), its nodes' ids. */
export interface BulkAccountCreated {
  accountId: string
  keys: Array<{ id: string; secret: string }>
  nodeIds: string[]
}
