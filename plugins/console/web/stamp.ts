/**
 * The stamp of the committed page build: a hash of the page's sources (web/) and of the
 * versions of what is bundled into it (from the lock file). `static/build-stamp.json` holds
 * the stamp of the sources it was built from; a test fails when they differ (the committed
 * build is stale): rebuild with `npm run build:web -w @switchyard/console`.
 *
 * `tsx web/stamp.ts --write` writes the stamp (the build script runs it after Vite).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const LOCK = path.resolve(WEB, '../../../package-lock.json');
/** Where the build writes its stamp. */
export const STAMP_FILE = path.resolve(WEB, '../static/build-stamp.json');
/** Packages bundled into the page, or building it. */
const BUNDLED = ['preact', 'chart.js', 'eventsource-parser', 'vite', '@kurkle/color'];

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
}

/**
 * The stamp of the page's sources now.
 *
 * @example
 * ```ts
 * expect(JSON.parse(readFileSync(STAMP_FILE, 'utf8')).sources).toBe(sourceStamp());
 * ```
 */
export function sourceStamp(): string {
  const hash = createHash('sha256');
  for (const file of files(WEB)) {
    hash.update(path.relative(WEB, file).split(path.sep).join('/'));
    hash.update('\0');
    // line endings do not change the build
    hash.update(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
    hash.update('\0');
  }
  const lock = JSON.parse(readFileSync(LOCK, 'utf8')) as { packages: Record<string, { version?: string }> };
  for (const name of BUNDLED) hash.update(`${name}@${lock.packages[`node_modules/${name}`]?.version ?? 'none'}\0`);
  return hash.digest('hex');
}

if (process.argv.includes('--write')) {
  writeFileSync(STAMP_FILE, `${JSON.stringify({ sources: sourceStamp(), note: 'npm run build:web -w @switchyard/console rebuilds static/ and this stamp' }, null, 2)}\n`);
}
