import { Fragment } from 'preact'
import type { UsageLog } from '../api/types'
import { TraceTimeline } from '../components/trace-timeline'
import { useLoad } from '../components/use-load'
import { ErrorBox, Loading, Modal } from '../components/ui'
import { fmtInt, fmtMs, fmtTime, fmtUsd } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

const yesNo = (v: boolean | null) => (v === null ? '–' : v ? t('Yes') : t('No'))

function Facts({ r }: { r: UsageLog }) {
  const facts: [string, string, string][] = [
    ['status', t('Status'), `${r.status}${r.partial ? ` (${t('partial')})` : ''}`],
    ['time', t('Time'), fmtTime(r.at)],
    ['model', t('Model'), r.model],
    ['upstream-model', t('Upstream model'), r.upstream_model ?? '–'],
    ['key', t('Key'), r.key_name ?? r.key_id],
    ['node', t('Node'), r.node_name ?? r.node_id ?? '–'],
    ['session', t('Session'), r.session_id ?? '–'],
    ['client-ip', t('Client IP'), r.client_ip ?? '–'],
    ['user-agent', t('User agent'), r.user_agent ?? '–'],
    ['stream', t('Stream'), yesNo(r.stream)],
    [
      'tokens',
      t('Tokens'),
      t('{input} in · {output} out · {read} cache read · {write} cache write', {
        input: fmtInt(r.input_tokens),
        output: fmtInt(r.output_tokens),
        read: fmtInt(r.cache_read_input_tokens),
        write: fmtInt(r.cache_creation_input_tokens),
      }),
    ],
    ['cost', t('Cost'), fmtUsd(r.cost_usd)],
    ['timing', t('Duration'), `${fmtMs(r.duration_ms)} (TTFB ${fmtMs(r.ttfb_ms)})`],
    ['request-id', t('Request ID'), r.request_id],
  ]
  if (r.refused)
    facts.splice(1, 0, ['refusal', t('Refused by'), `${r.refused}: ${r.refusal ?? ''}`])
  return (
    <dl class="kv">
      {facts.map(([id, label, value]) => (
        <Fragment key={id}>
          <dt>{label}</dt>
          <dd data-testid={`detail-${id}`} class={id === 'model' ? 'mono' : ''}>
            {value}
          </dd>
        </Fragment>
      ))}
    </dl>
  )
}

/**
 * One request (docs/contract.md §12): who asked and what it cost, and its attempts as a
 * timeline; fetched by id, so a linked `?request=<id>` opens it without the list.
 */
export function RequestDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { api } = useServices()
  const entry = useLoad(() => api.usage.log(id), [id])
  const r = entry.data.value
  return (
    <Modal title={t('Request')} onClose={onClose}>
      <div class="request-detail" data-testid="request-detail" data-request-id={id}>
        <ErrorBox error={entry.error.value} onRetry={entry.reload} />
        {!r && entry.loading.value && <Loading />}
        {r && (
          <>
            <Facts r={r} />
            <h3>{t('Attempts')}</h3>
            <TraceTimeline attempts={r.attempts} />
          </>
        )}
      </div>
    </Modal>
  )
}
