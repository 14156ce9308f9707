import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrateDatabase } from '../../src/mysql/migrate'
import type { MysqlDsn } from '../../src/mysql/dsn'

/**
 * Applies only the committed migrations whose tag sorts before `tag` (`'0003'`), as an older
 * version left the database, and answers how many that were.
 */
export async function migrateBefore(dsn: MysqlDsn, tag: string): Promise<number> {
  const full = fileURLToPath(new URL('../../drizzle', import.meta.url))
  const partial = mkdtempSync(join(tmpdir(), 'qcc-migrations-'))
  try {
    const journal = JSON.parse(readFileSync(join(full, 'meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[]
    }
    const before = journal.entries.filter((e) => e.tag < tag)
    mkdirSync(join(partial, 'meta'))
    writeFileSync(
      join(partial, 'meta/_journal.json'),
      JSON.stringify({ ...journal, entries: before }),
    )
    for (const e of before) copyFileSync(join(full, `${e.tag}.sql`), join(partial, `${e.tag}.sql`))
    await migrateDatabase(dsn, { migrationsFolder: partial })
    return before.length
  } finally {
    rmSync(partial, { recursive: true, force: true })
  }
}
