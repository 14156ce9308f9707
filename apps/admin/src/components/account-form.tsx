import { useSignal } from '@preact/signals'
import type { Account } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'
import { useAction } from './use-action'
import { FormActions, Modal } from './ui'

/** Create an account (its proxy key comes back once) or edit one. */
export function AccountForm(props: {
  account?: Account
  onDone: (key?: string, name?: string) => void
  onClose: () => void
}) {
  const { api } = useServices()
  const a = props.account
  const name = useSignal(a?.name ?? '')
  const password = useSignal('')
  const key = useSignal('')
  const isAdmin = useSignal(a?.is_admin ?? false)
  const disabled = useSignal(a?.disabled ?? false)
  const save = useAction()
  const submit = async (e: Event) => {
    e.preventDefault()
    const body = {
      name: name.value.trim(),
      password: password.value || undefined,
      proxy_api_key: key.value || undefined,
      is_admin: isAdmin.value,
    }
    const wantsDisabled = disabled.value
    await save.run(async () => {
      if (a) {
        await api.accounts.update(a.id, { ...body, disabled: wantsDisabled })
        props.onDone()
      } else {
        const made = await api.accounts.create(body)
        props.onDone(made.proxy_api_key, body.name)
      }
    })
  }
  return (
    <Modal title={a ? t('Edit account') : t('New account')} onClose={props.onClose}>
      <form class="form" onSubmit={submit}>
        <label>
          {t('Name')}
          <input
            name="name"
            required
            value={name}
            onInput={(e) => (name.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {a ? t('New password (blank keeps it)') : t('Password (at least 8 characters)')}
          <input
            name="password"
            type="password"
            autocomplete="new-password"
            minLength={8}
            value={password}
            onInput={(e) => (password.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {a ? t('Replace proxy key (blank keeps it)') : t('Proxy key (blank generates one)')}
          <input
            name="proxy_api_key"
            autocomplete="off"
            value={key}
            onInput={(e) => (key.value = e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={isAdmin.value}
            onChange={(e) => (isAdmin.value = e.currentTarget.checked)}
          />
          {t('Administrator')}
        </label>
        {a && (
          <label class="check">
            <input
              type="checkbox"
              checked={disabled.value}
              onChange={(e) => (disabled.value = e.currentTarget.checked)}
            />
            {t('Disabled (cannot log in or use its keys)')}
          </label>
        )}
        <FormActions
          error={save.error.value}
          onCancel={props.onClose}
          submitLabel={a ? t('Save') : t('Create')}
          busy={save.busy.value}
        />
      </form>
    </Modal>
  )
}
