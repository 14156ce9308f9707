import { Fragment } from 'preact'
import { useEffect, useMemo } from 'preact/hooks'
import { keyStatusApi } from '../api/key-status'
import type { KeyStatus, LimitsView, UsageTotalsView } from '../api/limits'
import { fieldLabel } from '../components/limit-labels'
import { PrefsControls } from '../components/prefs-controls'
import { ErrorBox } from '../components/ui'
import { WindowBars } from '../components/window-bars'
import { fmtInt, fmtTime, fmtUsd } from '../format'
import { t } from '../i18n'
import { KeyStatusModel, type KeyStatusFailure } from '../models/key-status'

function failureText(f: KeyStatusFailure): string {
  if (f.code === 'unknown_key') return t('This key is not known, or it is no longer valid.')
  if (f.code === 'throttled')
    return f.retryAfterSec
      ? t('Too many failed lookups from this address. Try again in {n} s.', { n: f.retryAfterSec })
      : t('Too many failed lookups from this address. Try again later.')
  return f.message
}

function UsageCard(props: { label: string; usage: UsageTotalsView | undefined; id: string }) {
  const u = props.usage
  return (
    <div class="kpi" data-testid={`usage-${props.id}`}>
      <span class="kpi-label">{props.label}</span>
      <span class="kpi-value">{u ? fmtUsd(u.cost_usd) : '–'}</span>
      <span class="kpi-sub">
        {t('{requests} requests · {tokens} tokens', {
          requests: fmtInt(u?.requests ?? 0),
          tokens: fmtInt((u?.input_tokens ?? 0) + (u?.output_tokens ?? 0)),
        })}
      </span>
    </div>
  )
}

/** The limits that have no window: which models and addresses, and the first-use expiry. */
function Rules({ limits }: { limits: LimitsView | null | undefined }) {
  const rows = (['models', 'ips', 'expires_after_first_use_days'] as const).flatMap((name) => {
    const v = limits?.[name]
    if (v === undefined || v === null) return []
    return [{ name, text: Array.isArray(v) ? v.join(', ') : String(v) }]
  })
  if (!rows.length) return null
  return (
    <dl class="node-stats">
      {rows.map((r) => (
        <Fragment key={r.name}>
          <dt>{fieldLabel(r.name)}</dt>
          <dd class="mono" data-testid={`rule-${r.name}`}>
            {r.text}
          </dd>
        </Fragment>
      ))}
    </dl>
  )
}

function StatusView({ s }: { s: KeyStatus }) {
  const expired = s.key.expires_at !== null && Date.parse(s.key.expires_at) <= Date.now()
  const hasKeyWindows = Object.keys(s.windows ?? {}).length > 0
  const hasAccountWindows = Object.keys(s.account_windows ?? {}).length > 0
  return (
    <div data-testid="key-status">
      <section class="panel">
        <dl class="node-stats">
          <dt>{t('Name')}</dt>
          <dd data-testid="status-name">{s.key.name ?? '–'}</dd>
          <dt>{t('Key')}</dt>
          <dd class="mono" data-testid="status-prefix">
            {s.key.prefix}…
          </dd>
          <dt>{t('Account')}</dt>
          <dd data-testid="status-account">{s.key.account}</dd>
          <dt>{t('Expires')}</dt>
          <dd data-testid="status-expires">
            {s.key.expires_at ? fmtTime(s.key.expires_at) : t('Never')}
            {expired && <span class="pill failed">{t('Expired')}</span>}
          </dd>
        </dl>
      </section>
      <div class="kpis" style={{ marginTop: '1rem' }}>
        <UsageCard id="today" label={t('Today')} usage={s.usage?.today} />
        <UsageCard id="month" label={t('This month')} usage={s.usage?.month} />
        <UsageCard id="total" label={t('All time')} usage={s.usage?.total} />
      </div>
      <section class="panel" data-testid="key-windows">
        <div class="panel-title">{t('Limits of this key')}</div>
        <WindowBars windows={s.windows} scope="key" />
        {!hasKeyWindows && <p class="muted small">{t('No rate or spend limits on this key.')}</p>}
        <Rules limits={s.limits} />
      </section>
      {hasAccountWindows && (
        <section class="panel" data-testid="account-windows">
          <div class="panel-title">{t('Limits of the account (shared by all its keys)')}</div>
          <WindowBars windows={s.account_windows} scope="account" />
        </section>
      )}
    </div>
  )
}

/**
 * `/admin/key`: a key holder checks its own key's limits and usage without logging in
 * (docs/contract.md §10). The key is typed in, held by the page's model in memory only, and
 * dropped when the page is left.
 */
export default function KeyStatusPage() {
  const model = useMemo(() => new KeyStatusModel(keyStatusApi()), [])
  useEffect(() => () => model.forget(), [model])
  const s = model.status.value
  const failure = model.failure.value
  const submit = (e: Event) => {
    e.preventDefault()
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('api_key')
    if (!(input instanceof HTMLInputElement)) return
    const entered = input.value
    // The field is emptied at once: from here on the key is only in the model's memory.
    input.value = ''
    void model.check(entered)
  }
  return (
    <div class="content shared narrow">
      <div class="page-head">
        <h1>{t('Key status')}</h1>
        <PrefsControls />
      </div>
      <p class="muted">
        {t('Enter a proxy API key to see its limits, what is left and its usage.')}{' '}
        {t('The key stays in this tab only: it is not saved and leaves with the page.')}
      </p>
      <form class="toolbar" onSubmit={submit} autocomplete="off" data-testid="key-form">
        <input
          name="api_key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          class="grow"
          placeholder={t('Your API key')}
          aria-label={t('Your API key')}
        />
        <button type="submit" class="btn primary" disabled={model.busy.value}>
          {t('Check')}
        </button>
        {(s !== null || failure !== null) && (
          <>
            {s !== null && (
              <button
                type="button"
                class="btn"
                disabled={model.busy.value}
                onClick={() => void model.refresh()}
              >
                {t('Refresh')}
              </button>
            )}
            <button type="button" class="btn" onClick={() => model.forget()}>
              {t('Forget key')}
            </button>
          </>
        )}
      </form>
      {failure && (
        <div data-testid="key-error" data-code={failure.code}>
          <ErrorBox error={failureText(failure)} />
        </div>
      )}
      {s && <StatusView s={s} />}
      <p class="muted small">
        <a href="/login">{t('Console login')}</a>
      </p>
    </div>
  )
}
