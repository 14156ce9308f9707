import { useSignal } from '@preact/signals'
import type { ProxyKey } from '../api/types'
import { AccountSelect } from '../components/account-select'
import { useLoad } from '../components/use-load'
import { ErrorBox, ListState, OnceSecret, PageHead } from '../components/ui'
import { fmtTime } from '../format'
import { t } from '../i18n'
import { useServices } from '../services'

/** Proxy keys of one account: listed by prefix, the secret shown once on create and rotate. */
export default function KeysPage() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const name = useSignal('')
  const secret = useSignal<string | null>(null)
  const err = useSignal<string | null>(null)
  const showRevoked = useSignal(false)
  const q = () => (session.isAdmin.value ? `?account_id=${encodeURIComponent(account.value)}` : '')
  const list = useLoad(
    async () => (await api.get<{ keys: ProxyKey[] }>(`/admin/api/keys${q()}`)).keys,
    [account.value],
  )
  const run = async (fn: () => Promise<void>) => {
    err.value = null
    try {
      await fn()
      await list.reload()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
  }
  const create = (e: Event) => {
    e.preventDefault()
    void run(async () => {
      const made = await api.send<{ key: string }>('POST', `/admin/api/keys${q()}`, {
        name: name.value.trim() || undefined,
      })
      secret.value = made.key
      name.value = ''
    })
  }
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
      <ErrorBox error={err.value} />
      <ListState
        loading={list.loading.value}
        loaded={list.data.value !== null}
        error={list.error.value}
        empty={rows.length === 0}
        emptyText={t('No keys.')}
        onRetry={list.reload}
      >
        <div class="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>{t('Name')}</th>
                <th>{t('Key')}</th>
                <th>{t('Created')}</th>
                <th>{t('Last used')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((k) => (
                <tr key={k.id} data-testid="key-row">
                  <td>{k.name ?? '–'}</td>
                  <td class="mono" data-testid="key-prefix">
                    {k.prefix}…
                  </td>
                  <td>{fmtTime(k.created_at)}</td>
                  <td>{fmtTime(k.last_used_at)}</td>
                  <td class="num">
                    {k.revoked_at ? (
                      <span class="pill disabled">{t('Revoked')}</span>
                    ) : (
                      <>
                        <button
                          type="button"
                          class="btn small"
                          onClick={() =>
                            void run(async () => {
                              const r = await api.send<{ key: string }>(
                                'POST',
                                '/admin/api/keys/rotate',
                                { id: k.id },
                              )
                              secret.value = r.key
                            })
                          }
                        >
                          {t('Rotate')}
                        </button>{' '}
                        <button
                          type="button"
                          class="btn small danger"
                          onClick={() => {
                            if (confirm(t('Revoke this key? Clients using it stop working.')))
                              void run(async () => {
                                await api.send('POST', '/admin/api/keys/revoke', { id: k.id })
                              })
                          }}
                        >
                          {t('Revoke')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListState>
    </section>
  )
}
