// A cell a spreadsheet would read as a formula (docs/contract.md §15): `=`, `+`, `-`, `@`, and a
// leading tab or carriage return, which some spreadsheets skip before looking for one.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * RFC 4180 CSV (docs/contract.md §15): fields with commas, quotes or line breaks are quoted,
 * quotes doubled, rows end with CRLF; a text cell that begins like a formula is prefixed with
 * `'`, so a spreadsheet shows it as text instead of running it. Numbers are written as they are
 * (a negative number is no formula).
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v)
    if (typeof v !== 'number' && FORMULA_START.test(s)) s = `'${s}`
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** Saves text as a file through a temporary object URL. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
