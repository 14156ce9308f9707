import { useSignal } from '@preact/signals'
import type { ComponentChildren } from 'preact'
import type { Price } from '../api/types'
import { DataTable, type Column } from '../components/data-table'
import { PRICE_FIELDS, PriceForm } from '../components/price-form'
import { UnpricedModels } from '../components/unpriced-models'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** A price being edited, a new one (with the id to fill in, if any), or none. */
type Editing = Price | { new: string } | null

/**
 * Model prices in USD per million tokens: everyone reads them, admins change them and see the
 * ids requests named without a price (docs/contract.md §15).
 */
export default function PricingPage() {
  const { session } = useServices()
  const admin = session.isAdmin.value
  return admin ? <AdminPricing /> : <PricingTable admin={false} />
}

function AdminPricing() {
  const { api } = useServices()
  const unpriced = useLoad(() => api.pricing.unpriced(), [])
  return (
    <PricingTable admin onChanged={() => void unpriced.reload()}>
      {(add) => <UnpricedModels list={unpriced} onAddPrice={add} />}
    </PricingTable>
  )
}

function PricingTable(props: {
  admin: boolean
  onChanged?: () => void
  children?: (addPrice: (model: string) => void) => ComponentChildren
}) {
  const { api } = useServices()
  const editing = useSignal<Editing>(null)
  const action = useAction()
  const list = useLoad(() => api.pricing.list(), [])
  const { admin } = props
  const rows = [...(list.data.value ?? [])].sort((a, b) => a.model.localeCompare(b.model))
  const remove = (p: Price) => {
    if (!confirm(t('Delete the price of {model}?', { model: p.model }))) return
    void action.run(async () => {
      await api.pricing.remove(p.model)
      await list.reload()
      props.onChanged?.()
    })
  }
  const columns: Column<Price>[] = [
    {
      head: t('Model'),
      cellClass: 'mono',
      cell: (p) => (p.model === '*' ? `* (${t('default')})` : p.model),
    },
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
          <button type="button" class="btn primary" onClick={() => (editing.value = { new: '' })}>
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
      {props.children?.((model) => (editing.value = { new: model }))}
      {editing.value && (
        <PriceForm
          price={'new' in editing.value ? undefined : editing.value}
          model={'new' in editing.value ? editing.value.new : undefined}
          onClose={() => (editing.value = null)}
          onSaved={() => {
            editing.value = null
            void list.reload()
            props.onChanged?.()
          }}
        />
      )}
    </section>
  )
}
