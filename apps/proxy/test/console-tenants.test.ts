import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { Browser, Page } from 'playwright-core'
import type { RunningQcc } from '../src/index'
import { loggedIn, messages, type AdminClient } from './admin-harness'
import { launchBrowser, login, openPage, shootBothThemes, until, visit } from './console-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let up: FakeUpstream
let qcc: RunningQcc
let browser: Browser
let admin: Page
let api: AdminClient
let tenantKey = ''
let tenantId = ''

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'tenants-up' })
  qcc = await startTestQcc()
  api = await loggedIn(qcc, 'admin', 'admin123')
  const made = await api.post('/admin/api/nodes', {
    name: 'admin-node',
    base_url: up.url,
    api_key: 'sk-ant-admin-node-0123456789',
  })
  expect(made.status).toBe(201)
  browser = await launchBrowser()
  admin = await openPage(browser)
})
afterAll(async () => {
  await browser?.close()
  await qcc?.close()
  await up?.close()
})

/** Sends one message with `key` once its node takes traffic (saved nodes need a moment). */
async function traffic(key: string, count: number) {
  await until('a node to take traffic', async () => {
    const res = await messages(qcc.url, key, MESSAGE_BODY)
    await res.text()
    return res.status === 200
  })
  for (let i = 1; i < count; i++) await (await messages(qcc.url, key, MESSAGE_BODY)).text()
}

