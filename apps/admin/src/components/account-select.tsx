import { signal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import type { Account } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'

/** Accounts for admin pickers, fetched once per page load and refreshed by the accounts page. */
export const accountList = signal<Account[]>([], { name: 'accounts.list' })
let fetched = false

export function useAccounts(): Account[] {
  const { api, session } = useServices()
  const isAdmin = session.isAdmin.value
  useEffect(() => {
    if (!isAdmin || fetched) return
    fetched = true
    api.accounts.list().then(
      (accounts) => (accountList.value = accounts),
      () => (fetched = false),
    )
  }, [isAdmin, api])
  return accountList.value
}

/**
 * Admins pick an account (or all of them, `*`); tenants see nothing here, the API pins them
 * to their own account anyway.
 */
export function AccountSelect(props: {
  value: string
  onChange: (id: string) => void
  allowAll?: boolean
  label?: string
}) {
  const { session } = useServices()
  const accounts = useAccounts()
  if (!session.isAdmin.value) return null
  return (
    <label class="inline">
      <span>{props.label ?? t('Account')}</span>
      <select
        value={props.value}
        data-testid="account-select"
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.allowAll !== false && <option value="*">{t('All accounts')}</option>}
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  )
}

export function accountName(id: string): string {
  return accountList.value.find((a) => a.id === id)?.name ?? id.slice(0, 8)
}
