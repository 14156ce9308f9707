/**
 * docs/contract.md §10 in a real Chromium: an admin sets a key's rpm limit in the console's
 * editor, requests through /v1/messages are refused with 429 once it is reached, the keys page
 * shows the window filling live, and the key's holder sees it full on /admin/key without a
 * session (the key kept in memory only). Needs the built console (`pnpm --filter @qcc/admin build`).
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { Browser, Page } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { loggedIn, messages, type AdminClient } from './admin-harness'
import {
  ARTIFACTS,
  launchBrowser,
  login,
  openPage,
  shootBothThemes,
  until,
  visit,
} from './console-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const RPM = 3

let up: FakeUpstream
let qcc: RunningQcc
let browser: Browser
let admin: Page
let api: AdminClient
let secret = ''
let prefix = ''

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'limits-up' })
  qcc = await startTestQcc()
  api = await loggedIn(qcc, 'admin', 'admin123')
  const node = await api.post('/admin/api/nodes', {
    name: 'limits-node',
    base_url: up.url,
    api_key: 'sk-ant-limits-node-0123456789',
  })
  expect(node.status).toBe(201)
  const key = await api.post('/admin/api/keys', { name: 'limited' })
  expect(key.status).toBe(201)
  secret = key.json.key
  prefix = key.json.prefix
  // The node takes traffic after a moment; wait with the admin's own key so that none of the
  // limited key's requests are spent on it.
  await until(
    'the node to take traffic',
    async () => {
      const res = await messages(qcc.url, 'admin', MESSAGE_BODY)
      await res.text()
      return res.status === 200
    },
    15_000,
  )
  browser = await launchBrowser()
  admin = await openPage(browser)
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
  await up?.close()
})

const keyRow = () => admin.locator(`[data-testid=key-row][data-key="${prefix}"]`)
const rpmWindow = (page: Page, scope: string) =>
  page.locator(`[data-scope=${scope}] [data-testid=window][data-window=rpm]`)

describe('console: tenant limits', () => {
  it('refuses a bad value at its field, then saves the rpm limit', async () => {
    await login(admin, qcc.url, 'admin', 'admin123')
    await visit(admin, '/admin/keys')
    await keyRow().waitFor()
    await keyRow().locator('[data-testid=edit-limits]').click()
    await admin.fill('dialog input[name=rpm]', '1.5')
    await admin.fill('dialog textarea[name=ips]', '10.0.0.0/33')
    await admin.click('dialog button[type=submit]')
    await admin.waitForSelector('dialog [data-field=rpm] [data-testid=limit-error]')
    await admin.waitForSelector('dialog [data-field=ips] [data-testid=limit-error]')
    // Nothing was sent: the key is still unlimited.
    const before = await api.get('/admin/api/keys')
    const mine = before.json.keys.find((k: { prefix: string }) => k.prefix === prefix)
    expect(mine.limits ?? {}).toEqual({})

    await admin.fill('dialog input[name=rpm]', String(RPM))
    await admin.fill('dialog textarea[name=ips]', '')
    // The dialog is modal (the theme toggle behind it is inert): one shot, in the page's theme.
    mkdirSync(ARTIFACTS, { recursive: true })
    await admin.screenshot({ path: `${ARTIFACTS}limits-editor-light.png`, fullPage: true })
    await admin.click('dialog button[type=submit]')
    await admin.waitForSelector('[data-testid=limits-form]', { state: 'detached' })
    const after = await api.get('/admin/api/keys')
    const saved = after.json.keys.find((k: { prefix: string }) => k.prefix === prefix)
    expect(saved.limits).toEqual({ rpm: RPM })
    await rpmWindow(admin, 'key').waitFor()
    expect(await rpmWindow(admin, 'key').getAttribute('data-limit')).toBe(String(RPM))
  })

  it('refuses requests with 429 once the rpm limit is reached', async () => {
    // The limit reaches the data path within a moment (docs/contract.md §11): send until refused.
    let refused: Response | undefined
    let served = 0
    for (let i = 0; i < 60 && !refused; i++) {
      const res = await messages(qcc.url, secret, MESSAGE_BODY)
      if (res.status === 429) refused = res
      else {
        expect(res.status).toBe(200)
        await res.text()
        served++
        // Past the limit and still served: give the change a moment (at most ~9 s in all).
        if (served >= RPM) await new Promise((r) => setTimeout(r, 150))
      }
    }
    expect(refused, 'never refused: the rpm limit is not enforced').toBeDefined()
    const body = await refused?.json()
    expect(body).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringContaining(`key rpm limit ${RPM}`) },
    })
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(served).toBeGreaterThanOrEqual(RPM)
  })

  it('shows the window full on the keys page, live', async () => {
    await until(
      'the rpm window to fill on the keys page',
      async () => (await rpmWindow(admin, 'key').getAttribute('data-used')) === String(RPM),
      15_000,
    )
    await shootBothThemes(admin, 'keys-windows')
  })

  it('lets the key holder see its windows on /admin/key, without a session', async () => {
    const holder = await openPage(browser)
    try {
      await holder.goto(`${qcc.url}/admin/key`)
      await holder.fill('input[name=api_key]', 'sk-qcc-not-a-key-0123456789')
      await holder.click('[data-testid=key-form] button[type=submit]')
      await holder.waitForSelector('[data-testid=key-error][data-code=unknown_key]')

      await holder.fill('input[name=api_key]', secret)
      await holder.click('[data-testid=key-form] button[type=submit]')
      await holder.waitForSelector('[data-testid=key-status]')
      expect(await holder.textContent('[data-testid=status-prefix]')).toContain(prefix)
      expect(await holder.textContent('[data-testid=status-name]')).toBe('limited')
      const bar = rpmWindow(holder, 'key')
      expect(await bar.getAttribute('data-used')).toBe(String(RPM))
      expect(await bar.getAttribute('data-limit')).toBe(String(RPM))
      expect(await bar.locator('[role=meter]').getAttribute('aria-valuenow')).toBe(String(RPM))
      expect(await bar.locator('[data-testid=window-left]').textContent()).toContain('0 left')
      expect(await bar.locator('[data-testid=window-resets]').textContent()).toMatch(/resets in/)
      await shootBothThemes(holder, 'key-status')

      // The key is in no field, storage or address once checked.
      expect(await holder.inputValue('input[name=api_key]')).toBe('')
      const kept = await holder.evaluate<string>(
        'JSON.stringify([location.href, Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])',
      )
      expect(kept).not.toContain(secret)
      expect(await holder.content()).not.toContain(secret)

      // 简体中文 too.
      await holder.evaluate("localStorage.setItem('qcc-lang', 'zh')")
      await holder.reload()
      await holder.waitForSelector('input[name=api_key]')
      expect(await holder.locator('[data-testid=key-status]').count()).toBe(0)
      await holder.fill('input[name=api_key]', secret)
      await holder.click('[data-testid=key-form] button[type=submit]')
      await holder.waitForSelector('[data-testid=key-status]')
      expect(await holder.textContent('h1')).toBe('密钥状态')
      expect(
        await rpmWindow(holder, 'key').locator('[data-testid=window-left]').textContent(),
      ).toContain('剩余')
    } finally {
      await holder.context().close()
    }
  })
  it('sets and removes an account limit from the accounts page', async () => {
    await visit(admin, '/admin/accounts')
    const row = admin.locator('[data-testid=account-row][data-account=admin]')
    await row.locator('[data-testid=edit-account-limits]').click()
    await admin.fill('dialog input[name=cost_monthly_usd]', '50')
    await admin.fill('dialog textarea[name=models]', 'claude-sonnet-*\nclaude-haiku-4-5')
    await admin.click('dialog button[type=submit]')
    await admin.waitForSelector('[data-testid=limits-form]', { state: 'detached' })
    const limitsOf = async () =>
      (await api.get('/admin/api/accounts')).json.accounts.find(
        (a: { name: string }) => a.name === 'admin',
      ).limits
    expect(await limitsOf()).toEqual({
      cost_monthly_usd: 50,
      models: ['claude-sonnet-*', 'claude-haiku-4-5'],
    })
    await row.locator('[data-scope=account] [data-window=cost_monthly_usd]').waitFor()

    await row.locator('[data-testid=edit-account-limits]').click()
    admin.once('dialog', (d) => void d.accept())
    await admin.click('dialog [data-testid=limits-clear]')
    await admin.waitForSelector('[data-testid=limits-form]', { state: 'detached' })
    expect(await limitsOf()).toEqual({})
  })
})
