import { HEALTH_CHECK_METHODS, type HealthCheckMethod } from '@qcc/core'
import type { StoreContext } from '../config'
import { nodeKeyAad, sealedKeyAfterUpdate } from '../crypto/node-key'
import type { SecretBox } from '../crypto/secret-box'
import { apiKeyHint, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { CreateNodeInput, NodeRecord, NodeSecretRead, UpdateNodeInput } from '../types/nodes'
import { checkName } from './fields'
import { checkPolicies, newPolicyRow, patchedPolicyRow } from './node-policies'

/**
 * A node row: the record without `hasApiKey`, with its upstream key and its extra headers sealed
 * (or null).
 */
export interface NodeRow extends Omit<NodeRecord, 'hasApiKey'> {
  apiKeyEnc: string | null
  extraHeadersEnc: string | null
}

/** An http(s) URL of at most 2048 characters. @throws StoreError `invalid` */
export function checkBaseUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length > 2048) {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  return url
}

/** Weight: an integer from 1 to 1,000,000 (default 1). @throws StoreError `invalid` */
export function checkWeight(weight: unknown): number {
  if (weight === undefined) return 1
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 1e6) {
    throw new StoreError('invalid', 'weight must be an integer from 1 to 1000000')
  }
  return weight
}

/** The method given, else `api` with a key and `head` without (docs/contract.md §6.2). */
export function checkMethod(method: unknown, hasKey: boolean): HealthCheckMethod {
  if (method === undefined || method === null || method === '') return hasKey ? 'api' : 'head'
  if (!HEALTH_CHECK_METHODS.includes(method as HealthCheckMethod)) {
    throw new StoreError(
      'invalid',
      `healthCheckMethod must be one of ${HEALTH_CHECK_METHODS.join(', ')}`,
    )
  }
  return method as HealthCheckMethod
}

/** A valid Date (a copy, so the caller's object is not kept). @throws StoreError `invalid` */
function checkUnstuckAt(at: unknown): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new StoreError('invalid', 'unstuckAt must be a valid Date')
  }
  return new Date(at.getTime())
}

/** The error of a node name another node of the same account holds. */
export function nodeNameTaken(name: string): StoreError {
  return new StoreError('conflict', `node name "${name}" is taken in this account`)
}

