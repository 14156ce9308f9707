import { useSignal } from '@preact/signals'
import { AccountSelect } from '../components/account-select'
import { PrefsControls } from '../components/prefs-controls'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { t } from '../i18n'
import { useServices } from '../services'

const FIELDS = [
  ['retries', 'Attempts per request', 1, 20],
  ['fail_limit', 'Failures before a node is marked failed', 1, 100],
  ['health_interval_sec', 'Health check interval (seconds)', 1, 3600],
  ['sticky_ttl_sec', 'Sticky session time (seconds)', 0, 604800],
] as const
type Field = (typeof FIELDS)[number][0]
interface Config extends Record<Field, number> {
  overrides: Record<Field, number | null | undefined>
}

function PasswordForm() {
  const { api } = useServices()
  const current = useSignal('')
  const next = useSignal('')
  const msg = useSignal<string | null>(null)
  const err = useSignal<string | null>(null)
  return (
    <form
      class="panel form"
      onSubmit={async (e) => {
        e.preventDefault()
        msg.value = err.value = null
        try {
          await api.send('POST', '/admin/api/me/password', {
            current: current.value,
            new: next.value,
          })
          current.value = next.value = ''
          msg.value = t('Password changed. Other sessions were signed out.')
        } catch (error) {
          err.value = error instanceof Error ? error.message : String(error)
        }
      }}
    >
      <h2>{t('Change password')}</h2>
      <label>
        {t('Current password')}
        <input
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => (current.value = e.currentTarget.value)}
        />
      </label>
      <label>
        {t('New password (at least 8 characters)')}
        <input
          type="password"
          autocomplete="new-password"
          minLength={8}
          required
          value={next}
          onInput={(e) => (next.value = e.currentTarget.value)}
        />
      </label>
      <ErrorBox error={err.value} />
      {msg.value && <p role="status">{msg.value}</p>}
      <div class="form-actions">
        <button type="submit" class="btn primary">
          {t('Change password')}
        </button>
      </div>
    </form>
  )
}

/** Per-account overrides; a blank field inherits the server's env value (read live). */
function ConfigForm() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const q = () => (session.isAdmin.value ? `?account_id=${encodeURIComponent(account.value)}` : '')
  const cfg = useLoad(() => api.get<Config>(`/admin/api/config${q()}`), [account.value])
  const draft = useSignal<Record<string, string>>({})
  const msg = useSignal<string | null>(null)
  const err = useSignal<string | null>(null)
  const c = cfg.data.value
  const value = (f: Field) =>
    draft.value[f] ?? (c?.overrides[f] != null ? String(c.overrides[f]) : '')
  return (
    <form
      class="panel form"
      onSubmit={async (e) => {
        e.preventDefault()
        msg.value = err.value = null
        try {
          const body: Record<string, number | null> = {}
          for (const [f] of FIELDS) body[f] = value(f) === '' ? null : Number(value(f))
          await api.send('PUT', `/admin/api/config${q()}`, body)
          draft.value = {}
          await cfg.reload()
          msg.value = t('Saved.')
        } catch (error) {
          err.value = error instanceof Error ? error.message : String(error)
        }
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
      <ErrorBox error={err.value} />
      {msg.value && <p role="status">{msg.value}</p>}
      <div class="form-actions">
        <button type="submit" class="btn primary" disabled={!c}>
          {t('Save')}
        </button>
      </div>
    </form>
  )
}

export default function SettingsPage() {
  return (
    <section class="narrow">
      <PageHead title={t('Settings')} />
      <div class="panel">
        <h2 class="panel-title">{t('Display')}</h2>
        <PrefsControls />
      </div>
      <ConfigForm />
      <PasswordForm />
    </section>
  )
}
