import { useSignal } from '@preact/signals'
import type { Price } from '../api/types'
import { DataTable, type Column } from '../components/data-table'
import { PRICE_FIELDS, PriceForm } from '../components/price-form'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Model prices in USD per million tokens: everyone reads them, admins change them. */
export default function PricingPage() {
  const { api, session } = useServices()
  const editing = useSignal<Price | 'new' | null>(null)
  const action = useAction()
  const list = useLoad(() => api.pricing.list(), [])
  const admin = session.isAdmin.value
  const rows = [...(list.data.value ?? [])].sort((a, b) => a.model.localeCompare(b.model))
  const remove = (p: Price) => {
    if (!confirm(t('Delete the price of {model}?', { model: p.model }))) return
    void action.run(async () => {
      await api.pricing.remove(p.model)
      await list.reload()
    })
  }
  const columns: Column<Price>[] = [
    { head: t('Model'), cellClass: 'mono', cell: (p) => p.model },
    ...PRICE_FIELDS.map(([k, label]): Column<Price> => ({
      head: t(label),
      headClass: 'num',
      cellClass: 'num',
      cell: (p) => `$${p[k]}`,
    })),
    { head: t('Updated'), cellClass: 'small', cell: (p) => fmtTime(p.updated_at) },
  ]
  if (admin) {
    columns.push({
      cellClass: 'num',
      cell: (p) => (
        <>
          <button type="button" class="btn small" onClick={() => (editing.value = p)}>
            {t('Edit')}
          </button>{' '}
          <button type="button" class="btn small danger" onClick={() => remove(p)}>
            {t('Delete')}
          </button>
        </>
      ),
    })
  }
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
      <ErrorBox error={action.error.value} />
      <DataTable
        status={statusOf(list)}
        rows={rows}
        columns={columns}
        rowKey={(p) => p.model}
        emptyText={t('No prices.')}
      />
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
