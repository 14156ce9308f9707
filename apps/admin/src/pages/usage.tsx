import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import type { UsageGroup } from '../api/types'
import type { UsageGroupBy, UsageScope } from '../api/usage'
import { AccountSelect } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { useLoad } from '../components/use-load'
import { ErrorBox, PageHead } from '../components/ui'
import { fmtCompact, fmtInt, fmtMs, fmtPct, fmtUsd } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'
import { UsageLogs } from './usage-logs'

type Tab = UsageGroupBy | 'logs'

/** `<input type=datetime-local>` speaks local time without a zone; the API wants RFC 3339. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined)
const toLocal = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

const number = (head: string, pick: (g: UsageGroup) => string): Column<UsageGroup> => ({
  head,
  headClass: 'num',
  cellClass: 'num',
  cell: pick,
})

function Groups({ query, by }: { query: UsageScope; by: UsageGroupBy }) {
  const { api } = useServices()
  const res = useLoad(() => api.usage.groups(query, by), [JSON.stringify(query), by])
  const rows = [...(res.data.value ?? [])].sort(
    (a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests,
  )
  const columns: Column<UsageGroup>[] = [
    {
      head: { model: t('Model'), node: t('Node'), key: t('Key') }[by],
      cellClass: by === 'model' ? 'mono' : '',
      cell: (g) => g.name ?? g.key,
    },
    number(t('Requests'), (g) => fmtInt(g.requests)),
    number(t('Errors'), (g) => fmtInt(g.errors)),
    number(t('Input'), (g) => fmtInt(g.input_tokens)),
    number(t('Output'), (g) => fmtInt(g.output_tokens)),
    number(t('Cache read'), (g) => fmtInt(g.cache_read_input_tokens)),
    number(t('Cache write'), (g) => fmtInt(g.cache_creation_input_tokens)),
    number(t('Avg latency'), (g) => fmtMs(g.avg_duration_ms)),
    number(t('Cost'), (g) => fmtUsd(g.cost_usd)),
  ]
  // No retry button here: the page's Refresh and filters load again.
  const status = {
    loading: res.loading.value,
    loaded: res.data.value !== null,
    error: res.error.value,
  }
  return (
    <DataTable
      status={status}
      rows={rows}
      columns={columns}
      rowKey={(g) => g.key}
      emptyText={t('No requests in this range.')}
      testId={`groups-${by}`}
    />
  )
}

export default function UsagePage() {
  const { api, nodes, session } = useServices()
  const account = useSignal(session.isAdmin.value ? '*' : '')
  const nodeId = useSignal('')
  const model = useSignal('')
  const from = useSignal(toLocal(Date.now() - 86_400_000))
  const to = useSignal('')
  const tab = useSignal<Tab>('model')
  useEffect(() => {
    if (!nodes.loaded.value) void nodes.load()
  }, [])
  const query: UsageScope = {
    account_id: account.value || undefined,
    node_id: nodeId.value || undefined,
    from: toIso(from.value),
    to: toIso(to.value),
  }
  const logsQuery = { ...query, model: model.value.trim() || undefined }
  const totals = useLoad(() => api.usage.summary(query), [JSON.stringify(query)])
  const tot = totals.data.value
  return (
    <section>
      <PageHead title={t('Usage and cost')}>
        <button type="button" class="btn" onClick={() => void totals.reload()}>
          {t('Refresh')}
        </button>
      </PageHead>
      <div class="toolbar">
        <AccountSelect value={account.value} onChange={(id) => (account.value = id)} />
        <label class="inline">
          <span>{t('Node')}</span>
          <select value={nodeId.value} onChange={(e) => (nodeId.value = e.currentTarget.value)}>
            <option value="">{t('All nodes')}</option>
            {nodes.sorted.value.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          <span>{t('From')}</span>
          <input
            type="datetime-local"
            value={from}
            onChange={(e) => (from.value = e.currentTarget.value)}
          />
        </label>
        <label class="inline">
          <span>{t('To')}</span>
          <input
            type="datetime-local"
            value={to}
            onChange={(e) => (to.value = e.currentTarget.value)}
          />
        </label>
      </div>
      <ErrorBox error={totals.error.value} onRetry={totals.reload} />
      <div class="kpis">
        <div class="kpi">
          <span class="kpi-label">{t('Cost')}</span>
          <span class="kpi-value">{fmtUsd(tot?.cost_usd)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Requests')}</span>
          <span class="kpi-value">{fmtCompact(tot?.requests)}</span>
          <span class="kpi-sub">
            {t('Success')}{' '}
            {fmtPct(tot && tot.requests ? (tot.requests - tot.errors) / tot.requests : null)}
          </span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Input tokens')}</span>
          <span class="kpi-value">{fmtCompact(tot?.input_tokens)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Output tokens')}</span>
          <span class="kpi-value">{fmtCompact(tot?.output_tokens)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Cache read')}</span>
          <span class="kpi-value">{fmtCompact(tot?.cache_read_input_tokens)}</span>
        </div>
      </div>
      <div class="tabs" role="tablist">
        {(['model', 'node', 'key', 'logs'] as Tab[]).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab.value === k}
            class={tab.value === k ? 'on' : ''}
            onClick={() => (tab.value = k)}
          >
            {
              {
                model: t('By model'),
                node: t('By node'),
                key: t('By key'),
                logs: t('Request log'),
              }[k]
            }
          </button>
        ))}
      </div>
      {tab.value === 'logs' ? (
        <>
          <div class="toolbar">
            <input
              placeholder={t('Filter by model')}
              aria-label={t('Filter by model')}
              value={model}
              onChange={(e) => (model.value = e.currentTarget.value)}
            />
          </div>
          <UsageLogs key={JSON.stringify(logsQuery)} query={logsQuery} />
        </>
      ) : (
        <Groups query={query} by={tab.value} />
      )}
    </section>
  )
}
