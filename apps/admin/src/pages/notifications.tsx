import { useSignal } from '@preact/signals'
import type { Channel } from '../api/types'
import { ChannelForm, KIND_LABEL } from '../components/channel-form'
import { DataTable, type Column } from '../components/data-table'
import { NotOffered } from '../components/not-offered'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Where the page says the API lives when this server does not mount it. */
const PATH = '/admin/api/notifications'

/** Notification channels (webhooks), their event subscriptions, a test send and deliveries. */
export default function NotificationsPage() {
  const { api } = useServices()
  const overview = useLoad(() => api.notifications.overview(), [])
  const deliveries = useLoad(() => api.notifications.deliveries(), [])
  const editing = useSignal<Channel | 'new' | null>(null)
  const msg = useSignal<string | null>(null)
  const action = useAction()
  const run = async (fn: () => Promise<void>) => {
    msg.value = null
    await action.run(fn)
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
  const channelColumns: Column<Channel>[] = [
    { head: t('Name'), cell: (c) => c.name },
    { head: t('Type'), cell: (c) => KIND_LABEL[c.kind] ?? c.kind },
    { head: 'URL', cellClass: 'mono', cell: (c) => c.url },
    { head: t('Events'), cellClass: 'mono small', cell: (c) => c.events.join(', ') || '–' },
    {
      head: t('Status'),
      cell: (c) => (
        <span class={`pill ${c.enabled ? 'healthy' : 'disabled'}`}>
          {c.enabled ? t('Enabled') : t('Disabled')}
        </span>
      ),
    },
    {
      cellClass: 'num',
      cell: (c) => (
        <>
          <button
            type="button"
            class="btn small"
            onClick={() =>
              void run(async () => {
                await api.notifications.test(c.id)
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
                void run(() => api.notifications.removeChannel(c.id))
            }}
          >
            {t('Delete')}
          </button>
        </>
      ),
    },
  ]
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
      <ErrorBox error={action.error.value} />
      {msg.value && (
        <p role="status" class="note">
          {msg.value}
        </p>
      )}
      <DataTable
        status={{ loading: false, loaded: true, error: null }}
        rows={o.channels}
        columns={channelColumns}
        rowKey={(c) => c.id}
        rowAttrs={() => ({ 'data-testid': 'channel-row' })}
        emptyText={t('No channels yet.')}
      />
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
