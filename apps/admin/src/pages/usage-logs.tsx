import { useSignal } from '@preact/signals'
import type { UsageLog } from '../api/types'
import type { UsageScope } from '../api/usage'
import { DataTable, type Column } from '../components/data-table'
import { Pager } from '../components/pager'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox } from '../components/ui'
import { download, toCsv } from '../csv'
import { fmtInt, fmtMs, fmtTime, fmtUsd } from '../format'
import { t } from '../i18n'
import { CSV_COLUMNS, csvRow, exportEntries } from '../models/request-log'
import { useServices } from '../services'

export type UsageQuery = UsageScope & { model?: string }
const PAGE = 50

/**
 * One record per request, newest first, paged, with a CSV export of the whole filter. The
 * parent keys this component by its query, so a new filter starts again at the first page.
 */
export function UsageLogs({ query }: { query: UsageQuery }) {
  const { api, nodes } = useServices()
  const offset = useSignal(0)
  const exporting = useAction()
  const page = { ...query, limit: PAGE, offset: offset.value }
  const logs = useLoad(() => api.usage.logPage(page), [JSON.stringify(query), offset.value])
  const nodeName = (id: string | null) =>
    id ? (nodes.nodes.value.find((n) => n.id === id)?.name ?? id.slice(0, 8)) : '–'

  const exportCsv = () =>
    exporting.run(async () => {
      const rows = await exportEntries((q) => api.usage.logPage(q), query)
      const csv = toCsv(
        CSV_COLUMNS,
        rows.map((r) => csvRow(r, nodeName)),
      )
      download(`qcc-usage-${new Date().toISOString().slice(0, 19)}.csv`, csv)
    })

  const columns: Column<UsageLog>[] = [
    { head: t('Time'), cell: (r) => fmtTime(r.at) },
    { head: t('Model'), cellClass: 'mono', cell: (r) => r.model ?? '–' },
    { head: t('Node'), cell: (r) => r.node_name ?? nodeName(r.node_id) },
    {
      head: t('Status'),
      cellClass: (r) => (r.success ? '' : 'error'),
      cell: (r) => `${r.status}${r.attempt_count > 1 ? ` ×${r.attempt_count}` : ''}`,
    },
    { head: t('Input'), headClass: 'num', cellClass: 'num', cell: (r) => fmtInt(r.input_tokens) },
    { head: t('Output'), headClass: 'num', cellClass: 'num', cell: (r) => fmtInt(r.output_tokens) },
    { head: t('Cost'), headClass: 'num', cellClass: 'num', cell: (r) => fmtUsd(r.cost_usd) },
    { head: 'TTFB', headClass: 'num', cellClass: 'num', cell: (r) => fmtMs(r.ttfb_ms) },
    { head: t('Duration'), headClass: 'num', cellClass: 'num', cell: (r) => fmtMs(r.duration_ms) },
  ]
  const rows = logs.data.value?.logs ?? []
  return (
    <div>
      <div class="toolbar">
        <button
          type="button"
          class="btn"
          data-testid="csv-export"
          disabled={exporting.busy.value}
          onClick={() => void exportCsv()}
        >
          {exporting.busy.value ? t('Exporting…') : t('Export CSV')}
        </button>
      </div>
      <ErrorBox error={exporting.error.value} />
      <DataTable
        status={statusOf(logs)}
        rows={rows}
        columns={columns}
        rowKey={(r) => r.request_id}
        rowAttrs={() => ({ 'data-testid': 'log-row' })}
        empty={rows.length === 0 && offset.value === 0}
        emptyText={t('No requests in this range.')}
        footer={
          <Pager
            offset={offset}
            page={PAGE}
            shown={rows.length}
            hasMore={logs.data.value?.has_more}
            showRange
          />
        }
      />
    </div>
  )
}
