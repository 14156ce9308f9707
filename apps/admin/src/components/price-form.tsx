import { useSignal } from '@preact/signals'
import type { Price, PriceInput } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'
import { useAction } from './use-action'
import { FormActions, Modal } from './ui'

/** The prices of a model, in USD per million tokens, with their English labels. */
export const PRICE_FIELDS = [
  ['input_per_mtok', 'Input'],
  ['output_per_mtok', 'Output'],
  ['cache_write_5m_per_mtok', 'Cache write 5 min'],
  ['cache_write_1h_per_mtok', 'Cache write 1 h'],
  ['cache_read_per_mtok', 'Cache read'],
] as const

/**
 * Add a model's prices or edit them (the model id is the key, so it stays). `model` fills in the
 * id of a new price (one seen without a price).
 */
export function PriceForm(props: {
  price?: Price
  model?: string
  onClose: () => void
  onSaved: () => void
}) {
  const { api } = useServices()
  const model = useSignal(props.price?.model ?? props.model ?? '')
  const values = useSignal<Record<string, string>>(
    Object.fromEntries(PRICE_FIELDS.map(([k]) => [k, String(props.price?.[k] ?? '')])),
  )
  const save = useAction()
  const submit = async (e: Event) => {
    e.preventDefault()
    const input: Record<string, unknown> = { model: model.value.trim() }
    for (const [k] of PRICE_FIELDS) input[k] = Number(values.value[k] || 0)
    const ok = await save.run(() => api.pricing.save(input as PriceInput))
    if (ok) props.onSaved()
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
          <span class="muted small">
            {t(
              '* is the default row: it prices every id without a price of its own or of its family.',
            )}
          </span>
        </label>
        <div class="row2">
          {PRICE_FIELDS.map(([k, label]) => (
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
        <FormActions error={save.error.value} onCancel={props.onClose} submitLabel={t('Save')} />
      </form>
    </Modal>
  )
}
