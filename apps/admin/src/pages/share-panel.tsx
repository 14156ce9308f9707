import { useSignal } from '@preact/signals'
import type { ShareLink } from '../api/types'
import { AccountSelect, accountName } from '../components/account-select'
import { useLoad } from '../components/use-load'
import { ErrorBox, ListState, OnceSecret } from '../components/ui'
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
  const err = useSignal<string | null>(null)
  const list = useLoad(
    async () => (await api.get<{ shares: ShareLink[] }>('/admin/api/shares')).shares,
    [],
  )
  const rows = list.data.value ?? []
  const create = async (e: Event) => {
    e.preventDefault()
    err.value = null
    try {
      const body = {
        expires_in: expiry.value,
        ...(session.isAdmin.value ? { account_id: account.value } : {}),
      }
      const made = await api.send<{ share_url: string }>('POST', '/admin/api/shares', body)
      created.value = made.share_url
      await list.reload()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
  }
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
      <ErrorBox error={err.value} />
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0}
        emptyText={t('No share links.')}
        onRetry={list.reload}
      >
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('Link')}</th>
                {session.isAdmin.value && <th>{t('Account')}</th>}
                <th>{t('Created')}</th>
                <th>{t('Expires')}</th>
                <th>{t('Status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => {
                const state = linkState(s)
                return (
                  <tr key={s.id}>
                    <td class="mono">{s.prefix}…</td>
                    {session.isAdmin.value && <td>{accountName(s.account_id)}</td>}
                    <td>{fmtTime(s.created_at)}</td>
                    <td>{s.expires_at ? fmtTime(s.expires_at) : t('Never')}</td>
                    <td>
                      <span class={`pill ${state === 'valid' ? 'healthy' : 'disabled'}`}>
                        {{ valid: t('Valid'), expired: t('Expired'), revoked: t('Revoked') }[state]}
                      </span>
                    </td>
                    <td class="num">
                      {state === 'valid' && (
                        <button
                          type="button"
                          class="btn small danger"
                          onClick={async () => {
                            try {
                              await api.send(
                                'DELETE',
                                `/admin/api/shares?id=${encodeURIComponent(s.id)}`,
                              )
                              await list.reload()
                            } catch (error) {
                              err.value = error instanceof Error ? error.message : String(error)
                            }
                          }}
                        >
                          {t('Revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </ListState>
    </div>
  )
}
