/**
 * Every write the import makes, behind one interface: the real one calls the store, the dry one
 * (`--dry-run`) writes nothing and hands out placeholder ids so later tables can refer to rows
 * "created" earlier. Reads always go to the store (an empty one for a destination without
 * qcc's tables).
 */
import type {
  AuditInput,
  CreateAccountInput,
  CreateNodeInput,
  CreateNotificationChannelInput,
  CreateProxyKeyInput,
  CreateShareLinkInput,
  ImportedHealthCheck,
  ImportSourceRecord,
  ImportUsageBatch,
  NodeStateInput,
  PriceInput,
  Store,
  TunnelConfigInput,
  UpdateAccountInput,
  UpdateNodeInput,
  UpdateNotificationChannelInput,
} from '@qcc/store'

/** The import's writes; each answers the id of what it created where there is one. */
export interface ImportWrites {
  createAccount(input: CreateAccountInput): Promise<string>
  updateAccount(id: string, patch: UpdateAccountInput): Promise<void>
  createProxyKey(input: CreateProxyKeyInput): Promise<string>
  revokeProxyKey(id: string): Promise<void>
  createNode(input: CreateNodeInput): Promise<string>
  updateNode(id: string, patch: UpdateNodeInput): Promise<void>
  /** Sets a node's state (failed, with its reason) when nothing newer was stored in between. */
  setNodeState(nodeId: string, version: number, next: NodeStateInput): Promise<void>
  upsertPrice(input: PriceInput): Promise<void>
  createShareLink(input: CreateShareLinkInput): Promise<string>
  revokeShareLink(id: string): Promise<void>
  createChannel(input: CreateNotificationChannelInput): Promise<string>
  updateChannel(id: string, patch: UpdateNotificationChannelInput): Promise<void>
  subscribe(channelId: string, eventType: string, enabled: boolean): Promise<string>
  setTunnelConfig(patch: TunnelConfigInput): Promise<void>
  remember(records: readonly ImportSourceRecord[]): Promise<void>
  importHealthChecks(records: readonly ImportedHealthCheck[]): Promise<number>
  importUsageBatch(batch: ImportUsageBatch): Promise<boolean>
  audit(input: AuditInput): Promise<void>
}

/** Writes into the store. */
export function storeWrites(store: Store): ImportWrites {
  return {
    createAccount: async (input) => (await store.createAccount(input)).id,
    updateAccount: async (id, patch) => void (await store.updateAccount(id, patch)),
    createProxyKey: async (input) => (await store.createProxyKey(input)).key.id,
    revokeProxyKey: async (id) => void (await store.revokeProxyKey(id)),
    createNode: async (input) => (await store.createNode(input)).id,
    updateNode: async (id, patch) => void (await store.updateNode(id, patch)),
    setNodeState: async (nodeId, version, next) =>
      void (await store.compareAndSetNodeState(nodeId, version, next)),
    upsertPrice: async (input) => void (await store.upsertPrice(input)),
    createShareLink: async (input) => (await store.createShareLink(input)).link.id,
    revokeShareLink: async (id) => void (await store.deleteShareLink(id)),
    createChannel: async (input) => (await store.createNotificationChannel(input)).id,
    updateChannel: async (id, patch) => void (await store.updateNotificationChannel(id, patch)),
    subscribe: async (channelId, eventType, enabled) =>
      (await store.upsertNotificationSubscription({ channelId, eventType, enabled })).id,
    setTunnelConfig: async (patch) => void (await store.setTunnelConfig(patch)),
    remember: (records) => store.putImportSources(records),
    importHealthChecks: (records) => store.importHealthChecks(records),
    importUsageBatch: (batch) => store.importUsageBatch(batch),
    audit: async (input) => void (await store.appendAudit(input)),
  }
}

/** Writes nothing; created rows get ids `dry-run-<n>`. */
export function dryWrites(): ImportWrites {
  let n = 0
  const id = async () => `dry-run-${++n}`
  const none = async () => {}
  return {
    createAccount: id,
    updateAccount: none,
    createProxyKey: id,
    revokeProxyKey: none,
    createNode: id,
    updateNode: none,
    setNodeState: none,
    upsertPrice: none,
    createShareLink: id,
    revokeShareLink: none,
    createChannel: id,
    updateChannel: none,
    subscribe: id,
    setTunnelConfig: none,
    remember: none,
    importHealthChecks: async (records) => records.length,
    importUsageBatch: async () => true,
    audit: none,
  }
}
