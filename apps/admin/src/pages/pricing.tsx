import { useSignal } from '@preact/signals'
import type { Price } from '../api/types'
import { useLoad } from '../components/use-load'
import { ErrorBox, ListState, Modal, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

const FIELDS = [
  ['input_per_mtok', 'Input'],
  ['output_per_mtok', 'Output'],
  ['cache_write_5m_per_mtok', 'Cache write 5 min'],
  ['cache_write_1h_per_mtok', 'Cache write 1 h'],
  ['cache_read_per_mtok', 'Cache read'],
] as const

function PriceForm(props: { price?: Price; onClose: () => void; onSaved: () => void }) {
  const { api } = useServices()
  const model = useSignal(props.price?.model ?? '')
  const values = useSignal<Record<string, string>>(
    Object.fromEntries(FIELDS.map(([k]) => [k, String(props.price?.[k] ?? '')])),
  )
  const err = useSignal<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      const body: Record<string, unknown> = { model: model.value.trim() }
      for (const [k] of FIELDS) body[k] = Number(values.value[k] || 0)
      await api.send('PUT', '/admin/api/pricing', body)
      props.onSaved()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
  }
  return (
    <Modal title={props.price ? t('Edit price') : t('Add price')} onClose={props.onClose}>
      <form class="form" onSubmit={submit}>
        <label>
          {t('Model id')}
          <input
            required
            readOnly={!!props.price}
            value={model}
            onInput={(e) => (model.value = e.currentTarget.value)}
          />
        </label>
        <div class="row2">
          {FIELDS.map(([k, label]) => (
            <label key={k}>
              {t(label)} ($/MTok)
              <input
                type="number"
                min={0}
                step="any"
                required
                value={values.value[k]}
                onInput={(e) => (values.value = { ...values.value, [k]: e.currentTarget.value })}
              />
            </label>
          ))}
        </div>
        <ErrorBox error={err.value} />
        <div class="form-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            {t('Cancel')}
          </button>
          <button type="submit" class="btn primary">
            {t('Save')}
          </button>
        </div>
      </form>
    </Modal>
  )
}

/** Model prices in USD per million tokens: everyone reads them, admins change them. */
export default function PricingPage() {
  const { api, session } = useServices()
  const editing = useSignal<Price | 'new' | null>(null)
  const err = useSignal<string | null>(null)
  const list = useLoad(
    async () => (await api.get<{ pricing: Price[] }>('/admin/api/pricing')).pricing,
    [],
  )
  const admin = session.isAdmin.value
  const rows = [...(list.data.value ?? [])].sort((a, b) => a.model.localeCompare(b.model))
  return (
    <section>
      <PageHead title={t('Pricing')}>
        {admin && (
          <button type="button" class="btn primary" onClick={() => (editing.value = 'new')}>
            {t('Add price')}
          </button>
        )}
      </PageHead>
      <p class="muted small">
        {t('USD per million tokens. Costs are computed when a request ends.')}
      </p>
      <ErrorBox error={err.value} />
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0}
        emptyText={t('No prices.')}
        onRetry={list.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Model')}</th>
                {FIELDS.map(([k, label]) => (
                  <th key={k} class="num">
                    {t(label)}
                  </th>
                ))}
                <th>{t('Updated')}</th>
                {admin && <th />}
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.model}>
                  <td class="mono">{p.model}</td>
                  {FIELDS.map(([k]) => (
                    <td key={k} class="num">
                      ${p[k]}
                    </td>
                  ))}
                  <td class="small">{fmtTime(p.updated_at)}</td>
                  {admin && (
                    <td class="num">
                      <button type="button" class="btn small" onClick={() => (editing.value = p)}>
                        {t('Edit')}
                      </button>{' '}
                      <button
                        type="button"
                        class="btn small danger"
                        onClick={async () => {
                          if (!confirm(t('Delete the price of {model}?', { model: p.model })))
                            return
                          try {
                            await api.send(
                              'DELETE',
                              `/admin/api/pricing?model=${encodeURIComponent(p.model)}`,
                            )
                            await list.reload()
                          } catch (error) {
                            err.value = error instanceof Error ? error.message : String(error)
                          }
                        }}
                      >
                        {t('Delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListState>
      {editing.value && (
        <PriceForm
          price={editing.value === 'new' ? undefined : editing.value}
          onClose={() => (editing.value = null)}
          onSaved={() => {
            editing.value = null
            void list.reload()
          }}
        />
      )}
    </section>
  )
}
