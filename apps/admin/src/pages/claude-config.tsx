import { useSignal } from '@preact/signals'
import type { GeneratedClaudeConfig } from '../api/types'
import { AccountSelect } from '../components/account-select'
import { useAction } from '../components/use-action'
import { CopyButton, ErrorBox, PageHead } from '../components/ui'
import { t } from '../i18n'
import { useServices } from '../services'

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

/** Claude Code quick setup: generate a settings.json, preview it, download or install it. */
export default function ClaudeConfigPage() {
  const { api, session } = useServices()
  const account = useSignal(session.me.value?.id ?? '')
  const proxyUrl = useSignal(location.origin)
  const apiKey = useSignal('')
  const newKey = useSignal(false)
  const model = useSignal('')
  const allow = useSignal('')
  const deny = useSignal('')
  const out = useSignal<GeneratedClaudeConfig | null>(null)
  const generating = useAction()
  const os = useSignal<'unix' | 'windows'>('unix')
  const generate = async (e: Event) => {
    e.preventDefault()
    const input = {
      ...(session.isAdmin.value ? { account_id: account.value } : {}),
      proxy_url: proxyUrl.value.trim() || undefined,
      api_key: apiKey.value.trim() || undefined,
      new_key: !apiKey.value.trim() && newKey.value,
      model: model.value.trim() || undefined,
      allow: lines(allow.value),
      deny: lines(deny.value),
    }
    await generating.run(async () => {
      out.value = await api.tools.generateClaudeConfig(input)
    })
  }
  const g = out.value
  return (
    <section>
      <PageHead title={t('Claude Code setup')} />
      <div class="charts">
        <form class="panel form" onSubmit={generate}>
          <AccountSelect
            value={account.value}
            allowAll={false}
            onChange={(id) => (account.value = id)}
          />
          <label>
            {t('Proxy URL')}
            <input
              type="url"
              value={proxyUrl}
              onInput={(e) => (proxyUrl.value = e.currentTarget.value)}
            />
          </label>
          <label>
            {t('Proxy key (blank: placeholder)')}
            <input
              autocomplete="off"
              value={apiKey}
              onInput={(e) => (apiKey.value = e.currentTarget.value)}
            />
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={newKey.value}
              onChange={(e) => (newKey.value = e.currentTarget.checked)}
            />
            {t('Issue a new key for this file')}
          </label>
          <label>
            {t('Model (optional)')}
            <input
              placeholder="claude-sonnet-4-6"
              value={model}
              onInput={(e) => (model.value = e.currentTarget.value)}
            />
          </label>
          <label>
            {t('Allowed tools (one per line)')}
            <textarea
              rows={3}
              placeholder="Bash(npm run test:*)"
              value={allow}
              onInput={(e) => (allow.value = e.currentTarget.value)}
            />
          </label>
          <label>
            {t('Denied tools (one per line)')}
            <textarea
              rows={3}
              placeholder="Read(./.env)"
              value={deny}
              onInput={(e) => (deny.value = e.currentTarget.value)}
            />
          </label>
          <ErrorBox error={generating.error.value} />
          <div class="form-actions">
            <button type="submit" class="btn primary">
              {t('Generate')}
            </button>
          </div>
        </form>
        <div class="panel">
          <h2 class="panel-title">~/.claude/settings.json</h2>
          {!g ? (
            <p class="muted">{t('Fill in the form and generate a file.')}</p>
          ) : (
            <>
              <pre class="preview" data-testid="config-preview">
                {g.config_json}
              </pre>
              <div class="toolbar">
                <CopyButton text={g.config_json} />
                <a class="btn small" href={g.download_url} download="settings.json">
                  {t('Download')}
                </a>
              </div>
              <div class="tabs" role="tablist">
                {(['unix', 'windows'] as const).map((k) => (
                  <button
                    key={k}
                    type="button"
                    role="tab"
                    aria-selected={os.value === k}
                    class={os.value === k ? 'on' : ''}
                    onClick={() => (os.value = k)}
                  >
                    {k === 'unix' ? 'macOS / Linux' : 'Windows PowerShell'}
                  </button>
                ))}
              </div>
              <pre class="preview wrap">{g.install_cmd[os.value]}</pre>
              <div class="toolbar">
                <CopyButton text={g.install_cmd[os.value]} label={t('Copy command')} />
                <span class="muted small">
                  {t('The download link works once, for 10 minutes.')}
                </span>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  )
}
