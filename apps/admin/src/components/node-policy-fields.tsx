import type { Signal } from '@preact/signals'
import { t } from '../i18n'
import {
  AUTH_HEADERS,
  RULE_ACTIONS,
  type HeaderRow,
  type PairRow,
  type PolicyDraft,
  type RuleAction,
  type RuleRow,
} from './node-policy-model'

type Props = { draft: Signal<PolicyDraft>; locked: boolean }

/** Replaces row `i` of a list field with `patch` applied. */
const patchRow = <T,>(rows: T[], i: number, patch: Partial<T>): T[] =>
  rows.map((r, j) => (j === i ? { ...r, ...patch } : r))

function RemoveButton(props: { onClick: () => void; label: string }) {
  return (
    <button type="button" class="btn ghost small" aria-label={props.label} onClick={props.onClick}>
      ×
    </button>
  )
}

function HeaderRows({ draft }: Props) {
  const rows = draft.value.headers
  const set = (headers: HeaderRow[]) => (draft.value = { ...draft.value, headers })
  return (
    <div class="policy-rows" data-testid="extra-headers">
      {rows.map((h, i) => (
        <div class="policy-row" key={i}>
          <input
            name={`header_name_${i}`}
            aria-label={t('Header name')}
            placeholder="x-relay-token"
            value={h.name}
            onInput={(e) => set(patchRow(rows, i, { name: e.currentTarget.value }))}
          />
          <input
            name={`header_value_${i}`}
            type="password"
            autocomplete="off"
            aria-label={t('Header value')}
            placeholder={h.masked ? t('{masked} (blank keeps it)', { masked: h.masked }) : ''}
            value={h.value}
            onInput={(e) => set(patchRow(rows, i, { value: e.currentTarget.value }))}
          />
          <RemoveButton label={t('Remove')} onClick={() => set(rows.filter((_, j) => j !== i))} />
        </div>
      ))}
      <button
        type="button"
        class="btn small"
        onClick={() => set([...rows, { name: '', value: '' }])}
      >
        {t('Add header')}
      </button>
    </div>
  )
}

function ModelMapRows({ draft }: Props) {
  const rows = draft.value.modelMap
  const set = (modelMap: PairRow[]) => (draft.value = { ...draft.value, modelMap })
  return (
    <div class="policy-rows" data-testid="model-map">
      {rows.map((p, i) => (
        <div class="policy-row" key={i}>
          <input
            name={`map_from_${i}`}
            aria-label={t('Requested model')}
            placeholder="claude-sonnet-*"
            value={p.from}
            onInput={(e) => set(patchRow(rows, i, { from: e.currentTarget.value }))}
          />
          <input
            name={`map_to_${i}`}
            aria-label={t('Upstream model')}
            placeholder="vendor/sonnet"
            value={p.to}
            onInput={(e) => set(patchRow(rows, i, { to: e.currentTarget.value }))}
          />
          <RemoveButton label={t('Remove')} onClick={() => set(rows.filter((_, j) => j !== i))} />
        </div>
      ))}
      <button type="button" class="btn small" onClick={() => set([...rows, { from: '', to: '' }])}>
        {t('Add mapping')}
      </button>
    </div>
  )
}

function RuleRows({ draft }: Props) {
  const rows = draft.value.rules
  const set = (rules: RuleRow[]) => (draft.value = { ...draft.value, rules })
  const blank: RuleRow = { status: '', contains: '', action: 'failover', cooldownSec: '' }
  return (
    <div class="policy-rows" data-testid="error-rules">
      {rows.map((r, i) => (
        <div class="policy-row rule" key={i}>
          <input
            name={`rule_status_${i}`}
            aria-label={t('Status')}
            placeholder={t('any, 429, 5xx')}
            value={r.status}
            onInput={(e) => set(patchRow(rows, i, { status: e.currentTarget.value }))}
          />
          <input
            name={`rule_contains_${i}`}
            aria-label={t('Body contains')}
            placeholder={t('body contains (optional)')}
            value={r.contains}
            onInput={(e) => set(patchRow(rows, i, { contains: e.currentTarget.value }))}
          />
          <select
            name={`rule_action_${i}`}
            aria-label={t('Action')}
            value={r.action}
            onChange={(e) =>
              set(patchRow(rows, i, { action: e.currentTarget.value as RuleAction }))
            }
          >
            {RULE_ACTIONS.map((a) => (
              <option value={a} key={a}>
                {a}
              </option>
            ))}
          </select>
          <input
            name={`rule_cooldown_${i}`}
            type="number"
            min={1}
            aria-label={t('Cooldown (seconds)')}
            placeholder="60"
            disabled={r.action !== 'cooldown'}
            value={r.action === 'cooldown' ? r.cooldownSec : ''}
            onInput={(e) => set(patchRow(rows, i, { cooldownSec: e.currentTarget.value }))}
          />
          <RemoveButton label={t('Remove')} onClick={() => set(rows.filter((_, j) => j !== i))} />
        </div>
      ))}
      <button type="button" class="btn small" onClick={() => set([...rows, blank])}>
        {t('Add rule')}
      </button>
    </div>
  )
}

/**
 * A node's routing policies (docs/contract.md §13). Read-only for a tenant on a managed node:
 * they are an admin's to change.
 */
export function NodePolicyFields(props: Props) {
  const { draft, locked } = props
  const d = draft.value
  const set = (patch: Partial<PolicyDraft>) => (draft.value = { ...draft.value, ...patch })
  return (
    <details class="policy-fields" data-testid="node-policies">
      <summary>{t('Routing policies')}</summary>
      <fieldset disabled={locked} class="policy-group">
        <label>
          {t('Send the key as')}
          <select
            name="auth_header"
            value={d.authHeader}
            onChange={(e) =>
              set({ authHeader: e.currentTarget.value as PolicyDraft['authHeader'] })
            }
          >
            {AUTH_HEADERS.map((a) => (
              <option value={a} key={a}>
                {a === 'x-api-key'
                  ? 'x-api-key'
                  : a === 'bearer'
                    ? 'Authorization: Bearer'
                    : t('both')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('Models this node serves (one per line, * at the end matches any suffix; empty: all)')}
          <textarea
            name="models"
            rows={2}
            value={d.models}
            onInput={(e) => set({ models: e.currentTarget.value })}
          />
        </label>
        <p class="muted small">{t('Model map: rewrite a requested model for this node only.')}</p>
        <ModelMapRows {...props} />
        <p class="muted small">
          {t('Extra headers are sent with every call to the node; their values are secrets.')}
        </p>
        <HeaderRows {...props} />
        <p class="muted small">
          {t('Error rules are matched in order (first match wins) before the built-in rules.')}
        </p>
        <RuleRows {...props} />
        <label>
          {t('Sticky session TTL in seconds (empty: the account’s)')}
          <input
            name="sticky_ttl_sec"
            type="number"
            min={0}
            value={d.stickyTtlSec}
            onInput={(e) => set({ stickyTtlSec: e.currentTarget.value })}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="no_failover"
            checked={d.noFailover}
            onChange={(e) => set({ noFailover: e.currentTarget.checked })}
          />
          {t('No failover (a request that fails here is not retried elsewhere)')}
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="strip_tool_fields"
            checked={d.stripToolFields}
            onChange={(e) => set({ stripToolFields: e.currentTarget.checked })}
          />
          {t('Strip tool fields (for strict relays)')}
        </label>
      </fieldset>
    </details>
  )
}
