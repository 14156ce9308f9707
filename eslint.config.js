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
)
