import { useSignal } from '@preact/signals'
import { useLoad } from '../components/use-load'
import { ListState, PageHead } from '../components/ui'
import { t } from '../i18n'
import { useServices } from '../services'

interface EnvVar {
  name: string
  value: string | null
  secret: boolean
}

/** The effective configuration (secrets masked by the server). Changes need a restart. */
export default function EnvPage() {
  const { api } = useServices()
  const search = useSignal('')
  const list = useLoad(async () => (await api.get<{ vars: EnvVar[] }>('/admin/api/env')).vars, [])
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
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0}
        emptyText={t('Nothing matches.')}
        onRetry={list.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Name')}</th>
                <th>{t('Value')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <tr key={v.name}>
                  <td class="mono">{v.name}</td>
                  <td class="mono">
                    {v.value === null ? <span class="muted">{t('(not set)')}</span> : v.value}
                    {v.secret && <span class="badge">{t('secret')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListState>
    </section>
  )
}
