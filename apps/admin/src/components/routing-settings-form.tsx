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
] as const
type Field = (typeof FIELDS)[number][0]

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
  const value = (f: Field) =>
    draft.value[f] ?? (c?.overrides[f] != null ? String(c.overrides[f]) : '')
  return (
    <form
      class="panel form"
      onSubmit={async (e) => {
        e.preventDefault()
        msg.value = null
        const patch: RoutingConfigPatch = {}
        for (const [f] of FIELDS) patch[f] = value(f) === '' ? null : Number(value(f))
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
        FIELDS.map(([f, label, min, max]) => (
          <label key={f}>
            {t(label)}
            <input
              type="number"
              min={min}
              max={max}
              placeholder={t('Inherited: {v}', { v: c[f] })}
              value={value(f)}
              onInput={(e) => (draft.value = { ...draft.value, [f]: e.currentTarget.value })}
            />
          </label>
        ))
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
