import { useSignal } from '@preact/signals'
import type { Account } from '../api/types'
import { AccountForm } from '../components/account-form'
import { accountList } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { LimitsForm } from '../components/limits-form'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, OnceSecret, PageHead } from '../components/ui'
import { RuleBadges, WindowBars } from '../components/window-bars'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

export default function AccountsPage() {
  const { api, session } = useServices()
  const editing = useSignal<Account | 'new' | null>(null)
  /** Whose limits are being edited (docs/contract.md §10: they bind all the account's keys). */
  const limiting = useSignal<Account | null>(null)
  const secret = useSignal<{ name: string; key: string } | null>(null)
  const action = useAction()
  const list = useLoad(async () => {
    const accounts = await api.accounts.list()
    accountList.value = accounts
    return accounts
  }, [])
  const remove = (a: Account) => {
    if (!confirm(t('Delete account {name} with its nodes, keys and sessions?', { name: a.name })))
      return
    void action.run(async () => {
      await api.accounts.remove(a.id)
      await list.reload()
    })
  }
  const myId = session.me.value?.id
  const columns: Column<Account>[] = [
    {
      head: t('Name'),
      cell: (a) => (
        <>
          {a.name}
          {a.disabled && <span class="pill disabled">{t('Disabled')}</span>}
        </>
      ),
    },
    { head: t('Role'), cell: (a) => (a.is_admin ? t('Administrator') : t('Tenant')) },
    { head: t('Key'), cellClass: 'mono', cell: (a) => (a.key_prefix ? `${a.key_prefix}…` : '–') },
    {
      head: t('Limits'),
      cellClass: 'limits-cell',
      cell: (a) => (
        <>
          <WindowBars windows={a.windows} compact scope="account" />
          <RuleBadges limits={a.limits} />
        </>
      ),
    },
    { head: t('Created'), cell: (a) => fmtTime(a.created_at) },
    {
      cellClass: 'num',
      cell: (a) => (
        <>
          <button type="button" class="btn small" onClick={() => (editing.value = a)}>
            {t('Edit')}
          </button>{' '}
          <button
            type="button"
            class="btn small"
            data-testid="edit-account-limits"
            onClick={() => (limiting.value = a)}
          >
            {t('Limits')}
          </button>{' '}
          {a.id !== myId && (
            <button type="button" class="btn small danger" onClick={() => remove(a)}>
              {t('Delete')}
            </button>
          )}
        </>
      ),
    },
  ]
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
      <ErrorBox error={action.error.value} />
      <DataTable
        status={statusOf(list)}
        rows={list.data.value ?? []}
        columns={columns}
        rowKey={(a) => a.id}
        rowAttrs={(a) => ({ 'data-testid': 'account-row', 'data-account': a.name })}
        emptyText={t('No accounts.')}
      />
      {limiting.value && (
        <LimitsForm
          title={t('Limits of account {name}', { name: limiting.value.name })}
          limits={limiting.value.limits}
          save={async (patch) => {
            const id = limiting.peek()?.id
            if (id) await api.accounts.setLimits(id, patch)
            await list.reload()
          }}
          onClose={() => (limiting.value = null)}
        />
      )}
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
