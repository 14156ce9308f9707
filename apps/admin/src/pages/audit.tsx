import { useSignal } from '@preact/signals'
import type { AuditEntry } from '../api/types'
import { accountName, useAccounts } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { Pager } from '../components/pager'
import { statusOf, useLoad } from '../components/use-load'
import { PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

const PAGE = 50

/** Built per render: headers follow the language. */
const columns = (): Column<AuditEntry>[] => [
  { head: t('Time'), cell: (e) => fmtTime(e.at) },
  { head: t('Who'), cell: (e) => (e.actor_id ? accountName(e.actor_id) : '–') },
  { head: t('Action'), cellClass: 'mono', cell: (e) => e.action },
  {
    head: t('Target'),
    cellClass: 'mono',
    cell: (e) => (e.target_type ? `${e.target_type} ${e.target_id?.slice(0, 8) ?? ''}` : '–'),
  },
  { head: t('Address'), cellClass: 'mono', cell: (e) => e.ip ?? '–' },
  {
    head: t('Detail'),
    cellClass: 'mono small',
    cell: (e) => (e.detail ? JSON.stringify(e.detail) : ''),
  },
]

/** Who changed what, newest first (admins: every account; tenants: their own). */
export default function AuditPage() {
  const { api } = useServices()
  useAccounts()
  const offset = useSignal(0)
  const action = useSignal('')
  const query = { action: action.value.trim() || undefined, limit: PAGE, offset: offset.value }
  const list = useLoad(() => api.tools.audit(query), [offset.value, action.value])
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
      <DataTable
        status={statusOf(list)}
        rows={rows}
        columns={columns()}
        rowKey={(e) => e.id}
        rowAttrs={() => ({ 'data-testid': 'audit-row' })}
        empty={rows.length === 0 && offset.value === 0}
        emptyText={t('No entries.')}
        footer={<Pager offset={offset} page={PAGE} shown={rows.length} />}
      />
    </section>
  )
}
