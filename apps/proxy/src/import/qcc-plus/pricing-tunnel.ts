/**
 * `model_pricing` and `tunnel_config` (docs/contract.md §14.1): prices that differ from qcc's
 * table become overrides (cache prices derived as Anthropic prices them); the tunnel's `enc:`
 * token is decoded and stored encrypted.
 */
import type { ImportSourceRecord } from '@qcc/store'
import { count, flushRemembered, readAll, remembered, syncRow, type ImportContext } from './context'
import { bool, num, text } from './source-values'

const round6 = (n: number) => Math.round(n * 1e6) / 1e6

/** Imports the active prices that differ from qcc's. */
export async function importPricing(ctx: ImportContext): Promise<void> {
  const rows = await readAll(
    ctx,
    'model_pricing',
    'SELECT id, model_id, input_price_mtok, output_price_mtok, is_active FROM model_pricing ORDER BY model_id',
  )
  const known = await remembered(ctx, 'model_pricing')
  const prices = new Map((await ctx.store.listPrices()).map((p) => [p.model, p]))
  const pending: ImportSourceRecord[] = []
  try {
    for (const r of rows) {
      const id = text(r.id) ?? ''
      const model = text(r.model_id) ?? ''
      if (!bool(r.is_active)) {
        ctx.report.skip('model_pricing', id, model, 'inactive in qcc_plus')
        continue
      }
      const input = round6(num(r.input_price_mtok, NaN))
      const output = round6(num(r.output_price_mtok, NaN))
      if (!model || !(input >= 0) || !(output >= 0)) {
        ctx.report.skip('model_pricing', id, model || null, 'no model or no valid price')
        continue
      }
      const current = prices.get(model)
      const rec = known.get(id)
      const same = current && current.inputPerMTok === input && current.outputPerMTok === output
      if (same && !rec) {
        ctx.report.skip('model_pricing', id, model, "same price as qcc's table")
        continue
      }
      const write = async () => {
        await ctx.writes.upsertPrice({
          model,
          inputPerMTok: input,
          outputPerMTok: output,
          cacheWrite5mPerMTok: round6(input * 1.25),
          cacheWrite1hPerMTok: round6(input * 2),
          cacheReadPerMTok: round6(input * 0.1),
        })
        return model
      }
      const out = await syncRow(ctx, {
        table: 'model_pricing',
        sourceId: id,
        payload: { model, input, output },
        known,
        pending,
        exists: (m) => prices.has(m),
        create: write,
        update: async () => void (await write()),
      })
      count(ctx, 'model_pricing', out.outcome)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
}

/** `enc:` + base64 is qcc_plus's obfuscation of the token; anything else is the token itself. */
export function decodeTunnelToken(stored: string | null): string | null {
  if (!stored) return null
  if (!stored.startsWith('enc:')) return stored
  const decoded = Buffer.from(stored.slice(4), 'base64').toString('utf8')
  return decoded || null
}

/** Imports the tunnel config row (`id` `default`). */
export async function importTunnel(ctx: ImportContext): Promise<void> {
  const rows = await readAll(
    ctx,
    'tunnel_config',
    'SELECT id, api_token, subdomain, zone, enabled FROM tunnel_config ORDER BY id',
  )
  const known = await remembered(ctx, 'tunnel_config')
  const pending: ImportSourceRecord[] = []
  const hasConfig = (await ctx.store.getTunnelConfig()) !== null
  try {
    for (const [i, r] of rows.entries()) {
      const id = text(r.id) ?? ''
      if (i > 0) {
        ctx.report.skip(
          'tunnel_config',
          id,
          null,
          'qcc keeps one tunnel config (the first row is imported)',
        )
        continue
      }
      const patch = {
        apiToken: decodeTunnelToken(text(r.api_token)),
        subdomain: text(r.subdomain) || null,
        zone: text(r.zone) || null,
        enabled: bool(r.enabled),
      }
      const write = async () => {
        await ctx.writes.setTunnelConfig(patch)
        return 'tunnel'
      }
      const out = await syncRow(ctx, {
        table: 'tunnel_config',
        sourceId: id,
        payload: patch,
        known,
        pending,
        exists: () => hasConfig,
        create: write,
        update: async () => void (await write()),
      })
      count(ctx, 'tunnel_config', out.outcome)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
}
