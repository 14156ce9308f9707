import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import type { UsageLog } from '../api/types'
import { DataTable, type Column } from '../components/data-table'
import { Pager } from '../components/pager'
import { RequestFilters } from '../components/request-filters'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, PageHead } from '../components/ui'
import { download, toCsv } from '../csv'
import { fmtInt, fmtMs, fmtTime, fmtUsd } from '../format'
import { t } from '../i18n'
import {
  CSV_COLUMNS,
  OPEN_PARAM,
  csvRow,
  exportEntries,
  filterSearch,
  isLive,
  liveReload,
  parseFilter,
  type LogFilter,
} from '../models/request-log'
import { useServices } from '../services'
import { RequestDetail } from './request-detail'
import '../styles/requests.css'

const PAGE = 50

const num = (head: string, cell: (r: UsageLog) => string): Column<UsageLog> => ({
  head,
  headClass: 'num',
  cellClass: 'num',
  cell,
})

/**
 * The request log (docs/contract.md §12): every request newest first, filtered by time, key,
 * session, model, node, status and refusal (kept in the URL query, so a view can be linked),
 * live on its first page, exported as CSV, and opened to show its attempts.
 */
export default function RequestsPage() {
  const { api, nodes, events } = useServices()
  const filter = useSignal<LogFilter>(parseFilter(location.search))
  const openId = useSignal<string | null>(new URLSearchParams(location.search).get(OPEN_PARAM))
  const offset = useSignal(0)
  const exporting = useAction()
  const filterKey = JSON.stringify(filter.value)
  useEffect(() => {
    if (!nodes.loaded.value) void nodes.load()
  }, [])
  // The router reads only the path, so the query can follow the filters without a navigation.
  useEffect(() => {
    const next = location.pathname + filterSearch(filter.value, openId.value)
    if (next !== location.pathname + location.search) history.replaceState(history.state, '', next)
  }, [filterKey, openId.value])

  const logs = useLoad(
    () => api.usage.logPage({ ...filter.value, limit: PAGE, offset: offset.value }),
    [filterKey, offset.value],
  )
  const live = isLive(filter.value, offset.value)
  useEffect(() => {
    if (!live) return
    const reloader = liveReload({ reload: logs.reload })
    const off = events.on((type) => {
      if (type === 'request') reloader.onEvent()
    })
    return () => {
      off()
      reloader.dispose()
    }
  }, [live])

  const change = (patch: Partial<LogFilter>) => {
    const next: LogFilter = { ...filter.value, ...patch }
    for (const k of Object.keys(next) as (keyof LogFilter)[]) if (!next[k]) delete next[k]
    filter.value = next
    offset.value = 0
  }
  const nodeName = (id: string | null) =>
    id ? (nodes.nodes.value.find((n) => n.id === id)?.name ?? id.slice(0, 8)) : '–'
  const exportCsv = () => {
    // Exactly the filter shown when the button was pressed, even if it changes meanwhile.
    const query = { ...filter.value }
    const names = new Map(nodes.nodes.peek().map((n) => [n.id, n.name]))
    const nameOf = (id: string | null) => (id ? (names.get(id) ?? id.slice(0, 8)) : '')
    return exporting.run(async () => {
      const rows = await exportEntries((q) => api.usage.logPage(q), query)
      const csv = toCsv(
        CSV_COLUMNS,
        rows.map((r) => csvRow(r, nameOf)),
      )
      download(`qcc-requests-${new Date().toISOString().slice(0, 19)}.csv`, csv)
    })
  }

  const columns: Column<UsageLog>[] = [
    {
      head: t('Time'),
      cell: (r) => (
        <button
          type="button"
          class="link-button"
          data-testid="request-open"
          onClick={() => (openId.value = r.request_id)}
        >
          {fmtTime(r.at)}
        </button>
      ),
    },
    {
      head: t('Status'),
      cellClass: (r) => (r.success ? '' : 'error'),
      cell: (r) =>
        r.refused
          ? `${r.status} · ${t('refused')}`
          : `${r.status}${r.attempt_count > 1 ? ` ×${r.attempt_count}` : ''}`,
    },
    { head: t('Model'), cellClass: 'mono', cell: (r) => r.model },
    { head: t('Key'), cell: (r) => r.key_name ?? r.key_id.slice(0, 8) },
    { head: t('Node'), cell: (r) => r.node_name ?? nodeName(r.node_id) },
    {
      head: t('Session'),
      cellClass: 'mono',
      cell: (r) => <span title={r.session_id ?? ''}>{r.session_id?.slice(0, 8) ?? '–'}</span>,
    },
    num(t('Input'), (r) => fmtInt(r.input_tokens)),
    num(t('Output'), (r) => fmtInt(r.output_tokens)),
    num(t('Cost'), (r) => fmtUsd(r.cost_usd)),
    num(t('Duration'), (r) => fmtMs(r.duration_ms)),
  ]
  const page = logs.data.value
  const rows = page?.logs ?? []
  return (
    <section>
      <PageHead title={t('Requests')}>
        <span class="muted small" data-testid="requests-live" data-live={String(live)}>
          {live ? t('Live') : t('Paused: not the newest page')}
        </span>
        <button type="button" class="btn" onClick={() => void logs.reload()}>
          {t('Refresh')}
        </button>
        <button
          type="button"
          class="btn"
          data-testid="csv-export"
          disabled={exporting.busy.value}
          onClick={() => void exportCsv()}
        >
          {exporting.busy.value ? t('Exporting…') : t('Export CSV')}
        </button>
      </PageHead>
      <RequestFilters filter={filter.value} onChange={change} />
      <ErrorBox error={exporting.error.value} />
      {/* A click anywhere on a row opens it; the time cell is its keyboard-reachable button. */}
      <div
        class="request-rows"
        onClick={(e) => {
          const row = (e.target as Element).closest<HTMLElement>('tr[data-request-id]')
          if (row?.dataset.requestId) openId.value = row.dataset.requestId
        }}
      >
        <DataTable
          status={statusOf(logs)}
          rows={rows}
          columns={columns}
          rowKey={(r) => r.request_id}
          rowAttrs={(r) => ({
            'data-testid': 'request-row',
            'data-request-id': r.request_id,
            'data-status': String(r.status),
          })}
          empty={rows.length === 0 && offset.value === 0}
          emptyText={t('No requests match these filters.')}
          testId="request-log"
          footer={
            <Pager
              offset={offset}
              page={PAGE}
              shown={rows.length}
              hasMore={page?.has_more}
              showRange
            />
          }
        />
      </div>
      {openId.value && <RequestDetail id={openId.value} onClose={() => (openId.value = null)} />}
    </section>
  )
}
