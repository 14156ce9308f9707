import { defineConfig } from 'tsup'

// Only exported entry points are built (they must match the exports map; see exports.test.ts).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
})
