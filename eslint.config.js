// One lint config for the whole workspace.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import signals from '@preact/eslint-plugin-signals'

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
    // The console's signals: the plugin's anti-patterns (docs in its README), with type
    // information so a signal reached through a model or a hook's result is recognised too.
    files: ['apps/admin/src/**/*.{ts,tsx}'],
    plugins: { signals },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'signals/no-signal-write-in-computed': 'error',
      'signals/no-value-after-await': 'error',
      'signals/no-signal-truthiness': 'error',
      'signals/no-signal-in-component-body': 'error',
      'signals/no-conditional-value-read': 'error',
    },
  },
  {
    // A test reads `.value` after awaiting an action to assert its result; no reactive scope
    // is tracking there, which is what the rule guards.
    files: ['apps/admin/src/**/*.test.ts'],
    rules: { 'signals/no-value-after-await': 'off' },
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
