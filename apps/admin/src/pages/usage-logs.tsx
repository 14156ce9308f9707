import { useSignal } from '@preact/signals'
import type { UsageLog } from '../api/types'
import { useLoad } from '../components/use-load'
import { ErrorBox, ListState } from '../components/ui'
import { download, toCsv } from '../csv'
import { fmtInt, fmtMs, fmtTime, fmtUsd } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

export type UsageQuery = Record<string, string | undefined>
const PAGE = 50
/** CSV export pages through the API (max 1000 per call) up to this many rows. */
const CSV_MAX = 20_000

/**
 * One record per request, newest first, paged, with a CSV export of the whole filter. The
 * parent keys this component by its query, so a new filter starts again at the first page.
 */
export function UsageLogs({ query }: { query: UsageQuery }) {
  const { api, nodes } = useServices()
  const offset = useSignal(0)
  const exporting = useSignal(false)
  const err = useSignal<string | null>(null)
  const key = JSON.stringify(query)
  const logs = useLoad(
    async () =>
      (
        await api.get<{ logs: UsageLog[] }>('/admin/api/usage/logs', {
          ...query,
          limit: PAGE,
          offset: offset.value,
        })
      ).logs,
    [key, offset.value],
  )
  const nodeName = (id: string | null) =>
    id ? (nodes.nodes.value.find((n) => n.id === id)?.name ?? id.slice(0, 8)) : '–'

  const exportCsv = async () => {
    exporting.value = true
    err.value = null
    try {
      const rows: UsageLog[] = []
      while (rows.length < CSV_MAX) {
        const page = await api.get<{ logs: UsageLog[] }>('/admin/api/usage/logs', {
          ...query,
          limit: 1000,
          offset: rows.length,
        })
        rows.push(...page.logs)
        if (page.logs.length < 1000) break
      }
      const header = [
        'at',
        'request_id',
        'account_id',
        'key_id',
        'node',
        'model',
        'status',
        'attempts',
      ]
      const more = [
        'input_tokens',
        'output_tokens',
        'cache_creation_input_tokens',
        'cache_read_input_tokens',
      ]
      const tail = ['cost_usd', 'ttfb_ms', 'duration_ms']
      const csv = toCsv(
        [...header, ...more, ...tail],
        rows.map((r) => [
          r.at,
          r.request_id,
          r.account_id,
          r.key_id,
          nodeName(r.node_id),
          r.model,
          r.status,
          r.attempts,
          r.input_tokens,
          r.output_tokens,
          r.cache_creation_input_tokens,
          r.cache_read_input_tokens,
          r.cost_usd,
          r.ttfb_ms,
          r.duration_ms,
        ]),
      )
      download(`qcc-usage-${new Date().toISOString().slice(0, 19)}.csv`, csv)
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    } finally {
      exporting.value = false
    }
  }

  const rows = logs.data.value ?? []
  return (
    <div>
      <div class="toolbar">
        <button
          type="button"
          class="btn"
          data-testid="csv-export"
          disabled={exporting.value}
          onClick={() => void exportCsv()}
        >
          {exporting.value ? t('Exporting…') : t('Export CSV')}
        </button>
      </div>
      <ErrorBox error={err.value} />
      <ListState
        loading={logs.loading.value}
        loaded={logs.data.value !== null}
        error={logs.error.value}
        empty={rows.length === 0 && offset.value === 0}
        emptyText={t('No requests in this range.')}
        onRetry={logs.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Time')}</th>
                <th>{t('Model')}</th>
                <th>{t('Node')}</th>
                <th>{t('Status')}</th>
                <th class="num">{t('Input')}</th>
                <th class="num">{t('Output')}</th>
                <th class="num">{t('Cost')}</th>
                <th class="num">TTFB</th>
                <th class="num">{t('Duration')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.request_id} data-testid="log-row">
                  <td>{fmtTime(r.at)}</td>
                  <td class="mono">{r.model ?? '–'}</td>
                  <td>{nodeName(r.node_id)}</td>
                  <td class={r.success ? '' : 'error'}>
                    {r.status}
                    {r.attempts > 1 ? ` ×${r.attempts}` : ''}
                  </td>
                  <td class="num">{fmtInt(r.input_tokens)}</td>
                  <td class="num">{fmtInt(r.output_tokens)}</td>
                  <td class="num">{fmtUsd(r.cost_usd)}</td>
                  <td class="num">{fmtMs(r.ttfb_ms)}</td>
                  <td class="num">{fmtMs(r.duration_ms)}</td>
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
            onClick={() => (offset.value = Math.max(0, offset.value - PAGE))}
          >
            {t('Previous')}
          </button>
          <span class="muted small">
            {t('Rows {a}–{b}', { a: offset.value + 1, b: offset.value + rows.length })}
          </span>
          <button
            type="button"
            class="btn small"
            disabled={rows.length < PAGE}
            onClick={() => (offset.value = offset.value + PAGE)}
          >
            {t('Next')}
          </button>
        </div>
      </ListState>
    </div>
  )
}
