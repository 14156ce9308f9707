/**
 * docs/contract.md §12 in a real Chromium: the console's request log shows a request that
 * failed over (main answers 503, backup serves) live, filters it by status, key and session
 * (kept in the URL), opens it to draw its two attempts in order, and exports it as CSV with the
 * attempt chain. Needs the built console (`pnpm --filter @qcc/admin build`).
 */
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  ARTIFACTS,
  launchBrowser,
  login,
  openPage,
  shootBothThemes,
  until,
  visit,
} from './console-harness'
import { startPool, type TestPool } from './pool'
import { MESSAGE_BODY } from './start-qcc'

let pool: TestPool
let browser: Browser
let page: Page
let requestId = ''

const SESSION = 'console-trace-session-1'
const BODY = { ...MESSAGE_BODY, metadata: { user_id: `user_ab12_account__session_${SESSION}` } }

beforeAll(async () => {
  // Lower weight is the higher tier: main is tried first, backup takes over.
  pool = await startPool([
    { name: 'main', weight: 1 },
    { name: 'backup', weight: 2 },
  ])
  // A second key of the tenant, so the key filter has something to narrow to.
  await pool.qcc.store.createProxyKey({
    accountId: pool.accountId,
    name: 'other-key',
    key: 'sk-qcc-other-key-0123456789abcdef',
  })
  browser = await launchBrowser()
  page = await openPage(browser)
})
afterAll(async () => {
  await browser?.close()
  await pool?.close()
})

const rows = {
  all: () => page.locator('[data-testid=request-row]'),
  mine: () => page.locator(`[data-testid=request-row][data-request-id="${requestId}"]`),
}
const emptyText = 'No requests match these filters.'
const search = () => new URL(page.url()).searchParams
/** The URL follows the page in an effect after its render: wait for it to say `value`. */
const urlHas = (name: string, value: string | null) =>
  until(`${name}=${value} in the URL`, async () => search().get(name) === value)

/** Sets a text filter the way a user commits it (the input's change event). */
async function typeFilter(name: string, value: string) {
  const input = page.locator(`[data-testid=request-filters] input[name=${name}]`)
  await input.fill(value)
  await input.press('Enter')
}

describe('console: request log (docs/contract.md §12)', () => {
  it('shows a failed-over request live, without a reload', async () => {
    await login(page, pool.qcc.url, 'default', 'default123')
    await visit(page, '/admin/requests')
    await page.waitForSelector(`text=${emptyText}`)
    expect(await page.getAttribute('[data-testid=requests-live]', 'data-live')).toBe('true')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')

    pool.nodes.main?.upstream.enqueue({ kind: 'status', status: 503 })
    const res = await pool.post(BODY, { 'user-agent': 'console-trace/1.0' })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    expect(res.headers.get('x-qcc-attempts')).toBe('2')
    requestId = res.headers.get('x-qcc-request-id') ?? ''
    expect(requestId).not.toBe('')

    // The request event reloads the first page; the settle reload catches the batched write.
    await rows.mine().waitFor({ timeout: 10_000 })
    expect(await rows.mine().getAttribute('data-status')).toBe('200')
    expect(await rows.mine().textContent()).toContain('×2')
  })

  it('opens the request and draws its two attempts in order', async () => {
    await rows.mine().locator('td').nth(2).click()
    await page.waitForSelector(`[data-testid=request-detail][data-request-id="${requestId}"]`)
    await urlHas('request', requestId)
    const attempts = page.locator('[data-testid=trace-attempt]')
    await until('both attempts to show', async () => (await attempts.count()) === 2)
    const facts = async (i: number) => ({
      node: await attempts.nth(i).getAttribute('data-node'),
      outcome: await attempts.nth(i).getAttribute('data-outcome'),
      status: await attempts.nth(i).getAttribute('data-status'),
      pickedBy: await attempts.nth(i).getAttribute('data-picked-by'),
    })
    expect(await facts(0)).toEqual({
      node: 'main',
      outcome: 'server_error',
      status: '503',
      pickedBy: 'tier',
    })
    expect(await facts(1)).toMatchObject({ node: 'backup', outcome: 'ok', status: '200' })
    expect(await attempts.nth(0).textContent()).toContain('server_error')
    // The first bar starts the track; the second starts after it.
    const lefts = await page.$$eval('[data-testid=trace-attempt] .trace-bar', (bars) =>
      bars.map((b) => parseFloat((b as unknown as { style: { left: string } }).style.left)),
    )
    expect(lefts[0]).toBe(0)
    expect(lefts[1]).toBeGreaterThan(0)
    expect(await page.textContent('[data-testid=detail-session]')).toBe(SESSION)
    expect(await page.textContent('[data-testid=detail-user-agent]')).toBe('console-trace/1.0')
    expect(await page.textContent('[data-testid=detail-key]')).toBe('default')
    // The modal covers the theme toggle: this one in the page's theme, the list in both.
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}request-trace-light.png`, fullPage: true })
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-testid=request-detail]', { state: 'detached' })
    await urlHas('request', null)
    await shootBothThemes(page, 'request-log')
  })

  it('narrows the list by status, key and session, and keeps the filters in the URL', async () => {
    await typeFilter('status', '5xx')
    await page.waitForSelector(`text=${emptyText}`)
    await urlHas('status', '5xx')
    await typeFilter('status', '2xx')
    await rows.mine().waitFor()

    const key = page.locator('[data-testid=request-filters] select[name=key_id]')
    await until('the key options to load', async () => (await key.locator('option').count()) === 3)
    await key.selectOption({ label: 'other-key' })
    await page.waitForSelector(`text=${emptyText}`)
    await key.selectOption({ label: 'default' })
    await rows.mine().waitFor()
    await until('the key in the URL', async () => Boolean(search().get('key_id')))

    await typeFilter('session_id', 'no-such-session')
    await page.waitForSelector(`text=${emptyText}`)
    await typeFilter('session_id', SESSION)
    await rows.mine().waitFor()
    expect(await rows.all().count()).toBe(1)

    // A linked view opens with its filters (and the request) as they were.
    await page.goto(`${pool.qcc.url}/admin/requests?status=5xx`)
    await page.waitForSelector(`text=${emptyText}`)
    expect(await page.inputValue('[data-testid=request-filters] input[name=status]')).toBe('5xx')
    await page.goto(`${pool.qcc.url}/admin/requests?status=2xx&request=${requestId}`)
    await rows.mine().waitFor()
    expect(await page.locator('[data-testid=trace-attempt]').count()).toBe(2)
    await page.keyboard.press('Escape')
  })

  it('exports what is filtered as CSV, with the attempt chain', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=csv-export]'),
    ])
    const path = await download.path()
    const lines = (await readFile(path, 'utf8')).trim().split('\r\n')
    const header = lines[0]?.split(',') ?? []
    expect(header).toEqual(
      expect.arrayContaining([
        'key_name',
        'session_id',
        'client_ip',
        'user_agent',
        'stream',
        'attempt_count',
        'attempts',
        'refused',
      ]),
    )
    expect(lines).toHaveLength(2)
    const row = lines[1]?.split(',') ?? []
    const cell = (name: string) => row[header.indexOf(name)]
    expect(cell('request_id')).toBe(requestId)
    expect(cell('attempts')).toBe('main:server_error>backup:ok')
    expect(cell('attempt_count')).toBe('2')
    expect(cell('session_id')).toBe(SESSION)
    expect(cell('key_name')).toBe('default')
  })
})
