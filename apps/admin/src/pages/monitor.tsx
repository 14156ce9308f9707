import { useEffect } from 'preact/hooks'
import type { NodeView } from '../api/types'
import { AccountSelect, accountName } from '../components/account-select'
import { HealthTimeline } from '../components/health-timeline'
import { ListState, PageHead, StatusPill } from '../components/ui'
import { fmtInt, fmtMs, fmtPct, fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'
import { SharePanel } from './share-panel'

function NodeCard({ node, showAccount }: { node: NodeView; showAccount: boolean }) {
  const { nodes } = useServices()
  const checks = nodes.health.value[node.id] ?? []
  const last = checks[checks.length - 1]
  const ok = checks.filter((c) => c.ok).length
  const rate = node.requests ? (node.requests - (node.errors ?? 0)) / node.requests : null
  return (
    <article class={`panel monitor-card edge ${node.status}`} data-testid="monitor-card">
      <div class="node-title">
        <strong>{node.name}</strong>
        <StatusPill status={node.status} />
        {node.active && <span class="badge">{t('in use')}</span>}
      </div>
      {showAccount && <span class="muted small">{accountName(node.account_id)}</span>}
      <dl class="node-stats">
        <dt>{t('Requests')}</dt>
        <dd>{fmtInt(node.requests)}</dd>
        <dt>{t('Success')}</dt>
        <dd>{fmtPct(rate)}</dd>
        <dt>{t('Last check')}</dt>
        <dd>{last ? `${fmtMs(last.latency_ms)} · ${fmtTime(last.at)}` : '–'}</dd>
        <dt>{t('Checks passed')}</dt>
        <dd>{checks.length ? fmtPct(ok / checks.length) : '–'}</dd>
      </dl>
      {node.last_error && node.status !== 'healthy' && (
        <div class="error small">{node.last_error}</div>
      )}
      <HealthTimeline checks={checks} />
    </article>
  )
}

/** The wall: every node as a card with live state and its recent health checks. */
export default function MonitorPage() {
  const { nodes, session } = useServices()
  const scope = nodes.accountId.value
  useEffect(() => {
    void nodes.load()
    void nodes.loadHealth()
    // Health history also moves without state changes; refresh the timelines now and then.
    const timer = setInterval(() => void nodes.loadHealth(), 30_000)
    return () => clearInterval(timer)
  }, [scope])
  const c = nodes.counts.value
  const list = nodes.sorted.value
  const requests = list.reduce((s, n) => s + n.requests, 0)
  const errors = list.reduce((s, n) => s + (n.errors ?? 0), 0)
  return (
    <section>
      <PageHead title={t('Monitor')}>
        <AccountSelect value={scope} onChange={(id) => (nodes.accountId.value = id)} />
      </PageHead>
      <div class="kpis">
        <div class="kpi">
          <span class="kpi-label">{t('Success')}</span>
          <span class="kpi-value">{fmtPct(requests ? (requests - errors) / requests : null)}</span>
          <span class="kpi-sub">{t('{n} failed requests', { n: fmtInt(errors) })}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Requests')}</span>
          <span class="kpi-value">{fmtInt(requests)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Online')}</span>
          <span class="kpi-value">{c.healthy}</span>
        </div>
        <div class={`kpi ${c.failed + c.cooling > 0 ? 'bad' : ''}`}>
          <span class="kpi-label">{t('Offline')}</span>
          <span class="kpi-value">{c.failed + c.cooling}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t('Disabled')}</span>
          <span class="kpi-value">{c.disabled}</span>
        </div>
      </div>
      <ListState
        loading={nodes.loading.value}
        loaded={nodes.loaded.value}
        error={nodes.error.value}
        empty={list.length === 0}
        emptyText={t('No nodes yet.')}
        onRetry={() => void nodes.load()}
      >
        <div class="monitor-grid">
          {list.map((n) => (
            <NodeCard key={n.id} node={n} showAccount={session.isAdmin.value && scope === '*'} />
          ))}
        </div>
      </ListState>
      <div style={{ marginTop: '1rem' }}>
        <SharePanel />
      </div>
    </section>
  )
}
