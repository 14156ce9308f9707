// Growth curves as PNG files (apps/proxy/bench/README.md, `pnpm bench:scale`): each plot
// is drawn as SVG here and rendered to PNG by Debian's Chromium through playwright-core, the
// browser the console tests use, so no plotting library or download is needed.
import { writeFileSync } from 'node:fs'
import { chromium } from 'playwright-core'

const W = 720
const H = 420
const M = { left: 78, right: 24, top: 48, bottom: 64 }
const COLORS = [
  '#4a63e7',
  '#e0593c',
  '#2f9e62',
  '#a855f7',
  '#d97706',
  '#0891b2',
  '#be185d',
  '#4b5563',
]

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** Round figures for an axis: about five ticks from 0 (or the lowest value, on a log axis). */
function ticks(min, max, log) {
  if (log) {
    const out = []
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++)
      out.push(10 ** e)
    return out
  }
  const span = max - min || Math.abs(max) || 1
  const step = 10 ** Math.floor(Math.log10(span / 5))
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10
  const out = []
  for (let v = Math.floor(min / nice) * nice; v <= max + nice / 2; v += nice)
    out.push(+v.toFixed(9))
  return out
}

const fmt = (v) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : String(+v.toPrecision(3)))

/**
 * The SVG of one plot: `series` are `{name, points: [[x, y], …]}`; `goal` draws a dashed line at
 * that y; `logX` puts x on a log scale (fleet sizes 100, 1,000, 10,000).
 */
export function plotSvg({ title, xLabel, yLabel, series, goal, logX = false }) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]))
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite)
  if (goal !== undefined) ys.push(goal)
  const xTicks = ticks(Math.min(...xs), Math.max(...xs), logX)
  const yTicks = ticks(Math.min(0, ...ys), Math.max(...ys) * 1.1, false)
  const [x0, x1] = [xTicks[0], xTicks.at(-1)]
  const [y0, y1] = [yTicks[0], yTicks.at(-1)]
  const px = (x) => {
    const f = logX ? Math.log10(x / x0) / Math.log10(x1 / x0) : (x - x0) / (x1 - x0 || 1)
    return M.left + f * (W - M.left - M.right)
  }
  const py = (y) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom)
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`,
  ]
  for (const t of yTicks) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#555">${fmt(t)}</text>`,
    )
  }
  for (const t of xTicks) {
    out.push(
      `<text x="${px(t)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#555">${fmt(t)}</text>`,
    )
  }
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 22}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  )
  if (goal !== undefined) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(goal)}" y2="${py(goal)}" stroke="#999" stroke-dasharray="6 4"/>`,
      `<text x="${W - M.right}" y="${py(goal) - 6}" text-anchor="end" fill="#777">goal ${fmt(goal)}</text>`,
    )
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]
    const pts = s.points.filter((p) => Number.isFinite(p[1]))
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${px(p[0])},${py(p[1])}`).join(' ')}"/>`,
      ...pts.map((p) => `<circle cx="${px(p[0])}" cy="${py(p[1])}" r="3.5" fill="${color}"/>`),
      `<rect x="${M.left + 12}" y="${M.top + 6 + i * 18}" width="12" height="3" fill="${color}"/>`,
      `<text x="${M.left + 30}" y="${M.top + 11 + i * 18}">${esc(s.name)}</text>`,
    )
  })
  out.push('</svg>')
  return out.join('\n')
}

/** Renders plots to PNG files: `plots` are `{path, ...plotSvg options}`. One browser for all. */
export async function writePlots(plots) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } })
    for (const plot of plots) {
      const svg = plotSvg(plot)
      writeFileSync(plot.path.replace(/\.png$/, '.svg'), svg)
      await page.setContent(`<body style="margin:0">${svg}</body>`)
      await page.screenshot({ path: plot.path, clip: { x: 0, y: 0, width: W, height: H } })
    }
  } finally {
    await browser.close()
  }
}
