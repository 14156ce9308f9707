import { useSignal } from '@preact/signals'
import { accountName, useAccounts } from '../components/account-select'
import { useLoad } from '../components/use-load'
import { ListState, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

interface Entry {
  id: string
  at: string
  actor_id: string
  account_id: string | null
  action: string
  target_type: string | null
  target_id: string | null
  ip: string | null
  detail: Record<string, unknown> | null
}
const PAGE = 50

/** Who changed what, newest first (admins: every account; tenants: their own). */
export default function AuditPage() {
  const { api } = useServices()
  useAccounts()
  const offset = useSignal(0)
  const action = useSignal('')
  const list = useLoad(
    async () =>
      (
        await api.get<{ entries: Entry[] }>('/admin/api/audit', {
          action: action.value.trim() || undefined,
          limit: PAGE,
          offset: offset.value,
        })
      ).entries,
    [offset.value, action.value],
  )
  const rows = list.data.value ?? []
  return (
    <section>
      <PageHead title={t('Audit log')}>
        <input
          placeholder={t('Action, e.g. node.create')}
          aria-label={t('Filter by action')}
          value={action}
          onChange={(e) => {
            offset.value = 0
            action.value = e.currentTarget.value
          }}
        />
      </PageHead>
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0 && offset.value === 0}
        emptyText={t('No entries.')}
        onRetry={list.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Time')}</th>
                <th>{t('Who')}</th>
                <th>{t('Action')}</th>
                <th>{t('Target')}</th>
                <th>{t('Address')}</th>
                <th>{t('Detail')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td>{fmtTime(e.at)}</td>
                  <td>{accountName(e.actor_id)}</td>
                  <td class="mono">{e.action}</td>
                  <td class="mono">
                    {e.target_type ? `${e.target_type} ${e.target_id?.slice(0, 8) ?? ''}` : '–'}
                  </td>
                  <td class="mono">{e.ip ?? '–'}</td>
                  <td class="mono small">{e.detail ? JSON.stringify(e.detail) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="pager">
          <button
            type="button"
            class="btn small"
            disabled={offset.value === 0}
            onClick={() => (offset.value -= PAGE)}
          >
            {t('Previous')}
          </button>
          <button
            type="button"
            class="btn small"
            disabled={rows.length < PAGE}
            onClick={() => (offset.value += PAGE)}
          >
            {t('Next')}
          </button>
        </div>
      </ListState>
    </section>
  )
}
