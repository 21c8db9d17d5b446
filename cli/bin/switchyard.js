#!/usr/bin/env node
// The `switchyard` command. In a checkout of the repository (src/ is there) it runs the
// TypeScript sources through tsx, so `npx switchyard` works on a fresh clone with no build and
// always runs the code as it is; in an installed package it runs the built CLI (dist/).
// cluster workers (--workers N) re-run this file, so they take the same path.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, '..', 'src', 'main.ts');
const built = path.join(here, '..', 'dist', 'main.js');

function tsxApi() {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

const tsx = existsSync(source) ? tsxApi() : undefined;
if (tsx) {
  const { register: registerTsx } = await import(tsx);
  registerTsx();
  // workspace packages export their sources under the '@switchyard/source' condition
  register(
    'data:text/javascript,export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@switchyard/source"] }); }',
  );
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write('switchyard: the CLI is not built: run `npm run build` in the repository (or `npm install` to get tsx)\n');
  process.exit(1);
}
