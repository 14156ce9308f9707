import { useSignal } from '@preact/signals'
import type { ShareLink } from '../api/types'
import { AccountSelect, accountName } from '../components/account-select'
import { DataTable, type Column } from '../components/data-table'
import { useAction } from '../components/use-action'
import { statusOf, useLoad } from '../components/use-load'
import { ErrorBox, OnceSecret } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

const EXPIRY = [
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['168h', '7 days'],
  ['permanent', 'Never'],
] as const

function linkState(s: ShareLink): 'revoked' | 'expired' | 'valid' {
  if (s.revoked_at) return 'revoked'
  if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) return 'expired'
  return 'valid'
}

/** Public read-only links to the monitor: the URL is shown once, then listed by prefix. */
export function SharePanel() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const expiry = useSignal('24h')
  const created = useSignal<string | null>(null)
  const action = useAction()
  const list = useLoad(() => api.shares.list(), [])
  const admin = session.isAdmin.value
  const create = async (e: Event) => {
    e.preventDefault()
    const input = {
      expires_in: expiry.value as (typeof EXPIRY)[number][0],
      ...(admin ? { account_id: account.value } : {}),
    }
    await action.run(async () => {
      created.value = (await api.shares.create(input)).share_url
      await list.reload()
    })
  }
  const revoke = (s: ShareLink) =>
    void action.run(async () => {
      await api.shares.revoke(s.id)
      await list.reload()
    })
  const columns: Column<ShareLink>[] = [
    { head: t('Link'), cellClass: 'mono', cell: (s) => `${s.prefix}…` },
    ...(admin ? [{ head: t('Account'), cell: (s: ShareLink) => accountName(s.account_id) }] : []),
    { head: t('Created'), cell: (s) => fmtTime(s.created_at) },
    { head: t('Expires'), cell: (s) => (s.expires_at ? fmtTime(s.expires_at) : t('Never')) },
    {
      head: t('Status'),
      cell: (s) => {
        const state = linkState(s)
        return (
          <span class={`pill ${state === 'valid' ? 'healthy' : 'disabled'}`}>
            {{ valid: t('Valid'), expired: t('Expired'), revoked: t('Revoked') }[state]}
          </span>
        )
      },
    },
    {
      cellClass: 'num',
      cell: (s) =>
        linkState(s) === 'valid' && (
          <button type="button" class="btn small danger" onClick={() => revoke(s)}>
            {t('Revoke')}
          </button>
        ),
    },
  ]
  return (
    <div class="panel">
      <h2 class="panel-title">{t('Share links')}</h2>
      <form class="toolbar" onSubmit={create}>
        <AccountSelect
          value={account.value}
          allowAll={false}
          onChange={(id) => (account.value = id)}
        />
        <label class="inline">
          <span>{t('Expires after')}</span>
          <select value={expiry.value} onChange={(e) => (expiry.value = e.currentTarget.value)}>
            {EXPIRY.map(([v, label]) => (
              <option key={v} value={v}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn primary" data-testid="create-share">
          {t('Create link')}
        </button>
      </form>
      {created.value && (
        <>
          <OnceSecret label={t('Share link:')} value={created.value} />
          <a href={created.value} target="_blank" rel="noreferrer">
            {t('Open')}
          </a>
        </>
      )}
      <ErrorBox error={action.error.value} />
      <DataTable
        status={statusOf(list)}
        rows={list.data.value ?? []}
        columns={columns}
        rowKey={(s) => s.id}
        emptyText={t('No share links.')}
        panel={false}
      />
    </div>
  )
}
