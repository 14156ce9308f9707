import { defineConfig } from 'drizzle-kit'

// `pnpm --filter @qcc/store db:generate` writes a new migration into ./drizzle after a schema
// change; then `node scripts/charset.mjs` pins utf8mb4_bin on new CREATE TABLE statements so
// MySQL 8 and MariaDB compare names the same way (case-sensitive, like the memory adapter).
// Migrations are applied by the store at open (src/mysql/migrate.ts), never with `push`.
export default defineConfig({
  dialect: 'mysql',
  schema: './src/mysql/schema/index.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
  migrations: { table: 'qcc_migrations' },
  dbCredentials: { url: process.env.QCC_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/qcc' },
})
