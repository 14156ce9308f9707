import type { Account, NodeRecord } from '@qcc/store'

/** Store records for unit tests that take them without a store; every date is the epoch. */

const EPOCH = new Date(0)

/** Node `name` of account `acme` (id `id-<name>`), with a key, weight 1. */
export function nodeRecord(name: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id: `id-${name}`,
    accountId: 'acme',
    name,
    baseUrl: `https://${name}.example`,
    hasApiKey: true,
    apiKeyHint: null,
    weight: 1,
    disabled: false,
    healthCheckMethod: 'api',
    healthCheckModel: null,
    allowPrivate: false,
    managed: false,
    authHeader: 'x-api-key',
    models: null,
    modelMap: null,
    errorRules: [],
    noFailover: false,
    stripToolFields: false,
    stickyTtlMs: null,
    extraHeaderNames: [],
    unstuckAt: null,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    ...over,
  }
}

/** Account `acme`, no overrides. */
export function accountRecord(over: Partial<Account> = {}): Account {
  return {
    id: 'acme',
    name: 'acme',
    isAdmin: false,
    disabled: false,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    settings: {
      retryMax: null,
      failThreshold: null,
      healthIntervalMs: null,
      stickyTtlMs: null,
      stickyPolicy: null,
      stickyBreakTtfbMs: null,
    },
    activeNodeId: null,
    limits: {},
    ...over,
  }
}
