import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { Browser } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { loggedIn } from './admin-harness'
import { launchBrowser, login, openPage, until, visit } from './console-harness'
import { startTestQcc } from './start-qcc'

// docs/contract.md §9 in the console: a tenant's managed node shows its URL, key and health check read-only
// and offers no delete; an admin keeps every control.
let up: FakeUpstream
let qcc: RunningQcc
let browser: Browser

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'console-managed-up' })
  qcc = await startTestQcc({
    UPSTREAM_BASE_URL: up.url,
    UPSTREAM_API_KEY: 'sk-ant-console-managed-0123456789',
  })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
  await up?.close()
})

describe('console: managed nodes', () => {
  it('H1: a tenant edits only name and weight of the env node and cannot delete it', async () => {
    const page = await openPage(browser)
    await login(page, qcc.url, 'default', 'default123')
    await visit(page, '/admin/nodes')
    const row = page.locator('[data-testid=node-row][data-node=default]')
    await row.waitFor()
    expect(await row.locator('button:has-text("Delete")').count()).toBe(0)
    await row.locator('button:has-text("Edit")').click()
    await page.waitForSelector('dialog [data-testid=managed-note]')
    for (const field of ['base_url', 'api_key', 'health_check_model']) {
      expect(
        await page.locator(`dialog input[name=${field}]`).getAttribute('readonly'),
        field,
      ).toBe('')
    }
    expect(await page.locator('dialog select[name=health_check_method]').isDisabled()).toBe(true)
    await page.fill('dialog input[name=name]', 'renamed-in-console')
    await page.fill('dialog input[name=weight]', '3')
    await page.click('dialog button[type=submit]')
    await page.locator('[data-testid=node-row][data-node=renamed-in-console]').waitFor()
    const api = await loggedIn(qcc, 'default', 'default123')
    const [node] = (await api.get('/admin/api/nodes')).json.nodes
    expect(node).toMatchObject({ name: 'renamed-in-console', weight: 3, base_url: up.url })
    await page.context().close()
  })

  it('H1: an admin sees the managed node with its delete button and editable URL', async () => {
    const page = await openPage(browser)
    await login(page, qcc.url, 'admin', 'admin123')
    await visit(page, '/admin/nodes')
    await page.selectOption('[data-testid=account-select]', '*')
    const row = page.locator('[data-testid=node-row][data-node=renamed-in-console]')
    await until('the tenant node listed', async () => (await row.count()) === 1)
    expect(await row.locator('button:has-text("Delete")').count()).toBe(1)
    await row.locator('button:has-text("Edit")').click()
    await page.waitForSelector('dialog input[name=base_url]')
    expect(await page.locator('dialog [data-testid=managed-note]').count()).toBe(0)
    expect(await page.locator('dialog input[name=base_url]').getAttribute('readonly')).toBeNull()
    await page.context().close()
  })
})
