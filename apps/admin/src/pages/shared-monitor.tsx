import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { AdminApiError } from '../api/http'
import type { SharedMonitorView } from '../api/types'
import { PrefsControls } from '../components/prefs-controls'
import { ErrorBox, Loading, StatusPill } from '../components/ui'
import { fmtInt, fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Without a session there is no event stream; a short poll keeps the wall current. */
const POLL_MS = 10_000

/** The public, read-only monitor behind a share link: names and states only. */
export default function SharedMonitorPage() {
  const { api } = useServices()
  const token = location.pathname.split('/').pop() ?? ''
  const data = useSignal<SharedMonitorView | null>(null)
  const error = useSignal<string | null>(null)
  useEffect(() => {
    let stop = false
    const load = async () => {
      try {
        const view = await api.shares.view(token)
        if (stop) return
        data.value = view
        error.value = null
      } catch (err) {
        if (stop) return
        if (!(err instanceof AdminApiError)) error.value = String(err)
        else if (err.status === 404) error.value = t('This share link is invalid or has expired.')
        else error.value = `HTTP ${err.status}`
      }
    }
    void load()
    const timer = setInterval(() => void load(), POLL_MS)
    return () => {
      stop = true
      clearInterval(timer)
    }
  }, [token])
  const d = data.value
  return (
    <div class="content shared">
      <div class="page-head">
        <h1 data-testid="shared-title">
          {d ? t('{name} – monitor', { name: d.account_name }) : t('Monitor')}
        </h1>
        <PrefsControls />
      </div>
      {error.value && !d && <ErrorBox error={error.value} />}
      {!d && !error.value && <Loading />}
      {d && (
        <>
          <p class="muted small">
            {t('Updated {at}', { at: fmtTime(d.updated_at) })}
            {d.expires_at ? ` · ${t('Link expires {at}', { at: fmtTime(d.expires_at) })}` : ''}
          </p>
          {d.nodes.length === 0 && <p class="state">{t('No nodes yet.')}</p>}
          <div class="monitor-grid">
            {d.nodes.map((n) => (
              <article
                key={n.id}
                class={`panel monitor-card edge ${n.status}`}
                data-testid="shared-card"
              >
                <div class="node-title">
                  <strong>{n.name}</strong>
                  <StatusPill status={n.status} />
                  {n.active && <span class="badge">{t('in use')}</span>}
                </div>
                <dl class="node-stats">
                  <dt>{t('Requests')}</dt>
                  <dd>{fmtInt(n.requests)}</dd>
                  <dt>{t('Errors')}</dt>
                  <dd>{fmtInt(n.errors)}</dd>
                  <dt>{t('Last success')}</dt>
                  <dd>{fmtTime(n.last_success_at)}</dd>
                </dl>
              </article>
            ))}
          </div>
        </>
      )}
    </div>
  )
}
