// Pins InnoDB + utf8mb4_bin on every CREATE TABLE of the generated migrations (drizzle-kit has
// no table option for it). Server defaults differ (MySQL 8: utf8mb4_0900_ai_ci, MariaDB:
// utf8mb4_general_ci or even latin1); a binary collation makes unique names compare exactly as
// the memory adapter does. Idempotent: run after every `drizzle-kit generate`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const dir = new URL('../drizzle/', import.meta.url)
const OPTIONS = ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
  const path = new URL(file, dir)
  const sql = readFileSync(path, 'utf8')
  const fixed = sql.replace(/(CREATE TABLE [^;]*?\n\));/g, (_, body) =>
    body.endsWith(')') ? `${body}${OPTIONS};` : `${body};`,
  )
  if (fixed !== sql) writeFileSync(path, fixed)
}
