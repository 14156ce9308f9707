/**
 * docs/contract.md §13 in a real Chromium: the settings page edits the account's sticky policy
 * and TTFB break, in English and in Chinese. Needs the built console
 * (`pnpm --filter @qcc/admin build`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { loggedIn, type AdminClient } from './admin-harness'
import { launchBrowser, login, openPage, until, visit } from './console-harness'
import { startTestQcc } from './start-qcc'

let qcc: RunningQcc
let browser: Browser
let page: Page
let api: AdminClient

beforeAll(async () => {
  qcc = await startTestQcc()
  api = await loggedIn(qcc, 'admin', 'admin123')
  browser = await launchBrowser()
  page = await openPage(browser)
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
})

const config = async () => (await api.get('/admin/api/config')).json

describe('console: sticky settings', () => {
  it('sets cost_first and a TTFB break, then unsets them', async () => {
    await login(page, qcc.url, 'admin', 'admin123')
    await visit(page, '/admin/settings')
    const policy = page.getByLabel('Sticky policy')
    const ttfb = page.getByLabel('Drop a binding above this median TTFB (ms)')
    await policy.waitFor()
    expect(await ttfb.getAttribute('placeholder')).toBe('Inherited: never')
    await expect.poll(() => page.getByText(/cost_first moves it back/).count()).toBe(1)
    await policy.selectOption('cost_first')
    await ttfb.fill('4500')
    await page.click('form.panel button[type=submit]:has-text("Save")')
    await until(
      'the settings to be saved',
      async () => (await config()).sticky_policy === 'cost_first',
    )
    expect((await config()).overrides).toMatchObject({
      sticky_policy: 'cost_first',
      sticky_break_ttfb_ms: 4500,
    })
    await policy.selectOption('')
    await ttfb.fill('')
    await page.click('form.panel button[type=submit]:has-text("Save")')
    await until(
      'the settings to be unset',
      async () => (await config()).overrides.sticky_policy === null,
    )
    expect((await config()).overrides.sticky_break_ttfb_ms).toBeNull()
  })

  it('shows the fields in Chinese', async () => {
    const zh = await openPage(browser, { lang: 'zh' })
    try {
      await login(zh, qcc.url, 'admin', 'admin123')
      await visit(zh, '/admin/settings')
      await zh.getByLabel('粘滞策略').waitFor()
      expect(await zh.getByText(/首字节时间中位数/).count()).toBe(1)
    } finally {
      await zh.context().close()
    }
  })
})
