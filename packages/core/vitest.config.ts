import { defineConfig } from 'vitest/config'

// The `qcc-source` condition (ours; `source` is taken by eventsource-parser) lets tests import
// workspace packages from src without a build.
export default defineConfig({
  resolve: { conditions: ['qcc-source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['qcc-source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/test-support/**'],
      // Every decision of core is unit-tested: at least 90 % line coverage.
      thresholds: { lines: 90, statements: 90, functions: 90, branches: 85 },
    },
  },
})
