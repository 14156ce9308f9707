import { useSignal } from '@preact/signals'
import type { Tunnel } from '../api/types'
import { NotOffered } from '../components/not-offered'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Where the page says the API lives when this server does not mount it. */
const PATH = '/admin/api/tunnel'
const TONE: Record<Tunnel['status'], string> = {
  running: 'healthy',
  starting: 'cooling',
  restarting: 'cooling',
  stopping: 'cooling',
  stopped: 'disabled',
  error: 'failed',
}

/** The Cloudflare tunnel: everyone sees its state, admins configure, start and stop it. */
export default function TunnelPage() {
  const { api, session } = useServices()
  const state = useLoad(() => api.tunnel.get(), [])
  const subdomain = useSignal<string | null>(null)
  const zone = useSignal<string | null>(null)
  const token = useSignal('')
  const action = useAction()
  const { busy, error: err } = action
  /** The answer is the new state; after a failure, ask for the state instead. */
  const run = async (fn: () => Promise<Tunnel>) => {
    const ok = await action.run(async () => {
      state.data.value = await fn()
    })
    if (!ok) await state.reload()
    return ok
  }
  const s = state.data.value
  const admin = session.isAdmin.value
  const missing = state.error.value && !s
  return (
    <section class="narrow">
      <PageHead title={t('Tunnel')} />
      {missing ? (
        <NotOffered
          what={t('A Cloudflare tunnel that publishes this gateway without opening a port.')}
          path={PATH}
          error={state.error.value ?? ''}
        />
      ) : !s ? (
        <Loading />
      ) : (
        <>
          <div class="panel form">
            <div class="node-title">
              <h2>{t('Status')}</h2>
              <span class={`pill ${TONE[s.status]}`} data-testid="tunnel-status">
                {t(s.status)}
              </span>
            </div>
            <dl class="kv">
              <dt>{t('Public URL')}</dt>
              <dd>{s.public_url ? <a href={s.public_url}>{s.public_url}</a> : '–'}</dd>
              <dt>{t('Restarts')}</dt>
              <dd>{s.restarts}</dd>
              <dt>{t('Updated')}</dt>
              <dd>{fmtTime(s.updated_at)}</dd>
            </dl>
            {s.last_error && <p class="error small">{s.last_error}</p>}
            {admin && (
              <div class="toolbar">
                <button
                  type="button"
                  class="btn primary"
                  disabled={busy.value || s.status === 'running'}
                  onClick={() => void run(() => api.tunnel.start())}
                >
                  {t('Start')}
                </button>
                <button
                  type="button"
                  class="btn"
                  disabled={busy.value || s.status === 'stopped'}
                  onClick={() => void run(() => api.tunnel.stop())}
                >
                  {t('Stop')}
                </button>
              </div>
            )}
          </div>
          {admin && (
            <form
              class="panel form"
              onSubmit={(e) => {
                e.preventDefault()
                const input = {
                  subdomain: (subdomain.value ?? s.subdomain ?? '').trim() || null,
                  zone: (zone.value ?? s.zone ?? '').trim() || null,
                  ...(token.value ? { api_token: token.value } : {}),
                }
                void run(() => api.tunnel.update(input)).then(() => (token.value = ''))
              }}
            >
              <h2>{t('Configuration')}</h2>
              <div class="row2">
                <label>
                  {t('Subdomain')}
                  <input
                    value={subdomain.value ?? s.subdomain ?? ''}
                    onInput={(e) => (subdomain.value = e.currentTarget.value)}
                  />
                </label>
                <label>
                  {t('Zone')}
                  <input
                    placeholder="example.com"
                    value={zone.value ?? s.zone ?? ''}
                    onInput={(e) => (zone.value = e.currentTarget.value)}
                  />
                </label>
              </div>
              <label>
                {t('Cloudflare API token')}
                <input
                  type="password"
                  autocomplete="off"
                  placeholder={s.has_api_token ? t('Saved; leave blank to keep it') : ''}
                  value={token}
                  onInput={(e) => (token.value = e.currentTarget.value)}
                />
              </label>
              <ErrorBox error={err.value} />
              <div class="form-actions">
                {s.has_api_token && (
                  <button
                    type="button"
                    class="btn danger"
                    onClick={() => void run(() => api.tunnel.update({ api_token: null }))}
                  >
                    {t('Clear token')}
                  </button>
                )}
                <button type="submit" class="btn primary" disabled={busy.value}>
                  {t('Save')}
                </button>
              </div>
            </form>
          )}
          {!admin && <ErrorBox error={err.value} />}
        </>
      )}
    </section>
  )
}
