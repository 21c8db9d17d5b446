/**
 * The committed page build (static/) is the build of the committed sources: its stamp (a hash
 * of web/ and of the bundled packages' versions) matches the sources now, and every file the
 * page names is there. Fails when web/ changed without `npm run build:web -w @switchyard/console`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { STATIC_DIR } from '../src/index.js';
import { sourceStamp, STAMP_FILE } from '../web/stamp.js';

it('ships a build of the current sources (rebuild with npm run build:web -w @switchyard/console)', () => {
  const stamp = JSON.parse(readFileSync(STAMP_FILE, 'utf8')) as { sources: string };
  expect(stamp.sources, 'static/ is stale: run npm run build:web -w @switchyard/console and commit static/').toBe(sourceStamp());
});

it('has every asset the page loads, and loads nothing from elsewhere', () => {
  const html = readFileSync(path.join(STATIC_DIR, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((r) => !r.startsWith('data:'));
  expect(refs.length).toBeGreaterThanOrEqual(2); // the script and the stylesheet
  for (const ref of refs) {
    expect(ref).toMatch(/^\/ui\/assets\//);
    expect(existsSync(path.join(STATIC_DIR, ref.slice('/ui/'.length)))).toBe(true);
  }
});
