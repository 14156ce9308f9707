// One lint config for the whole workspace.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/coverage/**',
      '**/.cache/**',
      '**/node_modules/**',
      '**/drizzle/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Env is parsed and validated in exactly one module (apps/proxy/src/env.ts).
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Use the validated env (apps/proxy/src/env.ts).',
        },
      ],
    },
  },
  {
    files: [
      'apps/proxy/src/env.ts',
      '**/*.test.ts',
      '**/test/**',
      '**/*.config.ts',
      'scripts/**',
      '**/bench/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Bench scripts are plain Node ESM (Node 20 cannot strip types): declare the globals they use.
    files: ['**/bench/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'fetch',
          'Headers',
          'Response',
          'TextEncoder',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
)
