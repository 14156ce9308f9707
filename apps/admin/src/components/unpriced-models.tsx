import type { UnpricedModel } from '../api/types'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { DataTable, type Column } from './data-table'
import { statusOf, type Loaded } from './use-load'

const PRICED_BY_TEXT: Record<UnpricedModel['priced_by'], string> = {
  family: 'its family',
  default: 'the * row',
  none: 'nothing (cost 0)',
}

/**
 * The model ids requests named that have no price of their own (docs/contract.md §15), with how
 * they are priced now and a button to give one a price.
 */
export function UnpricedModels(props: {
  list: Loaded<UnpricedModel[]>
  onAddPrice: (model: string) => void
}) {
  const columns: Column<UnpricedModel>[] = [
    { head: t('Model'), cellClass: 'mono', cell: (m) => m.model },
    { head: t('Requests'), headClass: 'num', cellClass: 'num', cell: (m) => m.requests },
    { head: t('Last seen'), cellClass: 'small', cell: (m) => fmtTime(m.last_seen_at) },
    {
      head: t('Priced by'),
      cellClass: (m) => (m.priced_by === 'none' ? 'error' : undefined),
      cell: (m) => t(PRICED_BY_TEXT[m.priced_by]),
    },
    {
      cellClass: 'num',
      cell: (m) => (
        <button type="button" class="btn small" onClick={() => props.onAddPrice(m.model)}>
          {t('Add price')}
        </button>
      ),
    },
  ]
  return (
    <>
      <h2>{t('Seen without a price')}</h2>
      <p class="muted small">
        {t(
          'Model ids requests named that have no price of their own. Keys with a cost limit are refused for ids priced by nothing.',
        )}
      </p>
      <DataTable
        status={statusOf(props.list)}
        rows={props.list.data.value ?? []}
        columns={columns}
        rowKey={(m) => m.model}
        rowAttrs={(m) => ({ 'data-model': m.model })}
        testId="unpriced-models"
        emptyText={t('Every model id seen has a price.')}
      />
    </>
  )
}
