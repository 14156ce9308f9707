/**
 * docs/contract.md §15 in a real Chromium: the pricing page lists a model id requests named
 * without a price, an admin gives it one from there and it leaves the list; the request log's CSV
 * export turns a model id that reads as a formula into text. Needs the built console
 * (`pnpm --filter @qcc/admin build`).
 */
import { readFile } from 'node:fs/promises'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { launchBrowser, login, openPage, shootBothThemes, until, visit } from './console-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let upstream: FakeUpstream
let qcc: RunningQcc
let browser: Browser
let secret: string

const UNPRICED = 'relay-console-model'
const FORMULA = '=HYPERLINK("http://evil","click")'

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: 'sk-ant-console' })
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  secret = (await qcc.store.createProxyKey({ accountId: account.id, name: 'console' })).secret
  for (const model of [UNPRICED, UNPRICED, FORMULA]) {
    const res = await fetch(`${qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ ...MESSAGE_BODY, model }),
    })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
  }
  await qcc.store.usageWriter.flush()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
  await upstream?.close()
})

describe('console: prices for every model id (docs/contract.md §15)', () => {
  let page: Page

  it('lists the ids seen without a price, with their request counts', async () => {
    page = await openPage(browser)
    await login(page, qcc.url, 'admin', 'admin123')
    await visit(page, '/admin/pricing')
    const row = page.locator(`[data-testid=unpriced-models] tr[data-model="${UNPRICED}"]`)
    await row.waitFor()
    const cells = await row.locator('td').allInnerTexts()
    expect(cells[0]).toBe(UNPRICED)
    expect(cells[1]).toBe('2')
    expect(cells[3]).toBe('nothing (cost 0)')
    // Shown as text, never as markup or a link.
    await page
      .locator(`[data-testid=unpriced-models] tr[data-model=${JSON.stringify(FORMULA)}]`)
      .waitFor()
    expect(await page.locator('[data-testid=unpriced-models] a').count()).toBe(0)
    await shootBothThemes(page, 'pricing-unpriced')
  })

  it('adds a price from the list, and the id leaves it', async () => {
    const row = page.locator(`[data-testid=unpriced-models] tr[data-model="${UNPRICED}"]`)
    await row.locator('button', { hasText: 'Add price' }).click()
    const form = page.locator('form.form')
    expect(await form.locator('input').first().inputValue()).toBe(UNPRICED)
    const numbers = form.locator('input[type=number]')
    for (let i = 0; i < (await numbers.count()); i++) await numbers.nth(i).fill('1.5')
    await form.locator('button[type=submit]').click()
    await row.waitFor({ state: 'detached' })
    await page.locator('td.mono', { hasText: UNPRICED }).waitFor()
    // The data path prices it by the new row from its next request on.
    await until('the new price reaches the data path', async () => {
      const res = await fetch(`${qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': secret },
        body: JSON.stringify({ ...MESSAGE_BODY, model: UNPRICED }),
      })
      await res.arrayBuffer()
      await qcc.store.usageWriter.flush()
      const entry = await qcc.store.usageLog(res.headers.get('x-qcc-request-id') ?? '')
      return entry?.pricedBy === 'table'
    })
  })

  it("exports a model id that reads as a formula as text (a leading ')", async () => {
    const tenant = await openPage(browser)
    await login(tenant, qcc.url, 'default', 'default123')
    await visit(tenant, '/admin/requests')
    await tenant.locator('[data-testid=request-row]').first().waitFor()
    const [download] = await Promise.all([
      tenant.waitForEvent('download'),
      tenant.click('[data-testid=csv-export]'),
    ])
    const text = await readFile(await download.path(), 'utf8')
    expect(text).toContain(`,"'=HYPERLINK(""http://evil"",""click"")",`)
    // No cell of the file begins with a formula character.
    expect(text).not.toMatch(/(^|,)"?[=+@\t]/m)
    await tenant.context().close()
  })
})
