import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import type { UsageGroup, UsageTotals } from '../api/types'
import { AccountSelect } from '../components/account-select'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, PageHead } from '../components/ui'
import { fmtCompact, fmtInt, fmtMs, fmtPct, fmtUsd } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'
import { UsageLogs, type UsageQuery } from './usage-logs'

type Tab = 'model' | 'node' | 'key' | 'logs'

/** `<input type=datetime-local>` speaks local time without a zone; the API wants RFC 3339. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined)
const toLocal = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

function Groups({ query, by }: { query: UsageQuery; by: 'model' | 'node' | 'key' }) {
  const { api } = useServices()
  const res = useLoad(
    async () =>
      (
        await api.get<{ groups: UsageGroup[] }>('/admin/api/usage/summary', {
          ...query,
          group_by: by,
        })
      ).groups,
    [JSON.stringify(query), by],
  )
  if (res.data.value === null)
    return res.error.value ? <ErrorBox error={res.error.value} /> : <Loading />
  const rows = [...res.data.value].sort(
    (a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests,
  )
  if (rows.length === 0) return <p class="state">{t('No requests in this range.')}</p>
  return (
    <div class="table-wrap panel">
      <table data-testid={`groups-${by}`}>
        <thead>
          <tr>
            <th>{{ model: t('Model'), node: t('Node'), key: t('Key') }[by]}</th>
            <th class="num">{t('Requests')}</th>
            <th class="num">{t('Errors')}</th>
            <th class="num">{t('Input')}</th>
            <th class="num">{t('Output')}</th>
            <th class="num">{t('Cache read')}</th>
            <th class="num">{t('Cache write')}</th>
            <th class="num">{t('Avg latency')}</th>
            <th class="num">{t('Cost')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.key}>
              <td class={by === 'model' ? 'mono' : ''}>{g.name ?? g.key}</td>
              <td class="num">{fmtInt(g.requests)}</td>
              <td class="num">{fmtInt(g.errors)}</td>
              <td class="num">{fmtInt(g.input_tokens)}</td>
              <td class="num">{fmtInt(g.output_tokens)}</td>
              <td class="num">{fmtInt(g.cache_read_input_tokens)}</td>
              <td class="num">{fmtInt(g.cache_creation_input_tokens)}</td>
              <td class="num">{fmtMs(g.avg_duration_ms)}</td>
              <td class="num">{fmtUsd(g.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
  const query: UsageQuery = {
    account_id: account.value || undefined,
    node_id: nodeId.value || undefined,
    from: toIso(from.value),
    to: toIso(to.value),
  }
  const logsQuery = { ...query, model: model.value.trim() || undefined }
  const totals = useLoad(
    () => api.get<UsageTotals>('/admin/api/usage/summary', query),
    [JSON.stringify(query)],
  )
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
