import { useEffect, useMemo, useRef } from 'preact/hooks'
import { AccountSelect } from '../components/account-select'
import { Chart } from '../components/chart'
import { timeChart } from '../components/chart-options'
import { ErrorBox, Loading, PageHead, StatusPill } from '../components/ui'
import { fmtCompact, fmtMs, fmtPct, fmtUsd } from '../format'
import { t } from '../i18n'
import { align, columns } from '../models/series-data'
import { WINDOWS, type WindowKey } from '../models/usage'
import { lang, theme } from '../prefs'
import { useServices } from '../services'

function Kpi(props: { label: string; value: string; sub?: string; tone?: string; id: string }) {
  return (
    <div class={`kpi ${props.tone ?? ''}`} data-testid={`kpi-${props.id}`}>
      <span class="kpi-label">{props.label}</span>
      <span class="kpi-value">{props.value}</span>
      {props.sub && <span class="kpi-sub">{props.sub}</span>}
    </div>
  )
}

export function DashboardPage() {
  const { nodes, usage } = useServices()
  const scope = nodes.accountId.value
  const win = usage.window.value

  // Nodes first: the usage model draws one latency line per node it finds.
  const refresh = async () => {
    await nodes.load()
    await usage.load()
  }
  // A node added, removed or renamed while the page is open needs its own line.
  const nodeKey = nodes.sorted.value.map((n) => `${n.id}:${n.name}`).join(',')
  const seenKey = useRef(nodeKey)
  useEffect(() => {
    if (seenKey.current === nodeKey) return
    seenKey.current = nodeKey
    void usage.load()
  }, [nodeKey])
  useEffect(() => {
    usage.accountId.value = scope
    void refresh()
    void nodes.loadHealth()
    // Time moves even without traffic; live events cover the rest.
    const timer = setInterval(() => void usage.load(), 30_000)
    return () => clearInterval(timer)
  }, [scope, win])

  const th = theme.value
  const names = usage.perNode.value.map((n) => n.name).join('\u0000')
  const opts = useMemo(() => {
    const nodeSpecs = usage.perNode.value.map((n) => ({ label: n.name, sparse: true }))
    return {
      requests: timeChart(
        [
          { label: t('Requests'), bars: true },
          { label: t('Errors'), color: '#e5484d', bars: true },
        ],
        th,
        (v) => fmtCompact(v),
      ),
      tokens: timeChart([{ label: t('Input tokens') }, { label: t('Output tokens') }], th, (v) =>
        fmtCompact(v),
      ),
      cost: timeChart([{ label: t('Cost'), color: '#30a46c' }], th, (v) => fmtUsd(v)),
      latency: timeChart(nodeSpecs, th, (v) => fmtMs(v)),
      ttfb: timeChart(nodeSpecs, th, (v) => fmtMs(v)),
    }
  }, [th, lang.value, names])

  const points = usage.series.value
  const per = usage.perNode.value
  const data = useMemo(
    () => ({
      requests: columns(points, [(p) => p.requests, (p) => p.errors]),
      tokens: columns(points, [(p) => p.input_tokens, (p) => p.output_tokens]),
      cost: columns(points, [(p) => p.cost_usd]),
      latency: align(
        per.map((n) => n.points),
        (p) => p.avg_duration_ms,
      ),
      ttfb: align(
        per.map((n) => n.points),
        (p) => p.avg_ttfb_ms,
      ),
    }),
    [points, per],
  )

  const tot = usage.totals.value
  const counts = nodes.counts.value
  return (
    <section>
      <PageHead title={t('Dashboard')}>
        <AccountSelect
          value={scope}
          onChange={(id) => {
            nodes.accountId.value = id
          }}
        />
        <div class="segmented" role="group" aria-label={t('Time window')}>
          {(Object.keys(WINDOWS) as WindowKey[]).map((w) => (
            <button
              key={w}
              type="button"
              class={w === win ? 'on' : ''}
              aria-pressed={w === win}
              onClick={() => void usage.setWindow(w)}
            >
              {w}
            </button>
          ))}
        </div>
        <button type="button" class="btn" onClick={() => void refresh()}>
          {t('Refresh')}
        </button>
      </PageHead>
      <ErrorBox error={usage.error.value} onRetry={() => void refresh()} />
      {!tot && usage.loading.value ? (
        <Loading />
      ) : (
        <div class="kpis">
          <Kpi
            id="requests"
            label={t('Requests')}
            value={fmtCompact(tot?.requests)}
            sub={`${t('Success')} ${fmtPct(usage.successRate.value)}`}
          />
          <Kpi
            id="errors"
            label={t('Errors')}
            value={fmtCompact(tot?.errors)}
            tone={tot && tot.errors > 0 ? 'bad' : ''}
          />
          <Kpi
            id="tokens"
            label={t('Tokens')}
            value={fmtCompact(tot ? tot.input_tokens + tot.output_tokens : null)}
            sub={`${t('in')} ${fmtCompact(tot?.input_tokens)} · ${t('out')} ${fmtCompact(tot?.output_tokens)}`}
          />
          <Kpi id="cost" label={t('Cost')} value={fmtUsd(tot?.cost_usd)} />
          <Kpi
            id="latency"
            label={t('Avg latency')}
            value={fmtMs(tot?.avg_duration_ms)}
            sub={`TTFB ${fmtMs(tot?.avg_ttfb_ms)}`}
          />
          <Kpi
            id="nodes"
            label={t('Nodes')}
            value={`${counts.healthy}/${counts.total}`}
            sub={t('{f} failed · {d} disabled', { f: counts.failed, d: counts.disabled })}
            tone={counts.failed > 0 ? 'bad' : ''}
          />
        </div>
      )}
      <div class="charts">
        <figure class="panel" data-testid="chart-requests">
          <figcaption>{t('Requests and errors')}</figcaption>
          <Chart options={opts.requests} data={data.requests} label={t('Requests and errors')} />
        </figure>
        <figure class="panel" data-testid="chart-tokens">
          <figcaption>{t('Tokens')}</figcaption>
          <Chart options={opts.tokens} data={data.tokens} label={t('Tokens')} />
        </figure>
        <figure class="panel" data-testid="chart-cost">
          <figcaption>{t('Cost (USD)')}</figcaption>
          <Chart options={opts.cost} data={data.cost} label={t('Cost (USD)')} />
        </figure>
        <figure class="panel" data-testid="chart-latency">
          <figcaption>{t('Latency per node')}</figcaption>
          <Chart options={opts.latency} data={data.latency} label={t('Latency per node')} />
        </figure>
        <figure class="panel" data-testid="chart-ttfb">
          <figcaption>{t('Time to first byte per node')}</figcaption>
          <Chart options={opts.ttfb} data={data.ttfb} label={t('Time to first byte per node')} />
        </figure>
        <div class="panel">
          <h2 class="panel-title">{t('Nodes')}</h2>
          {nodes.sorted.value.length === 0 ? (
            <p class="muted">{nodes.loaded.value ? t('No nodes yet.') : t('Loading…')}</p>
          ) : (
            <ul class="node-mini">
              {nodes.sorted.value.slice(0, 10).map((n) => (
                <li key={n.id} data-testid="dash-node" data-node={n.name}>
                  <StatusPill status={n.status} />
                  <span class="grow">{n.name}</span>
                  {n.active && <span class="badge">{t('in use')}</span>}
                  <span class="muted">{fmtCompact(n.requests)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  )
}
