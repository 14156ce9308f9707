import { useSignal } from '@preact/signals'
import type { Account } from '../api/types'
import { accountList } from '../components/account-select'
import { useLoad } from '../components/use-load'
import { ErrorBox, ListState, Modal, OnceSecret, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

function AccountForm(props: {
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
  const err = useSignal<string | null>(null)
  const busy = useSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    busy.value = true
    err.value = null
    try {
      const body = {
        name: name.value.trim(),
        password: password.value || undefined,
        proxy_api_key: key.value || undefined,
        is_admin: isAdmin.value,
        ...(a ? { disabled: disabled.value } : {}),
      }
      if (a) {
        await api.send('PUT', `/admin/api/accounts?id=${encodeURIComponent(a.id)}`, body)
        props.onDone()
      } else {
        const made = await api.send<{ proxy_api_key: string }>('POST', '/admin/api/accounts', body)
        props.onDone(made.proxy_api_key, body.name)
      }
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    } finally {
      busy.value = false
    }
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
        <ErrorBox error={err.value} />
        <div class="form-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            {t('Cancel')}
          </button>
          <button type="submit" class="btn primary" disabled={busy.value}>
            {a ? t('Save') : t('Create')}
          </button>
        </div>
      </form>
    </Modal>
  )
}

export default function AccountsPage() {
  const { api, session } = useServices()
  const editing = useSignal<Account | 'new' | null>(null)
  const secret = useSignal<{ name: string; key: string } | null>(null)
  const err = useSignal<string | null>(null)
  const list = useLoad(async () => {
    const r = await api.get<{ accounts: Account[] }>('/admin/api/accounts')
    accountList.value = r.accounts
    return r.accounts
  }, [])
  const rows = list.data.value ?? []
  const remove = async (a: Account) => {
    if (!confirm(t('Delete account {name} with its nodes, keys and sessions?', { name: a.name })))
      return
    try {
      await api.send('DELETE', `/admin/api/accounts?id=${encodeURIComponent(a.id)}`)
      await list.reload()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
  }
  return (
    <section>
      <PageHead title={t('Accounts')}>
        <button type="button" class="btn primary" onClick={() => (editing.value = 'new')}>
          {t('New account')}
        </button>
      </PageHead>
      {secret.value && (
        <OnceSecret
          label={t('Proxy key of {name}:', { name: secret.value.name })}
          value={secret.value.key}
        />
      )}
      <ErrorBox error={err.value} />
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0}
        emptyText={t('No accounts.')}
        onRetry={list.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Name')}</th>
                <th>{t('Role')}</th>
                <th>{t('Key')}</th>
                <th>{t('Created')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="account-row" data-account={a.name}>
                  <td>
                    {a.name}
                    {a.disabled && <span class="pill disabled">{t('Disabled')}</span>}
                  </td>
                  <td>{a.is_admin ? t('Administrator') : t('Tenant')}</td>
                  <td class="mono">{a.key_prefix ? `${a.key_prefix}…` : '–'}</td>
                  <td>{fmtTime(a.created_at)}</td>
                  <td class="num">
                    <button type="button" class="btn small" onClick={() => (editing.value = a)}>
                      {t('Edit')}
                    </button>{' '}
                    {a.id !== session.me.value?.id && (
                      <button type="button" class="btn small danger" onClick={() => void remove(a)}>
                        {t('Delete')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListState>
      {editing.value && (
        <AccountForm
          account={editing.value === 'new' ? undefined : editing.value}
          onClose={() => (editing.value = null)}
          onDone={(key, name) => {
            if (key) secret.value = { name: name ?? '', key }
            editing.value = null
            void list.reload()
          }}
        />
      )}
    </section>
  )
}