/** A new node row from checked input, its key sealed to its id and origin. */
export function newNodeRow(ctx: StoreContext, input: CreateNodeInput): NodeRow {
  const name = checkName(input.name, 'node name')
  const baseUrl = checkBaseUrl(input.baseUrl)
  const policies = checkPolicies(input)
  const id = newId()
  const now = ctx.now()
  return {
    id,
    accountId: input.accountId,
    name,
    baseUrl,
    apiKeyEnc: input.apiKey ? ctx.box.seal(input.apiKey, nodeKeyAad(id, baseUrl)) : null,
    apiKeyHint: apiKeyHint(input.apiKey),
    weight: checkWeight(input.weight),
    disabled: input.disabled ?? false,
    healthCheckMethod: checkMethod(input.healthCheckMethod, Boolean(input.apiKey)),
    healthCheckModel: input.healthCheckModel ?? null,
    allowPrivate: input.allowPrivate ?? false,
    managed: input.managed ?? false,
    ...newPolicyRow(ctx.box, { id, baseUrl }, policies),
    unstuckAt: null,
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * Checks a node patch before the row is looked up: the copy it returns has the name trimmed (the
 * key is still plain). @throws StoreError `invalid`
 */
export function checkNodePatch(patch: UpdateNodeInput): UpdateNodeInput {
  const out: UpdateNodeInput = { ...patch, ...checkPolicies(patch) }
  if (patch.name !== undefined) out.name = checkName(patch.name, 'node name')
  if (patch.baseUrl !== undefined) out.baseUrl = checkBaseUrl(patch.baseUrl)
  if (patch.weight !== undefined) out.weight = checkWeight(patch.weight)
  if (patch.healthCheckMethod !== undefined) checkMethod(patch.healthCheckMethod, false)
  if (patch.unstuckAt !== undefined) out.unstuckAt = checkUnstuckAt(patch.unstuckAt)
  return out
}

/**
 * The row after a checked patch: a new key sealed (or cleared) when one was given, else the kept
 * key (and extra headers) re-sealed when the origin moved; an emptied method defaults by whether a key remains.
 */
export function patchedNodeRow(
  box: SecretBox,
  row: NodeRow,
  patch: UpdateNodeInput,
  now: Date,
): NodeRow {
  const next: NodeRow = { ...row, updatedAt: now }
  if (patch.name !== undefined) next.name = patch.name
  if (patch.baseUrl !== undefined) next.baseUrl = patch.baseUrl
  next.apiKeyEnc = sealedKeyAfterUpdate(
    box,
    { id: row.id, baseUrl: row.baseUrl, sealed: row.apiKeyEnc },
    { baseUrl: next.baseUrl, apiKey: patch.apiKey },
  )
  if (patch.apiKey !== undefined) next.apiKeyHint = apiKeyHint(patch.apiKey)
  if (patch.weight !== undefined) next.weight = patch.weight
  if (patch.disabled !== undefined) next.disabled = Boolean(patch.disabled)
  if (patch.healthCheckMethod !== undefined) {
    next.healthCheckMethod = checkMethod(patch.healthCheckMethod, next.apiKeyEnc !== null)
  }
  if (patch.healthCheckModel !== undefined) next.healthCheckModel = patch.healthCheckModel
  if (patch.allowPrivate !== undefined) next.allowPrivate = Boolean(patch.allowPrivate)
  if (patch.managed !== undefined) next.managed = Boolean(patch.managed)
  if (patch.unstuckAt !== undefined) next.unstuckAt = patch.unstuckAt
  return { ...next, ...patchedPolicyRow(box, row, next.baseUrl, checkPolicies(patch)) }
}

/** The record as returned: whether there is a key, never the key nor header values. */
export function toNode(n: NodeRow): NodeRecord {
  // Every field spelled out, in one literal: the records of a fleet share one hidden class.
  // Built by rest and spread from a database row, each of 50,000 records got a map of its own
  // (V8 turns such a copy fast again with a fresh map), 32 MB of maps at 10,000 accounts.
  return {
    id: n.id,
    accountId: n.accountId,
    name: n.name,
    baseUrl: n.baseUrl,
    hasApiKey: n.apiKeyEnc !== null,
    apiKeyHint: n.apiKeyHint,
    weight: n.weight,
    disabled: n.disabled,
    healthCheckMethod: n.healthCheckMethod,
    healthCheckModel: n.healthCheckModel,
    allowPrivate: n.allowPrivate,
    managed: n.managed,
    authHeader: n.authHeader,
    models: n.models,
    modelMap: n.modelMap,
    errorRules: n.errorRules,
    noFailover: n.noFailover,
    stripToolFields: n.stripToolFields,
    stickyTtlMs: n.stickyTtlMs,
    extraHeaderNames: n.extraHeaderNames,
    unstuckAt: n.unstuckAt,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  }
}

/** The upstream key of a row, opened under its id and origin; null when it has none. */
export function openNodeKey(
  box: SecretBox,
  row: Pick<NodeRow, 'id' | 'baseUrl' | 'apiKeyEnc'>,
): string | null {
  return row.apiKeyEnc ? box.open(row.apiKeyEnc, nodeKeyAad(row.id, row.baseUrl)) : null
}

/** One node's value of a bulk read: what `open` gives, or the error it threw. */
export function openEach<T>(open: () => T | null): NodeSecretRead<T> {
  try {
    return { ok: true, value: open() }
  } catch (error) {
    return { ok: false, error }
  }
}
