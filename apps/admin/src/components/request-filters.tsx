import type { ProxyKey } from '../api/types'
import { STATUS_FILTER, type LogFilter } from '../models/request-log'
import { t } from '../i18n'
import { useServices } from '../services'
import { AccountSelect, useAccounts } from './account-select'
import { useLoad } from './use-load'

/** `<input type=datetime-local>` speaks local time without a zone; the API wants RFC 3339. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined)
const toLocal = (iso: string | undefined) => {
  if (!iso) return ''
  const ms = Date.parse(iso)
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}
const text = (v: string) => v.trim() || undefined

/**
 * The keys the key filter offers: the chosen account's, or, for an admin looking at every
 * account, each account's (the keys API lists one account at a time).
 */
function useKeyOptions(accountId: string | undefined): ProxyKey[] {
  const { api, session } = useServices()
  const accounts = useAccounts()
  const all = session.isAdmin.value && (accountId ?? '*') === '*'
  const keys = useLoad(
    async () =>
      all
        ? (await Promise.all(accounts.map((a) => api.keys.list(a.id)))).flat()
        : api.keys.list(accountId),
    [all, accountId, accounts.length],
  )
  return keys.data.value ?? []
}

/** The request log's filter bar; every change goes to `onChange` as a patch. */
export function RequestFilters(props: {
  filter: LogFilter
  onChange: (patch: Partial<LogFilter>) => void
}) {
  const { nodes, session } = useServices()
  const { filter: f, onChange } = props
  const keys = useKeyOptions(f.account_id)
  return (
    <div class="toolbar" data-testid="request-filters">
      <AccountSelect
        value={f.account_id ?? (session.isAdmin.value ? '*' : '')}
        onChange={(id) => onChange({ account_id: id === '*' ? undefined : id, key_id: undefined })}
      />
      <label class="inline">
        <span>{t('From')}</span>
        <input
          type="datetime-local"
          name="from"
          value={toLocal(f.from)}
          onChange={(e) => onChange({ from: toIso(e.currentTarget.value) })}
        />
      </label>
      <label class="inline">
        <span>{t('To')}</span>
        <input
          type="datetime-local"
          name="to"
          value={toLocal(f.to)}
          onChange={(e) => onChange({ to: toIso(e.currentTarget.value) })}
        />
      </label>
      <label class="inline">
        <span>{t('Key')}</span>
        <select
          name="key_id"
          value={f.key_id ?? ''}
          onChange={(e) => onChange({ key_id: text(e.currentTarget.value) })}
        >
          <option value="">{t('All keys')}</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name ?? k.prefix}
              {k.revoked_at ? ` (${t('revoked')})` : ''}
            </option>
          ))}
        </select>
      </label>
      <label class="inline">
        <span>{t('Node')}</span>
        <select
          name="node_id"
          value={f.node_id ?? ''}
          onChange={(e) => onChange({ node_id: text(e.currentTarget.value) })}
        >
          <option value="">{t('All nodes')}</option>
          {nodes.sorted.value.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
        </select>
      </label>
      <label class="inline">
        <span>{t('Status')}</span>
        <input
          name="status"
          list="request-status-options"
          size={11}
          placeholder={t('2xx, 5xx, 429…')}
          value={f.status ?? ''}
          onChange={(e) => {
            const v = e.currentTarget.value.trim()
            // A half-typed code is not a filter: the API would refuse it.
            if (v === '' || STATUS_FILTER.test(v)) onChange({ status: v || undefined })
          }}
        />
        <datalist id="request-status-options">
          {['2xx', '4xx', '5xx', 'error', '429', '499', '502', '529'].map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <input
        name="model"
        placeholder={t('Filter by model')}
        aria-label={t('Filter by model')}
        value={f.model ?? ''}
        onChange={(e) => onChange({ model: text(e.currentTarget.value) })}
      />
      <input
        name="session_id"
        placeholder={t('Session ID')}
        aria-label={t('Session ID')}
        value={f.session_id ?? ''}
        onChange={(e) => onChange({ session_id: text(e.currentTarget.value) })}
      />
      <label class="inline">
        <input
          type="checkbox"
          name="refused"
          checked={f.refused === 'true'}
          onChange={(e) => onChange({ refused: e.currentTarget.checked ? 'true' : undefined })}
        />
        <span>{t('Refused only')}</span>
      </label>
    </div>
  )
}
