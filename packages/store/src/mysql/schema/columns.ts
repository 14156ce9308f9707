import { datetime, varchar } from 'drizzle-orm/mysql-core'

/**
 * Shared column helpers. One timestamp representation everywhere: DATETIME(3) holding UTC,
 * read and written as JS `Date` (drizzle converts with an explicit `Z`, so the server's time
 * zone never matters).
 */
export const timestamp = (name: string) => datetime(name, { mode: 'date', fsp: 3 })

/** A string id (UUID v7 from `newId`, 36 characters). */
export const idColumn = (name: string) => varchar(name, { length: 36 })

/** A SHA-256 (or HMAC-SHA-256) hex digest. */
export const hashColumn = (name: string) => varchar(name, { length: 64 })