describe('console: tenants, keys and sharing', () => {
  it('creates a tenant and shows its key exactly once', async () => {
    await login(admin, qcc.url, 'admin', 'admin123')
    await visit(admin, '/admin/accounts')
    await admin.click('button:has-text("New account")')
    await admin.fill('dialog input[name=name]', 'acme')
    await admin.fill('dialog input[name=password]', 'acme-password-1')
    await admin.click('dialog button[type=submit]')
    tenantKey = (await admin.textContent('[data-testid=secret-value]')) ?? ''
    expect(tenantKey.length).toBeGreaterThan(15)
    await admin.locator('[data-testid=account-row][data-account=acme]').waitFor()
    await shootBothThemes(admin, 'accounts')
    await admin.reload()
    await admin.locator('[data-testid=account-row][data-account=acme]').waitFor()
    expect(await admin.locator('[data-testid=once-secret]').count()).toBe(0)
    expect(await admin.content()).not.toContain(tenantKey)

    const accounts = await api.get('/admin/api/accounts')
    tenantId = accounts.json.accounts.find((a: { name: string }) => a.name === 'acme').id
    const node = await api.post(`/admin/api/nodes?account_id=${tenantId}`, {
      name: 'acme-node',
      base_url: up.url,
      api_key: 'sk-ant-acme-node-0123456789',
    })
    expect(node.status).toBe(201)
    await traffic(tenantKey, 2)
    await traffic('admin', 3)
  })

  it('creates a second key for the tenant, shown once', async () => {
    await visit(admin, '/admin/keys')
    await admin.selectOption('[data-testid=account-select]', tenantId)
    await admin.waitForSelector('[data-testid=key-row]')
    await admin.fill('input[name=key_name]', 'ci')
    await admin.click('button:has-text("Create key")')
    const key = (await admin.textContent('[data-testid=secret-value]')) ?? ''
    expect(key.length).toBeGreaterThan(15)
    await until(
      'two keys listed',
      async () => (await admin.locator('[data-testid=key-row]').count()) === 2,
    )
    await shootBothThemes(admin, 'keys')
    await admin.reload()
    await admin.selectOption('[data-testid=account-select]', tenantId)
    await until(
      'two keys listed',
      async () => (await admin.locator('[data-testid=key-row]').count()) === 2,
    )
    expect(await admin.content()).not.toContain(key)
    const res = await messages(qcc.url, key, MESSAGE_BODY)
    expect(res.status).toBe(200)
    await res.text()
  })

  it('lets the tenant see only its own nodes and usage', async () => {
    const tenant = await openPage(browser, { width: 390, height: 844 })
    try {
      await login(tenant, qcc.url, 'acme', 'acme-password-1')
      await tenant.waitForSelector('[data-testid=dash-node]')
      const names = await tenant
        .locator('[data-testid=dash-node]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))
      expect(names).toEqual(['acme-node'])
      // Its own total, which is not everyone's: the admin's traffic is not in it.
      const own = (
        await (await loggedIn(qcc, 'acme', 'acme-password-1')).get('/admin/api/usage/summary')
      ).json
      const all = (await api.get('/admin/api/usage/summary')).json
      expect(own.requests).toBeLessThan(all.requests)
      await until('usage KPI', async () => {
        const v = await tenant.textContent('[data-testid=kpi-requests] .kpi-value')
        return Number(v) === own.requests
      })
      await shootBothThemes(tenant, 'phone-dashboard')
      await tenant.click('button[aria-label=Menu]')
      expect(await tenant.locator('nav a[href="/admin/accounts"]').count()).toBe(0)
      await shootBothThemes(tenant, 'phone-menu')
      await visit(tenant, '/admin/nodes')
      await tenant.waitForSelector('[data-testid=node-row]')
      expect(await tenant.locator('[data-testid=node-row]').count()).toBe(1)
      await shootBothThemes(tenant, 'phone-nodes')
      await tenant.click('button[aria-label=Menu]')
      await visit(tenant, '/admin/usage')
      await tenant.click('button[role=tab]:has-text("Request log")')
      await until(
        'its own log rows',
        async () => (await tenant.locator('[data-testid=log-row]').count()) === own.requests,
      )
      // The API refuses another tenant's data outright, whatever the page asks for.
      const status = await tenant.evaluate(
        async (id) => (await fetch(`/admin/api/nodes?account_id=${id}`)).status,
        (await api.get('/admin/api/me')).json.id,
      )
      expect(status).toBe(404)
    } finally {
      await tenant.context().close()
    }
  })

  it('opens a share link without a session', async () => {
    await visit(admin, '/admin/monitor')
    await admin.waitForSelector('[data-testid=monitor-card]')
    await admin.selectOption('form [data-testid=account-select]', tenantId)
    await admin.click('[data-testid=create-share]')
    const url = (await admin.textContent('[data-testid=secret-value]')) ?? ''
    expect(url).toContain('/admin/monitor/share/')
    await shootBothThemes(admin, 'monitor')
    const guest = await openPage(browser)
    try {
      await guest.goto(url)
      await guest.waitForSelector('[data-testid=shared-card]')
      expect(await guest.textContent('[data-testid=shared-title]')).toContain('acme')
      expect(await guest.locator('[data-testid=shared-card]').count()).toBe(1)
      await shootBothThemes(guest, 'shared-monitor')
      await guest.goto(`${qcc.url}/admin/monitor/share/not-a-real-token`)
      await guest.waitForSelector('[role=alert]')
    } finally {
      await guest.context().close()
    }
  })

  it('renders every other page in both themes', async () => {
    const pages: [string, string][] = [
      ['/admin/usage', 'usage'],
      ['/admin/pricing', 'pricing'],
      ['/admin/claude-config', 'claude-config'],
      ['/admin/notifications', 'notifications'],
      ['/admin/tunnel', 'tunnel'],
      ['/admin/settings', 'settings'],
      ['/admin/env', 'env'],
      ['/admin/audit', 'audit'],
    ]
    for (const [href, name] of pages) {
      await visit(admin, href)
      await admin.waitForSelector('main h1')
      // Polled from here: the console's CSP refuses the string eval waitForFunction polls with.
      await until(
        `${name} to load`,
        async () => !(await admin.evaluate<boolean>("!!document.querySelector('main .spinner')")),
      )
      if (name === 'notifications') {
        await admin.click('button:has-text("Add channel")')
        await admin.fill('dialog input[name=channel_name]', 'ops-hook')
        await admin.fill('dialog input[name=channel_url]', `${up.url}/hook`)
        await admin.click('dialog button[type=submit]')
        await admin.waitForSelector('[data-testid=channel-row]')
      }
      if (name === 'tunnel') await admin.waitForSelector('[data-testid=tunnel-status]')
      if (name === 'claude-config') {
        await admin.click('button:has-text("Generate")')
        await admin.waitForSelector('[data-testid=config-preview]')
      }
      await shootBothThemes(admin, name)
    }
    expect(await admin.locator('[data-testid=audit-row]').count()).toBeGreaterThan(0)
  })
})
