import { defineConfig } from 'vitest/config';

// Tests run from source: the '@switchyard/source' export condition maps every workspace
// package to its src/index.ts, so no build is needed before `npm test`.
// No 'module' condition: packages like @smithy/core map it to bundler-only builds (extensionless
// imports) that Node cannot load; 'node' picks the builds Node itself would use.
const conditions = ['@switchyard/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  // Vitest also passes ssr conditions to Node as --conditions; without 'import' there, so that
  // CommonJS packages with conditional exports (pg -> pg-pool) still require their CJS entry.
  ssr: { resolve: { conditions: conditions.filter((c) => c !== 'import'), externalConditions: ['@switchyard/source'] } },
  test: {
    include: ['core/test/**/*.test.ts', 'cli/test/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'plugins/*/test/**/*.test.tsx', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    server: { deps: { inline: [/@switchyard\//] } },
  },
});
