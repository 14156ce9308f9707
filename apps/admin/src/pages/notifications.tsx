import { useSignal } from '@preact/signals'
import { NotOffered } from '../components/not-offered'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'
import { ChannelForm, KIND_LABEL, type Channel } from './channel-form'

interface Overview {
  event_types: string[]
  channel_kinds: string[]
  channels: Channel[]
}
interface Delivery {
  id: string
  at: string
  channel_id: string | null
  ok?: boolean
  status?: number
  event_type?: string
  error?: string
}
const PATH = '/admin/api/notifications'

/** Notification channels (webhooks), their event subscriptions, a test send and deliveries. */
export default function NotificationsPage() {
  const { api } = useServices()
  const overview = useLoad(() => api.get<Overview>(PATH), [])
  const deliveries = useLoad(
    async () => (await api.get<{ deliveries: Delivery[] }>(`${PATH}/deliveries`)).deliveries,
    [],
  )
  const editing = useSignal<Channel | 'new' | null>(null)
  const msg = useSignal<string | null>(null)
  const err = useSignal<string | null>(null)
  const run = async (fn: () => Promise<void>) => {
    err.value = msg.value = null
    try {
      await fn()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
    await Promise.all([overview.reload(), deliveries.reload()])
  }
  const o = overview.data.value
  if (!o) {
    return (
      <section>
        <PageHead title={t('Notifications')} />
        {overview.error.value ? (
          <NotOffered
            what={t('Channels (webhooks) that are told when a node fails or recovers.')}
            path={PATH}
            error={overview.error.value}
          />
        ) : (
          <Loading />
        )}
      </section>
    )
  }
  const names = new Map(o.channels.map((c) => [c.id, c.name]))
  return (
    <section>
      <PageHead title={t('Notifications')}>
        <button type="button" class="btn primary" onClick={() => (editing.value = 'new')}>
          {t('Add channel')}
        </button>
      </PageHead>
      <p class="muted small">
        {t('Channels (webhooks) that are told when a node fails or recovers.')}
      </p>
      <ErrorBox error={err.value} />
      {msg.value && (
        <p role="status" class="note">
          {msg.value}
        </p>
      )}
      {o.channels.length === 0 ? (
        <p class="state">{t('No channels yet.')}</p>
      ) : (
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Name')}</th>
                <th>{t('Type')}</th>
                <th>URL</th>
                <th>{t('Events')}</th>
                <th>{t('Status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {o.channels.map((c) => (
                <tr key={c.id} data-testid="channel-row">
                  <td>{c.name}</td>
                  <td>{KIND_LABEL[c.kind] ?? c.kind}</td>
                  <td class="mono">{c.url}</td>
                  <td class="mono small">{c.events.join(', ') || '–'}</td>
                  <td>
                    <span class={`pill ${c.enabled ? 'healthy' : 'disabled'}`}>
                      {c.enabled ? t('Enabled') : t('Disabled')}
                    </span>
                  </td>
                  <td class="num">
                    <button
                      type="button"
                      class="btn small"
                      onClick={() =>
                        void run(async () => {
                          await api.send('POST', `${PATH}/test`, { id: c.id })
                          msg.value = t('Test sent to {name}.', { name: c.name })
                        })
                      }
                    >
                      {t('Test')}
                    </button>{' '}
                    <button type="button" class="btn small" onClick={() => (editing.value = c)}>
                      {t('Edit')}
                    </button>{' '}
                    <button
                      type="button"
                      class="btn small danger"
                      onClick={() => {
                        if (confirm(t('Delete channel {name}?', { name: c.name })))
                          void run(async () => {
                            await api.send('DELETE', `${PATH}/channels?id=${c.id}`)
                          })
                      }}
                    >
                      {t('Delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="panel">
        <h2 class="panel-title">{t('Recent deliveries')}</h2>
        {(deliveries.data.value ?? []).length === 0 ? (
          <p class="muted">{t('Nothing sent yet.')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <tbody>
                {(deliveries.data.value ?? []).slice(0, 50).map((d) => (
                  <tr key={d.id}>
                    <td>{fmtTime(d.at)}</td>
                    <td>{names.get(d.channel_id ?? '') ?? d.channel_id ?? '–'}</td>
                    <td class="mono">{d.event_type ?? ''}</td>
                    <td class={d.ok === false ? 'error' : ''}>
                      {d.ok === false ? (d.error ?? t('Failed')) : t('OK')}
                      {d.status ? ` (${d.status})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing.value && (
        <ChannelForm
          channel={editing.value === 'new' ? undefined : editing.value}
          kinds={o.channel_kinds}
          eventTypes={o.event_types}
          onClose={() => (editing.value = null)}
          onSaved={() => {
            editing.value = null
            void overview.reload()
          }}
        />
      )}
    </section>
  )
}
