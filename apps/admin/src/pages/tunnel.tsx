import { useSignal } from '@preact/signals'
import { NotOffered } from '../components/not-offered'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

interface Tunnel {
  status: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'
  enabled: boolean
  subdomain: string | null
  zone: string | null
  has_api_token: boolean
  public_url: string | null
  restarts: number
  last_error: string | null
  updated_at: string | null
}
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
  const state = useLoad(() => api.get<Tunnel>(PATH), [])
  const subdomain = useSignal<string | null>(null)
  const zone = useSignal<string | null>(null)
  const token = useSignal('')
  const busy = useSignal(false)
  const err = useSignal<string | null>(null)
  const run = async (fn: () => Promise<Tunnel>) => {
    busy.value = true
    err.value = null
    try {
      state.data.value = await fn()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
      await state.reload()
    } finally {
      busy.value = false
    }
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
                  onClick={() => void run(() => api.send<Tunnel>('POST', `${PATH}/start`))}
                >
                  {t('Start')}
                </button>
                <button
                  type="button"
                  class="btn"
                  disabled={busy.value || s.status === 'stopped'}
                  onClick={() => void run(() => api.send<Tunnel>('POST', `${PATH}/stop`))}
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
                void run(() =>
                  api.send<Tunnel>('PUT', PATH, {
                    subdomain: (subdomain.value ?? s.subdomain ?? '').trim() || null,
                    zone: (zone.value ?? s.zone ?? '').trim() || null,
                    ...(token.value ? { api_token: token.value } : {}),
                  }),
                ).then(() => (token.value = ''))
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
                    onClick={() =>
                      void run(() => api.send<Tunnel>('PUT', PATH, { api_token: null }))
                    }
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
