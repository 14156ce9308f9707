import { useSignal } from '@preact/signals'
import { ErrorBox, Modal } from '../components/ui'
import { t } from '../i18n'
import { useServices } from '../services'

export interface Channel {
  id: string
  account_id: string
  name: string
  kind: string
  enabled: boolean
  url: string
  has_secret: boolean
  events: string[]
}

export const KIND_LABEL: Record<string, string> = {
  webhook: 'Webhook',
  wechat_work: '企业微信 WeCom',
  dingtalk: '钉钉 DingTalk',
  slack: 'Slack',
}

/** Add or edit a channel. The saved URL is shown masked, so editing with it blank keeps it. */
export function ChannelForm(props: {
  channel?: Channel
  kinds: string[]
  eventTypes: string[]
  onClose: () => void
  onSaved: () => void
}) {
  const { api } = useServices()
  const ch = props.channel
  const name = useSignal(ch?.name ?? '')
  const kind = useSignal(ch?.kind ?? props.kinds[0] ?? 'webhook')
  const url = useSignal('')
  const secret = useSignal('')
  const enabled = useSignal(ch?.enabled ?? true)
  const events = useSignal<string[]>(
    ch?.events ?? props.eventTypes.filter((e) => e.startsWith('node.')),
  )
  const err = useSignal<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    err.value = null
    try {
      const body = {
        name: name.value.trim(),
        ...(ch ? {} : { kind: kind.value }),
        ...(url.value.trim() ? { url: url.value.trim() } : {}),
        ...(secret.value ? { secret: secret.value } : {}),
        enabled: enabled.value,
        events: events.value,
      }
      if (ch) await api.send('PUT', `/admin/api/notifications/channels?id=${ch.id}`, body)
      else await api.send('POST', '/admin/api/notifications/channels', body)
      props.onSaved()
    } catch (error) {
      err.value = error instanceof Error ? error.message : String(error)
    }
  }
  const toggle = (ev: string, on: boolean) =>
    (events.value = on ? [...events.value, ev] : events.value.filter((x) => x !== ev))
  return (
    <Modal title={ch ? t('Edit channel') : t('Add channel')} onClose={props.onClose}>
      <form class="form" onSubmit={submit}>
        <label>
          {t('Name')}
          <input
            name="channel_name"
            required
            value={name}
            onInput={(e) => (name.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {t('Type')}
          <select
            value={kind.value}
            disabled={!!ch}
            onChange={(e) => (kind.value = e.currentTarget.value)}
          >
            {props.kinds.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k] ?? k}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('Webhook URL')}
          <input
            name="channel_url"
            type="url"
            required={!ch}
            placeholder={ch ? `${ch.url} (${t('blank keeps it')})` : 'https://'}
            value={url}
            onInput={(e) => (url.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {t('Signing secret (optional)')}
          <input
            type="password"
            autocomplete="off"
            placeholder={ch?.has_secret ? t('Saved; leave blank to keep it') : ''}
            value={secret}
            onInput={(e) => (secret.value = e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={enabled.value}
            onChange={(e) => (enabled.value = e.currentTarget.checked)}
          />
          {t('Enabled')}
        </label>
        <fieldset class="events">
          <legend>{t('Events')}</legend>
          {props.eventTypes.map((ev) => (
            <label key={ev} class="check">
              <input
                type="checkbox"
                checked={events.value.includes(ev)}
                onChange={(e) => toggle(ev, e.currentTarget.checked)}
              />
              <span class="mono">{ev}</span>
            </label>
          ))}
        </fieldset>
        <ErrorBox error={err.value} />
        <div class="form-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            {t('Cancel')}
          </button>
          <button type="submit" class="btn primary">
            {t('Save')}
          </button>
        </div>
      </form>
    </Modal>
  )
}
