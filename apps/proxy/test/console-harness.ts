import { pollUntil } from './wait'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Screenshots land here (gitignored); CI keeps them as artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/console/', import.meta.url))

/** Debian's Chromium, headless, with everything that phones home switched off. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A fresh context (its own cookies and localStorage), English, light, desktop width by default. */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; lang?: 'en' | 'zh'; theme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
  })
  // Page code goes in as strings: this package type-checks without the DOM library.
  const lang = JSON.stringify(options.lang ?? 'en')
  const theme = JSON.stringify(options.theme ?? 'light')
  await context.addInitScript(
    `if (!localStorage.getItem('qcc-lang')) localStorage.setItem('qcc-lang', ${lang});` +
      `if (!localStorage.getItem('qcc-theme')) localStorage.setItem('qcc-theme', ${theme});`,
  )
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  page.setDefaultNavigationTimeout(15_000)
  return page
}

export async function login(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/login`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.waitForSelector('[data-testid=whoami]')
}

/** Goes to a console path through the sidebar link, as a user would (no reload). */
export async function visit(page: Page, href: string) {
  await page.click(`nav a[href="${href}"]`)
  await page.waitForFunction(`location.pathname === ${JSON.stringify(href)}`)
}

/** One full-page screenshot per theme: `<name>-light.png` and `<name>-dark.png`. */
export async function shootBothThemes(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true })
  const current = await themeOf(page)
  const other = current === 'dark' ? 'light' : 'dark'
  await page.waitForTimeout(250)
  await page.screenshot({ path: `${ARTIFACTS}${name}-${current}.png`, fullPage: true })
  await page.click('[data-testid=theme-toggle]')
  await page.waitForFunction(`document.documentElement.dataset.theme === '${other}'`)
  await page.waitForTimeout(250)
  await page.screenshot({ path: `${ARTIFACTS}${name}-${other}.png`, fullPage: true })
  await page.click('[data-testid=theme-toggle]')
  await page.waitForFunction(`document.documentElement.dataset.theme === '${current}'`)
}

/** Waits until `check` holds, polling; throws with `what` when the time is up. */
export async function until(what: string, check: () => Promise<boolean>, ms = 10_000) {
  await pollUntil(what, check, { timeoutMs: ms, intervalMs: 150 })
}

/** The theme the page shows (`<html data-theme>`). */
export const themeOf = (page: Page) =>
  page.evaluate<string>('document.documentElement.dataset.theme')

/** How many documents this tab has loaded: 1 as long as nothing reloaded the page. */
export const navigations = (page: Page) =>
  page.evaluate<number>("performance.getEntriesByType('navigation').length")
