/**
 * The mutants of `npm run mutate` must keep applying to the code as it is: a refactor that
 * moves the code a mutant targets (or the tests its covering filters name) fails here, in
 * the unit suite, instead of leaving the mutation run to go stale. Cheap: no mutant is run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMutants } from './check.js';
import { COVERING_TESTS, MUTANTS, type Mutant } from './mutants.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A git repo holding one source file, one test file and the mutation runner with `mutants`. */
function fixture(mutants: Mutant[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-mutants-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'test/mutation'), { recursive: true });
  writeFileSync(path.join(dir, 'src/limit.ts'), 'export const over = (n: number, max: number) => n > max;\n');
  writeFileSync(path.join(dir, 'test/limit.test.ts'), '// covers src/limit.ts\n');
  for (const f of ['run.ts', 'check.ts']) copyFileSync(path.join(HERE, f), path.join(dir, 'test/mutation', f));
  writeFileSync(
    path.join(dir, 'test/mutation/mutants.ts'),
    `export const MUTANTS = ${JSON.stringify(mutants)};\n` +
      `export const COVERING_TESTS = { 'src/': { include: ['test/limit'] } };\n`,
  );
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const runCheck = (dir: string) => spawnSync(process.execPath, [TSX, path.join(dir, 'test/mutation/run.ts'), '--check'], { cwd: dir, encoding: 'utf8' });

const boundary: Mutant = { id: 'limit-boundary', file: 'src/limit.ts', bug: 'the limit itself is over', edits: [{ search: 'n > max', replace: 'n >= max' }] };

describe('mutation testing stays current', () => {
  it('every mutant of test/mutation/mutants.ts applies to the code as it is, and its covering tests exist', () => {
    expect(checkMutants(ROOT, MUTANTS, COVERING_TESTS)).toEqual([]);
  });

  it('names each way a mutant can go stale: moved file, search text gone or doubled, no-op edit, unmapped file, filters matching no test', () => {
    const dir = fixture([]);
    const stale: Mutant[] = [
      { ...boundary, id: 'moved', file: 'src/gone.ts' },
      { ...boundary, id: 'rewritten', edits: [{ search: 'n > limit', replace: 'n >= limit' }] },
      { ...boundary, id: 'twice', edits: [{ search: 'number', replace: 'bigint' }] },
      { ...boundary, id: 'no-op', edits: [{ search: 'n > max', replace: 'n > max' }] },
      { ...boundary, id: 'unmapped', file: 'test/limit.test.ts', edits: [{ search: 'covers', replace: 'tests' }] },
      boundary,
      boundary,
    ];
    const problems = checkMutants(dir, stale, { 'src/': { include: ['test/limit', 'test/renamed'] }, 'lib/': { include: ['test/limit'] } });
    expect(problems).toEqual([
      'moved: file src/gone.ts does not exist (the code moved: point the mutant at its new place)',
      'rewritten (src/limit.ts): edit 1: search text found 0 times (expected once): "n > limit"',
      'twice (src/limit.ts): edit 1: search text found 2 times (expected once): "number"',
      'no-op (src/limit.ts): edit 1: replaces its search text with itself (not a mutant)',
      'unmapped: no covering tests mapped for test/limit.test.ts: add it to COVERING_TESTS in test/mutation/mutants.ts',
      'limit-boundary: duplicate id',
      "COVERING_TESTS['src/']: filter 'test/renamed' matches no test file",
      "COVERING_TESTS['lib/']: no such file or folder",
    ]);
  });

  it('`npm run mutate -- --check` exits 0 when every mutant applies, and 1 naming the stale one, running no test', () => {
    const ok = runCheck(fixture([boundary]));
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('all 1 mutants apply');
    expect(ok.status).toBe(0);

    const stale = runCheck(fixture([boundary, { ...boundary, id: 'stale-one', edits: [{ search: 'n > limit', replace: 'n >= limit' }] }]));
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('stale-one (src/limit.ts): edit 1: search text found 0 times');
    expect(stale.stdout).not.toContain('mutation run');
  });
});
