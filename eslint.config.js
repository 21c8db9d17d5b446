// Lint: typescript-eslint's recommended rules over every package's sources and tests, and the
// architecture's import rules: plugins never import tapable or koa, and never another plugin
// (sources or tests: tests get other plugins from the test kit); libraries (lib/*) are fine.
// The core's sources import no @switchyard package; a library's import no plugin.
import { readdirSync, readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const NO_TAPABLE_KOA = { group: ['tapable', 'koa', '@koa/*'], message: 'Plugins never import tapable or koa: use the hook view and routes API of @switchyard/core.' };
const plugins = readdirSync('plugins', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ dir: d.name, name: JSON.parse(readFileSync(`plugins/${d.name}/package.json`, 'utf8')).name }));
// shared machinery lives in library packages (lib/*): plugins may use those
const libraries = readdirSync('lib', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => JSON.parse(readFileSync(`lib/${d.name}/package.json`, 'utf8')).name);
const isolation = plugins.map(({ dir, name }) => ({
  files: [`plugins/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          NO_TAPABLE_KOA,
          {
            group: ['@switchyard/*', '!@switchyard/core', ...libraries.map((l) => `!${l}`), '!@switchyard/test-kit', `!${name}`],
            message: 'A plugin never imports another plugin (in tests, take it from @switchyard/test-kit).',
          },
        ],
      },
    ],
  },
}));

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
      'no-restricted-imports': ['error', { patterns: [NO_TAPABLE_KOA] }],
    },
  },
  ...isolation,
  {
    files: ['core/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  // the core depends on no library or plugin (it loads its built-in parts by package name at run time)
  {
    files: ['core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@switchyard/*'], message: 'The core imports no library or plugin: ask for a service, or load a plugin by name (config/built-ins.ts).' }] }],
    },
  },
  // a library builds on the core and other libraries, never on a plugin
  {
    files: ['lib/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [NO_TAPABLE_KOA, { group: ['@switchyard/*', '!@switchyard/core', ...libraries.map((l) => `!${l}`)], message: 'A library never imports a plugin: plugins build on libraries.' }] },
      ],
    },
  },
);
