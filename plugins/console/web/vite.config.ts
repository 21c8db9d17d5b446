// Builds the console page into ../static (committed: the gateway serves it with no build step).
// `npm run build:web -w @switchyard/console` rebuilds it and its stamp (web/stamp.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:web`: the page from the sources, the API from a running gateway
const gateway = process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: here,
  base: '/ui/',
  logLevel: 'warn',
  server: { host: '127.0.0.1', proxy: { '/v1': gateway, '/spend': gateway, '/console': gateway } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../static', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // one file per kind: the page loads in one round trip of each
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
  },
});
