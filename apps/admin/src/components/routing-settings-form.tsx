import { useSignal } from '@preact/signals'
import type { RoutingConfigPatch } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'
import { AccountSelect } from './account-select'
import { useAction } from './use-action'
import { useLoad } from './use-load'
import { ErrorBox, Loading } from './ui'

const FIELDS = [
  ['retries', 'Attempts per request', 1, 20],
  ['fail_limit', 'Failures before a node is marked failed', 1, 100],
  ['health_interval_sec', 'Health check interval (seconds)', 1, 3600],
  ['sticky_ttl_sec', 'Sticky session time (seconds)', 0, 604800],
  ['sticky_break_ttfb_ms', 'Drop a binding above this median TTFB (ms)', 0, 600000],
] as const
type Field = (typeof FIELDS)[number][0]
const POLICIES = ['cache_first', 'cost_first'] as const

/** Per-account overrides; a blank field inherits the server's env value (read live). */
export function RoutingSettingsForm() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const scope = () => (session.isAdmin.value ? account.value : undefined)
  const cfg = useLoad(() => api.config.get(scope()), [account.value])
  const draft = useSignal<Record<string, string>>({})
  const msg = useSignal<string | null>(null)
  const save = useAction()
  const c = cfg.data.value
  const value = (f: Field | 'sticky_policy') =>
    draft.value[f] ?? (c?.overrides[f] != null ? String(c.overrides[f]) : '')
  const policy = value('sticky_policy')
  return (
    <form
      class="panel form"
      onSubmit={async (e) => {
        e.preventDefault()
        msg.value = null
        const patch: RoutingConfigPatch = {}
        for (const [f] of FIELDS) patch[f] = value(f) === '' ? null : Number(value(f))
        patch.sticky_policy = POLICIES.find((p) => p === policy) ?? null
        const accountId = scope()
        const ok = await save.run(async () => {
          await api.config.update(patch, accountId)
          draft.value = {}
          await cfg.reload()
        })
        if (ok) msg.value = t('Saved.')
      }}
    >
      <div class="page-head">
        <h2>{t('Routing settings')}</h2>
        <AccountSelect
          value={account.value}
          allowAll={false}
          onChange={(id) => (account.value = id)}
        />
      </div>
      {!c ? (
        cfg.error.value ? (
          <ErrorBox error={cfg.error.value} onRetry={cfg.reload} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          {FIELDS.map(([f, label, min, max]) => (
            <label key={f}>
              {t(label)}
              <input
                type="number"
                min={min}
                max={max}
                placeholder={t('Inherited: {v}', { v: c[f] ?? t('never') })}
                value={value(f)}
                onInput={(e) => (draft.value = { ...draft.value, [f]: e.currentTarget.value })}
              />
            </label>
          ))}
          <p class="muted small">
            {t(
              "A binding is dropped when its node's median time to first byte over its last 20 answers exceeds this; 0 means never.",
            )}
          </p>
          <label>
            {t('Sticky policy')}
            <select
              value={policy}
              onChange={(e) =>
                (draft.value = { ...draft.value, sticky_policy: e.currentTarget.value })
              }
            >
              <option value="">{t('Inherited: {v}', { v: c.sticky_policy })}</option>
              {POLICIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <p class="muted small">
            {t(
              'cache_first keeps a session on its node while that node works (prompt caches stay warm); cost_first moves it back to a healthy node of a better tier at its next request.',
            )}
          </p>
        </>
      )}
      <p class="muted small">{t('Leave a field blank to use the server default.')}</p>
      <ErrorBox error={save.error.value} />
      {msg.value && <p role="status">{msg.value}</p>}
      <div class="form-actions">
        <button type="submit" class="btn primary" disabled={!c}>
          {t('Save')}
        </button>
      </div>
    </form>
  )
}
