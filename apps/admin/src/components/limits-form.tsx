import { useSignal } from '@preact/signals'
import type { LimitName, LimitsPatch, LimitsView } from '../api/limits'
import { t } from '../i18n'
import { fieldLabel } from './limit-labels'
import {
  draftFrom,
  fieldNamed,
  patchFrom,
  validateDraft,
  type DraftErrors,
  type LimitsDraft,
} from './limits-fields'
import { errorMessage } from './use-action'
import { FormActions, Modal } from './ui'

const RATE = ['rpm', 'tpm', 'concurrency'] as const
const SPEND = [
  'cost_5h_usd',
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
  'cost_total_usd',
] as const

/**
 * Edits the limits of a key or an account (docs/contract.md §10): empty is unlimited, mistakes
 * show at their field before anything is sent, and only changed fields go (null removes one).
 * `save` throws to refuse; the server's message shows at the bottom and at the field it names.
 */
export function LimitsForm(props: {
  title: string
  limits: LimitsView | null | undefined
  /** The account's limits when a tenant edits its own key: the key may not exceed them. */
  ceiling?: LimitsView | null
  save: (patch: LimitsPatch | null) => Promise<void>
  onClose: () => void
}) {
  const draft = useSignal<LimitsDraft>(draftFrom(props.limits))
  const errors = useSignal<DraftErrors>({})
  const failure = useSignal<string | null>(null)
  const busy = useSignal(false)

  const send = async (patch: LimitsPatch | null) => {
    busy.value = true
    failure.value = null
    try {
      await props.save(patch)
      props.onClose()
    } catch (err) {
      const message = errorMessage(err)
      failure.value = message
      const field = fieldNamed(message)
      if (field) errors.value = { [field]: message }
    } finally {
      busy.value = false
    }
  }
  const submit = (e: Event) => {
    e.preventDefault()
    const found = validateDraft(draft.value, props.ceiling)
    errors.value = found
    if (Object.keys(found).length) return
    const patch = patchFrom(draft.value, props.limits)
    if (!Object.keys(patch).length) return props.onClose()
    void send(patch)
  }
  const clearAll = () => {
    if (confirm(t('Remove all of these limits?'))) void send(null)
  }

  const field = (name: LimitName, input: 'number' | 'text' | 'list' | 'datetime') => {
    const problem = errors.value[name]
    const attrs = {
      name,
      value: draft.value[name],
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': problem ? `limit-error-${name}` : undefined,
      onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
        draft.value = { ...draft.value, [name]: e.currentTarget.value }
        // The field's old complaint goes once it is edited; the next submit checks it again.
        if (errors.value[name]) errors.value = { ...errors.value, [name]: undefined }
      },
    }
    return (
      <label key={name} data-testid="limit-field" data-field={name}>
        {fieldLabel(name)}
        {input === 'list' ? (
          <textarea rows={3} spellcheck={false} placeholder={t('(unlimited)')} {...attrs} />
        ) : (
          <input
            type={input === 'datetime' ? 'datetime-local' : 'text'}
            inputMode={input === 'number' ? 'decimal' : undefined}
            autocomplete="off"
            placeholder={input === 'datetime' ? undefined : t('(unlimited)')}
            {...attrs}
          />
        )}
        {problem && (
          <span class="field-error" id={`limit-error-${name}`} data-testid="limit-error">
            {problem}
          </span>
        )}
      </label>
    )
  }

  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form class="form limits-form" data-testid="limits-form" onSubmit={submit} noValidate>
        <p class="muted small">{t('Leave a field empty for no limit.')}</p>
        <fieldset class="limits-group">
          <legend>{t('Rate')}</legend>
          {RATE.map((n) => field(n, 'number'))}
        </fieldset>
        <fieldset class="limits-group">
          <legend>{t('Spend')}</legend>
          {SPEND.map((n) => field(n, 'number'))}
        </fieldset>
        <fieldset class="limits-group wide">
          <legend>{t('Access')}</legend>
          {field('models', 'list')}
          {field('ips', 'list')}
        </fieldset>
        <fieldset class="limits-group">
          <legend>{t('Expiry')}</legend>
          {field('expires_at', 'datetime')}
          {field('expires_after_first_use_days', 'number')}
        </fieldset>
        <button
          type="button"
          class="btn small danger"
          data-testid="limits-clear"
          disabled={busy.value}
          onClick={clearAll}
        >
          {t('Remove all limits')}
        </button>
        <FormActions
          error={failure.value}
          onCancel={props.onClose}
          submitLabel={t('Save limits')}
          busy={busy.value}
        />
      </form>
    </Modal>
  )
}
