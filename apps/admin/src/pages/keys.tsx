import { useSignal } from '@preact/signals'
import type { ProxyKey } from '../api/types'
import { AccountSelect } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, OnceSecret, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Proxy keys of one account: listed by prefix, the secret shown once on create and rotate. */
export default function KeysPage() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const name = useSignal('')
  const secret = useSignal<string | null>(null)
  const showRevoked = useSignal(false)
  const action = useAction()
  const scope = () => (session.isAdmin.value ? account.value : undefined)
  const list = useLoad(() => api.keys.list(scope()), [account.value])
  const run = async (fn: () => Promise<void>) => {
    if (await action.run(fn)) await list.reload()
  }
  const create = (e: Event) => {
    e.preventDefault()
    const keyName = name.value.trim() || undefined
    const accountId = scope()
    void run(async () => {
      const made = await api.keys.create(keyName, accountId)
      secret.value = made.key
      name.value = ''
    })
  }
  const rotate = (k: ProxyKey) =>
    void run(async () => {
      secret.value = (await api.keys.rotate(k.id)).key
    })
  const revoke = (k: ProxyKey) => {
    if (confirm(t('Revoke this key? Clients using it stop working.')))
      void run(() => api.keys.revoke(k.id))
  }
  const columns: Column<ProxyKey>[] = [
    { head: t('Name'), cell: (k) => k.name ?? '–' },
    {
      head: t('Key'),
      cellClass: 'mono',
      cell: (k) => <span data-testid="key-prefix">{k.prefix}…</span>,
    },
    { head: t('Created'), cell: (k) => fmtTime(k.created_at) },
    { head: t('Last used'), cell: (k) => fmtTime(k.last_used_at) },
    {
      cellClass: 'num',
      cell: (k) =>
        k.revoked_at ? (
          <span class="pill disabled">{t('Revoked')}</span>
        ) : (
          <>
            <button type="button" class="btn small" onClick={() => rotate(k)}>
              {t('Rotate')}
            </button>{' '}
            <button type="button" class="btn small danger" onClick={() => revoke(k)}>
              {t('Revoke')}
            </button>
          </>
        ),
    },
  ]
  const all = list.data.value ?? []
  const rows = showRevoked.value ? all : all.filter((k) => !k.revoked_at)
  return (
    <section>
      <PageHead title={t('API keys')}>
        <AccountSelect
          value={account.value}
          allowAll={false}
          onChange={(id) => {
            account.value = id
            secret.value = null
          }}
        />
      </PageHead>
      <form class="toolbar" onSubmit={create}>
        <input
          name="key_name"
          placeholder={t('Key name (optional)')}
          aria-label={t('Key name (optional)')}
          value={name}
          onInput={(e) => (name.value = e.currentTarget.value)}
        />
        <button type="submit" class="btn primary">
          {t('Create key')}
        </button>
        <label class="check">
          <input
            type="checkbox"
            checked={showRevoked.value}
            onChange={(e) => (showRevoked.value = e.currentTarget.checked)}
          />
          {t('Show revoked')}
        </label>
      </form>
      {secret.value && <OnceSecret label={t('New proxy key:')} value={secret.value} />}
      <ErrorBox error={action.error.value} />
      <DataTable
        status={statusOf(list)}
        rows={rows}
        columns={columns}
        rowKey={(k) => k.id}
        rowAttrs={() => ({ 'data-testid': 'key-row' })}
        emptyText={t('No keys.')}
      />
    </section>
  )
}
