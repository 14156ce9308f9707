import { defineConfig } from 'vitest/config'

// The console is served by the proxy under /admin; hashed assets live in /admin/assets.
export default defineConfig({
  base: '/admin/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    proxy: Object.fromEntries(
      ['/admin/api', '/login', '/logout', '/api'].map((p) => [p, 'http://127.0.0.1:8000']),
    ),
  },
  test: { include: ['src/**/*.test.ts'] },
})
