import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import type { NodeView } from '../api/types'
import { AccountSelect, accountName } from '../components/account-select'
import { HealthTimeline } from '../components/health-timeline'
import { ListState, PageHead, StatusPill } from '../components/ui'
import { fmtInt, fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'
import { NodeForm } from '../components/node-form'

type Filter = 'all' | 'healthy' | 'failed' | 'disabled'

function NodeRow(props: {
  node: NodeView
  index: number
  count: number
  showAccount: boolean
  onEdit: () => void
  dragging: { value: string | null }
}) {
  const { nodes, session } = useServices()
  const n = props.node
  const move = (to: number) => void nodes.reorder(n.id, to)
  return (
    <li
      class={`node-row edge ${n.status}`}
      data-testid="node-row"
      data-node={n.name}
      data-status={n.status}
      draggable
      onDragStart={(e) => {
        props.dragging.value = n.id
        e.dataTransfer?.setData('text/plain', n.id)
      }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault()
        const id = props.dragging.value
        props.dragging.value = null
        if (id && id !== n.id) void nodes.reorder(id, props.index)
      }}
    >
      <span class="handle" aria-hidden="true" title={t('Drag to change priority')}>
        ⠿
      </span>
      <div class="node-main">
        <div class="node-title">
          <strong>{n.name}</strong>
          <StatusPill status={n.status} />
          {n.active && <span class="badge">{t('in use')}</span>}
          {props.showAccount && <span class="muted small">{accountName(n.account_id)}</span>}
        </div>
        <div class="muted small mono">{n.base_url}</div>
        {Object.keys(n.extra_headers).length > 0 && (
          // Values come masked from the API (docs/contract.md §13): names and hints only.
          <div class="muted small mono" data-testid="node-headers">
            {Object.entries(n.extra_headers)
              .map(([name, masked]) => `${name}: ${masked}`)
              .join(' · ')}
          </div>
        )}
        {n.last_error && (
          <div class="error small" data-testid="last-error">
            {t('Last error')}: {n.last_error}
          </div>
        )}
        <HealthTimeline checks={nodes.health.value[n.id]} />
      </div>
      <dl class="node-stats">
        <dt>{t('Weight')}</dt>
        <dd>{n.weight}</dd>
        <dt>{t('Requests')}</dt>
        <dd>{fmtInt(n.requests)}</dd>
        <dt>{t('Errors')}</dt>
        <dd>{fmtInt(n.errors ?? 0)}</dd>
        <dt>{t('Last check')}</dt>
        <dd>{fmtTime(n.last_probe_at)}</dd>
      </dl>
      <div class="node-actions">
        <button
          type="button"
          class="btn small ghost"
          aria-label={t('Move up')}
          disabled={props.index === 0}
          onClick={() => move(props.index - 1)}
        >
          ↑
        </button>
        <button
          type="button"
          class="btn small ghost"
          aria-label={t('Move down')}
          disabled={props.index === props.count - 1}
          onClick={() => move(props.index + 1)}
        >
          ↓
        </button>
        {!n.active && !n.disabled && (
          <button
            type="button"
            class="btn small"
            onClick={() => void nodes.command('activate', n.id)}
          >
            {t('Activate')}
          </button>
        )}
        <button
          type="button"
          class="btn small"
          onClick={() => void nodes.command(n.disabled ? 'enable' : 'disable', n.id)}
        >
          {n.disabled ? t('Enable') : t('Disable')}
        </button>
        <button type="button" class="btn small" onClick={props.onEdit}>
          {t('Edit')}
        </button>
        {!(n.managed && !session.isAdmin.value) && (
          <button
            type="button"
            class="btn small danger"
            onClick={() => {
              if (confirm(t('Delete node {name}?', { name: n.name }))) void nodes.remove(n.id)
            }}
          >
            {t('Delete')}
          </button>
        )}
      </div>
    </li>
  )
}

export default function NodesPage() {
  const { nodes, session } = useServices()
  const editing = useSignal<NodeView | 'new' | null>(null)
  const filter = useSignal<Filter>('all')
  const search = useSignal('')
  const dragging = useSignal<string | null>(null)
  const scope = nodes.accountId.value
  useEffect(() => {
    void nodes.load()
    void nodes.loadHealth()
  }, [scope])

  const q = search.value.trim().toLowerCase()
  const list = nodes.sorted.value
  const shown = list.filter(
    (n) =>
      (filter.value === 'all' ||
        n.status === filter.value ||
        (filter.value === 'failed' && n.status === 'cooling')) &&
      (!q || n.name.toLowerCase().includes(q) || n.base_url.toLowerCase().includes(q)),
  )
  return (
    <section>
      <PageHead title={t('Nodes')}>
        <AccountSelect value={scope} onChange={(id) => (nodes.accountId.value = id)} />
        <button type="button" class="btn" onClick={() => void nodes.load()}>
          {t('Refresh')}
        </button>
        <button type="button" class="btn primary" onClick={() => (editing.value = 'new')}>
          {t('Add node')}
        </button>
      </PageHead>
      <div class="toolbar">
        <input
          type="search"
          placeholder={t('Search name or URL')}
          aria-label={t('Search name or URL')}
          value={search}
          onInput={(e) => (search.value = e.currentTarget.value)}
        />
        <div class="segmented" role="group" aria-label={t('Filter')}>
          {(['all', 'healthy', 'failed', 'disabled'] as Filter[]).map((f) => (
            <button
              key={f}
              type="button"
              class={filter.value === f ? 'on' : ''}
              aria-pressed={filter.value === f}
              onClick={() => (filter.value = f)}
            >
              {t({ all: 'All', healthy: 'Healthy', failed: 'Failed', disabled: 'Disabled' }[f])}
            </button>
          ))}
        </div>
      </div>
      <p class="muted small">
        {t('Lower weight is tried first. Drag rows or use the arrows to reorder.')}
      </p>
      <ListState
        loading={nodes.loading.value}
        loaded={nodes.loaded.value}
        error={nodes.error.value}
        empty={shown.length === 0}
        emptyText={
          list.length === 0 ? t('No nodes yet. Add one to start routing.') : t('No node matches.')
        }
        onRetry={() => void nodes.load()}
      >
        <ol class="node-list">
          {shown.map((n) => (
            <NodeRow
              key={n.id}
              node={n}
              index={list.indexOf(n)}
              count={list.length}
              showAccount={session.isAdmin.value && scope === '*'}
              onEdit={() => (editing.value = n)}
              dragging={dragging}
            />
          ))}
        </ol>
      </ListState>
      {editing.value && (
        <NodeForm
          node={editing.value === 'new' ? undefined : editing.value}
          onClose={() => (editing.value = null)}
        />
      )}
    </section>
  )
}
