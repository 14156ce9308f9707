import { useSignal } from '@preact/signals'
import type { NodeInput, NodeView } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'
import { AccountSelect } from './account-select'
import { NodePolicyFields } from './node-policy-fields'
import { policyBody, policyDraft } from './node-policy-model'
import { FormActions, Modal } from './ui'

/**
 * Add or edit a node. Editing with a blank key keeps the saved key (it is never sent back). A
 * tenant editing a managed node sees its URL, key, health check and policies read-only
 * (docs/contract.md §9). Saved extra header values are never shown and are kept unless retyped.
 */
export function NodeForm(props: { node?: NodeView; onClose: () => void }) {
  const { nodes, session } = useServices()
  const n = props.node
  const locked = n?.managed === true && !session.isAdmin.value
  const name = useSignal(n?.name ?? '')
  const baseUrl = useSignal(n?.base_url ?? '')
  const apiKey = useSignal('')
  const weight = useSignal(String(n?.weight ?? 1))
  const method = useSignal<string>(n?.health_check_method ?? 'api')
  const model = useSignal(n?.health_check_model ?? '')
  const account = useSignal(session.me.value?.id ?? '')
  const policy = useSignal(policyDraft(n))
  const busy = useSignal(false)
  const err = useSignal<string | null>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    const w = Number(weight.value)
    if (!Number.isInteger(w) || w < 1) {
      err.value = t('Weight must be a whole number of at least 1.')
      return
    }
    const policies = policyBody(policy.value)
    if ('error' in policies) {
      err.value = policies.error
      return
    }
    const newName = name.value.trim() || undefined
    const full: NodeInput = {
      ...policies.body,
      name: newName,
      base_url: baseUrl.value.trim(),
      weight: w,
      health_check_method: method.value as NodeInput['health_check_method'],
      health_check_model: model.value.trim() || null,
      ...(apiKey.value ? { api_key: apiKey.value } : {}),
    }
    const accountId = account.value
    busy.value = true
    // Managed nodes: the owner may only rename and reweight.
    const ok = n
      ? await nodes.update(n.id, locked ? { name: newName, weight: w } : full)
      : await nodes.add(full, accountId)
    busy.value = false
    if (ok) props.onClose()
    else err.value = nodes.error.peek()
  }

  return (
    <Modal title={n ? t('Edit node') : t('Add node')} onClose={props.onClose}>
      <form class="form" onSubmit={submit}>
        {!n && (
          <AccountSelect
            value={account.value}
            allowAll={false}
            onChange={(id) => (account.value = id)}
          />
        )}
        <label>
          {t('Name')}
          <input name="name" value={name} onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        {locked && (
          <p class="muted small" data-testid="managed-note">
            {t('Managed by an admin: its URL, key and health check are read-only.')}
          </p>
        )}
        <label>
          {t('Base URL')}
          <input
            name="base_url"
            type="url"
            required
            placeholder="https://api.anthropic.com"
            readOnly={locked}
            value={baseUrl}
            onInput={(e) => (baseUrl.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {t('Upstream API key')}
          <input
            name="api_key"
            type="password"
            autocomplete="off"
            readOnly={locked}
            placeholder={n?.has_api_key ? t('Leave blank to keep the saved key') : 'sk-ant-…'}
            value={apiKey}
            onInput={(e) => (apiKey.value = e.currentTarget.value)}
          />
        </label>
        <div class="row2">
          <label>
            {t('Weight (lower = tried first)')}
            <input
              name="weight"
              type="number"
              min={1}
              step={1}
              value={weight}
              onInput={(e) => (weight.value = e.currentTarget.value)}
            />
          </label>
          <label>
            {t('Health check')}
            <select
              name="health_check_method"
              disabled={locked}
              value={method.value}
              onChange={(e) => (method.value = e.currentTarget.value)}
            >
              <option value="api">API</option>
              <option value="head">HEAD</option>
              <option value="cli">CLI</option>
            </select>
          </label>
        </div>
        <label>
          {t('Health check model (optional)')}
          <input
            name="health_check_model"
            readOnly={locked}
            value={model}
            onInput={(e) => (model.value = e.currentTarget.value)}
          />
        </label>
        <NodePolicyFields draft={policy} locked={locked} />
        <FormActions
          error={err.value}
          onCancel={props.onClose}
          submitLabel={t('Save')}
          busy={busy.value}
        />
      </form>
    </Modal>
  )
}
