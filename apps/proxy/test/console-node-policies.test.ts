/**
 * docs/contract.md §13 in a real Chromium: an admin adds a node with routing policies through the
 * node form (auth header, a model map row, an error rule, an extra header); the API then holds
 * them, the node list shows the header masked, and editing without retyping keeps the saved
 * value. Needs the built console (`pnpm --filter @qcc/admin build`).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { loggedIn } from './admin-harness'
import { launchBrowser, login, openPage, until, visit } from './console-harness'
import { startTestQcc } from './start-qcc'

let qcc: RunningQcc
let browser: Browser
const HEADER_VALUE = `relay-secret-${randomBytes(8).toString('hex')}`

beforeAll(async () => {
  qcc = await startTestQcc()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
})

describe('console: node policies', () => {
  it('creates a node with policies through the form; the list masks the header', async () => {
    const page = await openPage(browser)
    await login(page, qcc.url, 'admin', 'admin123')
    await visit(page, '/admin/nodes')
    await page.click('button:has-text("Add node")')
    await page.fill('dialog input[name=name]', 'policy-node')
    await page.fill('dialog input[name=base_url]', 'https://relay-console.example.com')
    await page.click('dialog [data-testid=node-policies] summary')
    await page.selectOption('dialog select[name=auth_header]', 'bearer')
    await page.click('dialog [data-testid=model-map] button:has-text("Add mapping")')
    await page.fill('dialog input[name=map_from_0]', 'claude-sonnet-*')
    await page.fill('dialog input[name=map_to_0]', 'vendor/sonnet')
    await page.click('dialog [data-testid=error-rules] button:has-text("Add rule")')
    await page.fill('dialog input[name=rule_status_0]', '429')
    await page.fill('dialog input[name=rule_contains_0]', 'quota')
    await page.selectOption('dialog select[name=rule_action_0]', 'cooldown')
    await page.fill('dialog input[name=rule_cooldown_0]', '120')
    await page.click('dialog [data-testid=extra-headers] button:has-text("Add header")')
    await page.fill('dialog input[name=header_name_0]', 'x-relay-token')
    await page.fill('dialog input[name=header_value_0]', HEADER_VALUE)
    await page.click('dialog button[type=submit]')
    const row = page.locator('[data-testid=node-row][data-node=policy-node]')
    await row.waitFor()

    const masked = `x-relay-token: ••••${HEADER_VALUE.slice(-4)}`
    expect(await row.locator('[data-testid=node-headers]').textContent()).toBe(masked)
    expect(await page.content()).not.toContain(HEADER_VALUE)

    const api = await loggedIn(qcc, 'admin', 'admin123')
    const listed = async () =>
      (await api.get('/admin/api/nodes')).json.nodes.find(
        (n: { name: string }) => n.name === 'policy-node',
      )
    const node = await listed()
    expect(node).toMatchObject({
      auth_header: 'bearer',
      model_map: { 'claude-sonnet-*': 'vendor/sonnet' },
      error_rules: [{ status: 429, contains: 'quota', action: 'cooldown', cooldown_sec: 120 }],
      extra_headers: { 'x-relay-token': `••••${HEADER_VALUE.slice(-4)}` },
    })
    expect(await qcc.store.getNodeExtraHeaders(node.id)).toEqual({
      'x-relay-token': HEADER_VALUE,
    })

    // Edit without retyping the header: the saved value stays.
    await row.locator('button:has-text("Edit")').click()
    await page.click('dialog [data-testid=node-policies] summary')
    expect(await page.inputValue('dialog input[name=header_value_0]')).toBe('')
    await page.check('dialog input[name=no_failover]')
    await page.click('dialog button[type=submit]')
    await until('the edit saved', async () => (await listed())?.no_failover === true)
    expect(await qcc.store.getNodeExtraHeaders(node.id)).toEqual({
      'x-relay-token': HEADER_VALUE,
    })
    await page.context().close()
  })
})
