/**
 * The import report (docs/contract.md §14): one line per qcc_plus table, then every skipped row.
 * Only ids and names go in, never a secret: the callers pass those and nothing else.
 */

/** Counts of one source table. */
export interface TableCounts {
  read: number
  created: number
  updated: number
  skipped: number
  /** History rows left out because a finer level or `usage_logs` covers their period. */
  covered: number
  /** Set for a table qcc does not import at all. */
  notImported?: string
}

/** One skipped source row (or a group of history rows of one node). */
export interface SkippedRow {
  table: string
  id: string
  name: string | null
  reason: string
}

/** Collects what an import did, table by table, in the order tables are first touched. */
export class ImportReport {
  readonly tables = new Map<string, TableCounts>()
  readonly skipped: SkippedRow[] = []
  /** Rows imported with a remark (an empty password, a key already taken). */
  readonly notes: SkippedRow[] = []

  /** The counts of a table (created on first use). */
  table(name: string): TableCounts {
    let t = this.tables.get(name)
    if (!t) {
      t = { read: 0, created: 0, updated: 0, skipped: 0, covered: 0 }
      this.tables.set(name, t)
    }
    return t
  }

  /** Records a skipped row and counts it (`rows` for a group of history rows). */
  skip(table: string, id: string, name: string | null, reason: string, rows = 1): void {
    this.table(table).skipped += rows
    this.skipped.push({ table, id, name, reason: rows > 1 ? `${rows} rows, ${reason}` : reason })
  }

  /** Records a remark on an imported row. */
  note(table: string, id: string, name: string | null, remark: string): void {
    this.notes.push({ table, id, name, reason: remark })
  }

  /** True when a real run wrote something (an audit entry is due). */
  changedAnything(): boolean {
    for (const t of this.tables.values()) if (t.created > 0 || t.updated > 0) return true
    return false
  }

  /** Counts per table for the audit entry. */
  summary(): Record<string, Omit<TableCounts, 'notImported'>> {
    const out: Record<string, Omit<TableCounts, 'notImported'>> = {}
    for (const [name, { notImported: _n, ...counts }] of this.tables) out[name] = counts
    return out
  }

  /** The report's lines. */
  lines(): string[] {
    const out: string[] = []
    for (const [name, t] of this.tables) {
      let line = `${name}: ${t.read} read, ${t.created} created, ${t.updated} updated, ${t.skipped} skipped`
      if (t.covered > 0) line += ` (${t.covered} covered by finer rows or usage_logs)`
      if (t.notImported) line += ` (not imported: ${t.notImported})`
      out.push(line)
    }
    // Sorted by table (in report order) and id: tables imported in parallel stay reproducible.
    const order = [...this.tables.keys()]
    const rank = (r: SkippedRow) => {
      const i = order.indexOf(r.table)
      return i === -1 ? order.length : i
    }
    const sorted = (rows: SkippedRow[]) =>
      [...rows].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    for (const s of sorted(this.skipped)) {
      out.push(`skipped ${s.table} ${s.id}${s.name === null ? '' : ` (${s.name})`}: ${s.reason}`)
    }
    for (const s of sorted(this.notes)) {
      out.push(`note ${s.table} ${s.id}${s.name === null ? '' : ` (${s.name})`}: ${s.reason}`)
    }
    return out
  }
}

/** Where progress goes: a line per table, rewritten in place on a terminal. */
export interface ImportProgress {
  update(table: string, done: number, total: number): void
  done(): void
}

/** No progress (stderr is not a terminal, or tests). */
export const NO_PROGRESS: ImportProgress = { update() {}, done() {} }

/** Progress on a terminal: `nodes 3000/5000`, at most ~10 redraws a second, then its time. */
export function terminalProgress(
  out: { write(s: string): unknown },
  now = Date.now,
): ImportProgress {
  let last = 0
  let shown = ''
  let table = ''
  let started = 0
  return {
    update(name, done, total) {
      const t = now()
      if (name !== table) {
        table = name
        started = t
      } else if (done < total && t - last < 100) return
      last = t
      const finished = done >= total
      const line = `${name} ${done}/${total}${finished ? ` (${((t - started) / 1000).toFixed(1)} s)` : ''}`
      out.write(`\r${line.padEnd(Math.max(shown.length, line.length))}`)
      shown = line
      if (finished) {
        out.write('\n')
        shown = ''
        table = ''
      }
    },
    done() {
      if (shown) out.write('\n')
      shown = ''
    },
  }
}
