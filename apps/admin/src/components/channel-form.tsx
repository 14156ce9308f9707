import { useSignal } from '@preact/signals'
import type { Channel, ChannelKind, NotifyEventType } from '../api/types'
import { t } from '../i18n'
import { useServices } from '../services'
import { useAction } from './use-action'
import { FormActions, Modal } from './ui'

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
  const save = useAction()
  const submit = async (e: Event) => {
    e.preventDefault()
    const newUrl = url.value.trim()
    const common = {
      name: name.value.trim(),
      ...(secret.value ? { secret: secret.value } : {}),
      enabled: enabled.value,
      // The choices come from the server's own list (`event_types`).
      events: events.value as NotifyEventType[],
    }
    const chosenKind = kind.value as ChannelKind
    const ok = await save.run(() =>
      ch
        ? api.notifications.updateChannel(ch.id, { ...common, ...(newUrl ? { url: newUrl } : {}) })
        : api.notifications.createChannel({ ...common, kind: chosenKind, url: newUrl }),
    )
    if (ok) props.onSaved()
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
        <FormActions error={save.error.value} onCancel={props.onClose} submitLabel={t('Save')} />
      </form>
    </Modal>
  )
}
