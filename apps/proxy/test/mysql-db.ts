import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'

// CI provides MariaDB here (docs/contract.md §6.3: MySQL tests never skip in CI).
export const MYSQL_SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'

export interface TestDatabase {
  /** DSN of the fresh database. */
  url: string
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  drop(): Promise<void>
}

/** A fresh database for one test file, dropped afterwards. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `qcc_${prefix}_${randomBytes(4).toString('hex')}`
  const conn = await mysql.createConnection(MYSQL_SERVER)
  await conn.query(`CREATE DATABASE \`${name}\``)
  return {
    url: `${MYSQL_SERVER}/${name}`,
    query: async <T>(sql: string, params: unknown[] = []) => {
      await conn.query(`USE \`${name}\``)
      const [rows] = await conn.query(sql, params)
      return rows as T[]
    },
    drop: async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await conn.end()
    },
  }
}
