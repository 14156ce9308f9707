import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { Browser, Page } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import {
  launchBrowser,
  login,
  navigations,
  openPage,
  shootBothThemes,
  themeOf,
  until,
  visit,
} from './console-harness'
import { messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

// Short health interval and threshold 1 so a failing upstream turns the node failed (and a
// passing probe restores it) within a second or two, while the page watches.
let up: FakeUpstream
let qcc: RunningQcc
let browser: Browser
let page: Page

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'console-up' })
  qcc = await startTestQcc({ PROXY_HEALTH_INTERVAL_SEC: '1', PROXY_FAIL_THRESHOLD: '1' })
  browser = await launchBrowser()
  page = await openPage(browser)
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
  await up?.close()
})

const nodeRow = (name: string) => page.locator(`[data-testid=node-row][data-node="${name}"]`)

/** The budget for what login and the dashboard load before anything else. */
const INITIAL_JS_BUDGET = 60 * 1024

describe('console bundle', () => {
  it('keeps the initial JS for login and dashboard under budget, hashed and immutable', async () => {
    const html = await (await fetch(`${qcc.url}/admin`)).text()
    const scripts = [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+\.js)"/g)].map(
      (m) => m[1],
    )
    expect(scripts.length).toBeGreaterThan(0)
    let total = 0
    for (const path of scripts) {
      const res = await fetch(`${qcc.url}${path}`)
      expect(res.headers.get('cache-control')).toContain('immutable')
      total += gzipSync(Buffer.from(await res.arrayBuffer())).length
    }
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET)
  })
})

describe('console: login, nodes, live dashboard', () => {
  it('refuses a wrong password, then logs in', async () => {
    await page.goto(`${qcc.url}/login`)
    await shootBothThemes(page, 'login')
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('button[type=submit]')
    await page.waitForSelector('[role=alert]')
    await login(page, qcc.url, 'admin', 'admin123')
    expect(await page.textContent('[data-testid=whoami]')).toContain('admin')
    expect(new URL(page.url()).pathname).toBe('/admin')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
  })

  it('adds a node from the nodes page', async () => {
    await visit(page, '/admin/nodes')
    await page.waitForSelector('text=No nodes yet')
    await page.click('button:has-text("Add node")')
    await page.fill('dialog input[name=name]', 'fake-a')
    await page.fill('dialog input[name=base_url]', up.url)
    await page.fill('dialog input[name=api_key]', 'sk-ant-fake-a-0123456789')
    await page.click('dialog button[type=submit]')
    await nodeRow('fake-a').waitFor()
    expect(await nodeRow('fake-a').getAttribute('data-status')).toBe('healthy')
  })

  it('draws real points on the dashboard charts once traffic flows', async () => {
    // A saved node reaches the data path within a couple of seconds.
    await until('the new node to take traffic', async () => {
      const res = await messages(qcc.url, 'admin', MESSAGE_BODY)
      await res.text()
      return res.status === 200
    })
    for (let i = 0; i < 2; i++) {
      const res = await messages(qcc.url, 'admin', MESSAGE_BODY)
      expect(res.status).toBe(200)
      await res.text()
    }
    // All three in the store before the page loads: no later request event would refetch them.
    await qcc.store.usageWriter.flush()
    await visit(page, '/admin')
    // Live: the request events refetch the series without a reload.
    const points = () =>
      page.evaluate<Record<string, number>>(
        `Object.fromEntries([...document.querySelectorAll('figure[data-testid^=chart-]')].map((f) => [f.dataset.testid, Number(f.querySelector('.chart')?.dataset.points)]))`,
      )
    await until(
      'every chart to draw points',
      async () => Object.values(await points()).every((n) => n > 0),
      15_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await points())}`)
    })
    expect(await page.locator('[data-testid=chart-requests] canvas').count()).toBeGreaterThan(0)
    const kpi = await page.textContent('[data-testid=kpi-requests] .kpi-value')
    expect(Number(kpi)).toBeGreaterThanOrEqual(3)
    await shootBothThemes(page, 'dashboard')
  })

  it('shows the node failing and recovering live, without a reload', async () => {
    await visit(page, '/admin/nodes')
    await nodeRow('fake-a').waitFor()
    const loads = await navigations(page)
    up.setDefault({ kind: 'status', status: 500 })
    const res = await messages(qcc.url, 'admin', MESSAGE_BODY)
    expect(res.status).toBe(502)
    await res.text()
    await page.waitForSelector('[data-testid=node-row][data-node="fake-a"][data-status=failed]', {
      timeout: 15_000,
    })
    await nodeRow('fake-a').locator('[data-testid=last-error]').waitFor()
    await shootBothThemes(page, 'nodes-failed')
    up.setDefault({ kind: 'ok' })
    await page.waitForSelector('[data-testid=node-row][data-node="fake-a"][data-status=healthy]', {
      timeout: 15_000,
    })
    expect(await nodeRow('fake-a').locator('[data-testid=timeline] .tick').count()).toBeGreaterThan(
      0,
    )
    expect(await navigations(page)).toBe(loads)
    await shootBothThemes(page, 'nodes')
  })

  it('reorders by drag and by keyboard, and disables, enables and activates', async () => {
    await page.click('button:has-text("Add node")')
    await page.fill('dialog input[name=name]', 'fake-b')
    await page.fill('dialog input[name=base_url]', up.url)
    await page.fill('dialog input[name=weight]', '2')
    await page.click('dialog button[type=submit]')
    await nodeRow('fake-b').waitFor()
    const order = () =>
      page
        .locator('[data-testid=node-row]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))
    expect(await order()).toEqual(['fake-a', 'fake-b'])
    await nodeRow('fake-b').locator('.handle').dragTo(nodeRow('fake-a'))
    await until('fake-b first', async () => (await order())[0] === 'fake-b')
    await nodeRow('fake-b').locator('button[aria-label="Move down"]').focus()
    await page.keyboard.press('Enter')
    await until('fake-a first again', async () => (await order())[0] === 'fake-a')

    await nodeRow('fake-b').locator('button:has-text("Disable")').click()
    await page.waitForSelector('[data-testid=node-row][data-node="fake-b"][data-status=disabled]')
    await nodeRow('fake-b').locator('button:has-text("Enable")').click()
    await page.waitForSelector('[data-testid=node-row][data-node="fake-b"][data-status=healthy]')
    await nodeRow('fake-b').locator('button:has-text("Activate")').click()
    await nodeRow('fake-b').locator('.badge:has-text("in use")').waitFor()
  })

  it('switches language and theme, and remembers both', async () => {
    await page.click('[data-testid=lang-toggle]')
    await page.waitForSelector('nav a:has-text("节点")')
    await page.click('[data-testid=theme-toggle]')
    const theme = await themeOf(page)
    await page.reload()
    await page.waitForSelector('nav a:has-text("节点")')
    expect(await themeOf(page)).toBe(theme)
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN')
    await shootBothThemes(page, 'nodes-zh')
    await page.click('[data-testid=lang-toggle]')
    await page.waitForSelector('nav a:has-text("Nodes")')
  })

  it('logs out back to the login form', async () => {
    await page.click('button:has-text("Log out")')
    await page.waitForSelector('input[name=username]')
    const status = await page.evaluate<number>("fetch('/admin/api/me').then((r) => r.status)")
    expect(status).toBe(401)
  })
})
