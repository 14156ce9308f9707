import { useSignal } from '@preact/signals'
import { useEffect, useMemo } from 'preact/hooks'
import type { LimitsView } from '../api/limits'
import type { ProxyKey, RequestEvent } from '../api/types'
import { AccountSelect, accountList } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { LimitsForm } from '../components/limits-form'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { ErrorBox, OnceSecret, PageHead } from '../components/ui'
import { RuleBadges, WindowBars } from '../components/window-bars'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { KeysModel } from '../models/keys'
import { useServices } from '../services'

/**
 * Proxy keys of one account: listed by prefix, the secret shown once on create and rotate, each
 * key's limits editable and its windows live (docs/contract.md §10).
 */
export default function KeysPage() {
  const { api, session, events } = useServices()
  const model = useMemo(() => new KeysModel(api), [api])
  const account = useSignal(session.me.value?.id ?? '')
  const name = useSignal('')
  const secret = useSignal<string | null>(null)
  const showRevoked = useSignal(false)
  const editing = useSignal<ProxyKey | null>(null)
  const action = useAction()
  const isAdmin = session.isAdmin.value
  const scope = isAdmin ? account.value : undefined
  useEffect(() => {
    model.watch(scope)
    const off = events.on((type, data) => {
      if (type === 'request') model.onRequest((data as RequestEvent).account_id)
    })
    return () => {
      off()
      model.unwatch()
    }
  }, [model, events, scope])
  // A tenant may not set a key beyond its account's limits; its own account is the only one
  // it can list. Admins are not held to it.
  const own = useLoad(async () => (isAdmin ? [] : await api.accounts.list()), [isAdmin])
  const ceiling: LimitsView | null | undefined = isAdmin ? undefined : own.data.value?.[0]?.limits

  const run = (fn: () => Promise<unknown>) => void action.run(() => model.act(fn))
  const create = (e: Event) => {
    e.preventDefault()
    const keyName = name.value.trim() || undefined
    run(async () => {
      const made = await api.keys.create(keyName, scope)
      secret.value = made.key
      name.value = ''
    })
  }
  const rotate = (k: ProxyKey) =>
    run(async () => {
      secret.value = (await api.keys.rotate(k.id)).key
    })
  const revoke = (k: ProxyKey) => {
    if (confirm(t('Revoke this key? Clients using it stop working.')))
      run(() => api.keys.revoke(k.id))
  }
  const columns: Column<ProxyKey>[] = [
    { head: t('Name'), cell: (k) => k.name ?? '–' },
    {
      head: t('Key'),
      cellClass: 'mono',
      cell: (k) => <span data-testid="key-prefix">{k.prefix}…</span>,
    },
    {
      head: t('Limits'),
      cellClass: 'limits-cell',
      cell: (k) => (
        <>
          <WindowBars windows={k.windows} compact scope="key" />
          <RuleBadges limits={k.limits} />
          {!Object.keys(k.windows ?? {}).length && !Object.keys(k.limits ?? {}).length && (
            <span class="muted">{t('Unlimited')}</span>
          )}
        </>
      ),
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
            <button
              type="button"
              class="btn small"
              data-testid="edit-limits"
              onClick={() => (editing.value = k)}
            >
              {t('Limits')}
            </button>{' '}
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
  const all = model.keys.value
  const rows = showRevoked.value ? all : all.filter((k) => !k.revoked_at)
  const edited = editing.value
  const accountLimits = accountList.value.find((a) => a.id === scope)?.limits
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
      {isAdmin && accountLimits && Object.keys(accountLimits).length > 0 && (
        <p class="muted small" data-testid="account-limits-note">
          {t('The account has limits of its own, shared by all its keys (see Accounts).')}
        </p>
      )}
      <DataTable
        status={{
          loading: model.loading.value,
          loaded: model.loaded.value,
          error: model.error.value,
          onRetry: model.load,
        }}
        rows={rows}
        columns={columns}
        rowKey={(k) => k.id}
        rowAttrs={(k) => ({ 'data-testid': 'key-row', 'data-key': k.prefix })}
        emptyText={t('No keys.')}
      />
      {edited && (
        <LimitsForm
          title={t('Limits of key {name}', { name: edited.name ?? `${edited.prefix}…` })}
          limits={edited.limits}
          ceiling={ceiling}
          save={(patch) => model.update(edited.id, { limits: patch })}
          onClose={() => (editing.value = null)}
        />
      )}
    </section>
  )
}
