/**
 * The wire formats of the notification channels: a generic JSON webhook, WeCom (企业微信) and
 * DingTalk group robots, and Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat,
 * Discord's `/slack` endpoint). Pure: building a request and judging an answer.
 */
import { createHmac } from 'node:crypto'

/** Supported channel kinds. `wechat_work` is qcc_plus's name for WeCom. */
export const CHANNEL_KINDS = ['webhook', 'wechat_work', 'dingtalk', 'slack'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

/** What a channel keeps in its (encrypted) config. */
export interface ChannelConfig {
  url: string
  /** DingTalk "加签" secret; for `webhook`, an HMAC-SHA256 key for `x-qcc-signature`. */
  secret?: string
  /** Saved by an admin (or with PROXY_ALLOW_PRIVATE_UPSTREAMS): private addresses allowed. */
  allowPrivate?: boolean
}

/** One message, already rendered. */
export interface NotifyMessage {
  /** Event type, e.g. `node.failed`. */
  event: string
  title: string
  text: string
  accountId: string | null
  data: Record<string, unknown>
  at: string
}

/** Reads a stored config defensively (it is a plain JSON record in the store). */
export function readChannelConfig(raw: Record<string, unknown>): ChannelConfig {
  return {
    url: typeof raw.url === 'string' ? raw.url : '',
    secret: typeof raw.secret === 'string' && raw.secret ? raw.secret : undefined,
    allowPrivate: raw.allowPrivate === true,
  }
}

/** The HTTP request a channel sends for a message. */
export function buildRequest(
  kind: ChannelKind,
  config: ChannelConfig,
  msg: NotifyMessage,
  now: number,
): { url: string; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  let url = config.url
  let payload: unknown
  switch (kind) {
    case 'webhook':
      payload = {
        event: msg.event,
        title: msg.title,
        text: msg.text,
        account_id: msg.accountId,
        data: msg.data,
        at: msg.at,
      }
      break
    case 'wechat_work':
      payload = {
        msgtype: 'markdown',
        markdown: { content: `**${msg.title}**\n> ${msg.event} · ${msg.at}\n\n${msg.text}` },
      }
      break
    case 'dingtalk': {
      payload = {
        msgtype: 'markdown',
        markdown: { title: msg.title, text: `### ${msg.title}\n\n${msg.text}\n\n${msg.at}` },
      }
      if (config.secret) {
        // DingTalk's signed robots: HMAC-SHA256 of "timestamp\nsecret", base64, in the query.
        const sign = createHmac('sha256', config.secret)
          .update(`${now}\n${config.secret}`)
          .digest('base64')
        const u = new URL(url)
        u.searchParams.set('timestamp', String(now))
        u.searchParams.set('sign', sign)
        url = u.toString()
      }
      break
    }
    case 'slack':
      payload = { text: `*${msg.title}*\n${msg.text}` }
      break
  }
  const body = JSON.stringify(payload)
  if (kind === 'webhook' && config.secret) {
    headers['x-qcc-signature'] =
      `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`
  }
  return { url, headers, body }
}

/**
 * Whether the receiver took the message. WeCom and DingTalk answer 200 with `errcode` != 0 on
 * failure (bad key, rate limit), so their body is read too, but only the number is kept: what a
 * delivery records is a status and a class (docs/contract.md §9), never the receiver's text.
 * @returns null when delivered, else why not: `http_<status>`, `http_200 errcode_<n>`,
 *   `http_200 not_json`
 */
export function deliveryProblem(kind: ChannelKind, status: number, body: string): string | null {
  if (status < 200 || status >= 300) return `http_${status}`
  if (kind === 'wechat_work' || kind === 'dingtalk') {
    let parsed: { errcode?: unknown }
    try {
      parsed = JSON.parse(body) as { errcode?: unknown }
    } catch {
      return `http_${status} not_json`
    }
    const code = parsed?.errcode
    if (code !== undefined && code !== 0) {
      return Number.isSafeInteger(code)
        ? `http_${status} errcode_${String(code)}`
        : `http_${status} errcode`
    }
  }
  return null
}
