// Lint: typescript-eslint's recommended rules over every package's sources and tests.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.d.ts', '.switchyard/**', 'plugins/console/static/**', '**/test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['tapable', 'koa', '@koa/*'], message: 'Plugins never import tapable or koa: use the hook view and routes API of @switchyard/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
