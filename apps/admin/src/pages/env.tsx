import { useSignal } from '@preact/signals'
import type { EnvVar } from '../api/types'
import { DataTable, type Column } from '../components/data-table'
import { statusOf, useLoad } from '../components/use-load'
import { PageHead } from '../components/ui'
import { t } from '../i18n'
import { useServices } from '../services'

/** Built per render: headers follow the language. */
const columns = (): Column<EnvVar>[] => [
  { head: t('Name'), cellClass: 'mono', cell: (v) => v.name },
  {
    head: t('Value'),
    cellClass: 'mono',
    cell: (v) => (
      <>
        {v.value === null ? <span class="muted">{t('(not set)')}</span> : v.value}
        {v.secret && <span class="badge">{t('secret')}</span>}
      </>
    ),
  },
]

/** The effective configuration (secrets masked by the server). Changes need a restart. */
export default function EnvPage() {
  const { api } = useServices()
  const search = useSignal('')
  const list = useLoad(() => api.tools.env(), [])
  const q = search.value.trim().toLowerCase()
  const rows = (list.data.value ?? []).filter(
    (v) => !q || v.name.toLowerCase().includes(q) || (v.value ?? '').toLowerCase().includes(q),
  )
  return (
    <section>
      <PageHead title={t('Environment')} />
      <p class="muted small">
        {t('Read-only. Set these in the environment and restart to change them.')}
      </p>
      <div class="toolbar">
        <input
          type="search"
          placeholder={t('Search')}
          aria-label={t('Search')}
          value={search}
          onInput={(e) => (search.value = e.currentTarget.value)}
        />
      </div>
      <DataTable
        status={statusOf(list)}
        rows={rows}
        columns={columns()}
        rowKey={(v) => v.name}
        emptyText={t('Nothing matches.')}
      />
    </section>
  )
}
