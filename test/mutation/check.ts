/**
 * The cheap half of `npm run mutate`: whether every mutant still applies to the code as it is
 * (its file exists, each search text occurs exactly once) and whether its covering tests
 * still name test files. No test runs: `npm run mutate -- --check`, and the unit suite
 * (./mutants.test.ts), so a refactor that moves the code fails CI instead of leaving a mutant
 * to go stale unnoticed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Mutant } from './mutants.js';

/** Test filters of a source area: vitest path filters (substrings of test file paths). */
export interface Covering {
  include: string[];
  exclude?: string[];
}

/** The mutated text, or the reason the mutant does not apply. */
export function mutate(original: string, m: Mutant): { text: string } | { stale: string } {
  let text = original;
  for (const [i, e] of m.edits.entries()) {
    if (e.search === e.replace) return { stale: `edit ${i + 1}: replaces its search text with itself (not a mutant)` };
    const count = text.split(e.search).length - 1;
    if (count !== 1) return { stale: `edit ${i + 1}: search text found ${count} times (expected once): ${JSON.stringify(e.search.trim()).slice(0, 100)}` };
    text = text.replace(e.search, () => e.replace);
  }
  return { text };
}

/** The covering tests of a file: the entry with the longest matching prefix. */
export function coveringTests(file: string, covering: Record<string, Covering>): Covering {
  const key = Object.keys(covering)
    .filter((prefix) => file.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
  if (!key) throw new Error(`no covering tests mapped for ${file}: add it to COVERING_TESTS in test/mutation/mutants.ts`);
  return covering[key]!;
}

/** The test files vitest would run with `covering`'s filters (substring match, as vitest's CLI filters). */
export function selectedTests(covering: Covering, testFiles: readonly string[]): string[] {
  return testFiles.filter((f) => covering.include.some((i) => f.includes(i)) && !(covering.exclude ?? []).some((e) => f.includes(e)));
}

/** The repo's test files (tracked and untracked, not ignored). */
export function listTestFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => /\.test\.tsx?$/.test(f) && existsSync(path.join(root, f)));
}

/**
 * Everything wrong with `mutants` and `covering` against the tree at `root` (empty: all good):
 * duplicate ids, missing files, search texts not found exactly once, files no covering entry
 * maps, filters that match no test file, mutants whose covering tests select nothing.
 *
 * @example
 * ```ts
 * const problems = checkMutants(ROOT, MUTANTS, COVERING_TESTS);
 * if (problems.length) throw new Error(problems.join('\n'));
 * ```
 */
export function checkMutants(root: string, mutants: readonly Mutant[], covering: Record<string, Covering>, testFiles = listTestFiles(root)): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of mutants) {
    if (seen.has(m.id)) problems.push(`${m.id}: duplicate id`);
    seen.add(m.id);
    const file = path.join(root, m.file);
    if (!existsSync(file)) {
      problems.push(`${m.id}: file ${m.file} does not exist (the code moved: point the mutant at its new place)`);
      continue;
    }
    const applied = mutate(readFileSync(file, 'utf8'), m);
    if ('stale' in applied) problems.push(`${m.id} (${m.file}): ${applied.stale}`);
    let tests: Covering;
    try {
      tests = coveringTests(m.file, covering);
    } catch (err) {
      problems.push(`${m.id}: ${(err as Error).message}`);
      continue;
    }
    if (selectedTests(tests, testFiles).length === 0) problems.push(`${m.id}: its covering tests (${tests.include.join(', ')}) select no test file`);
  }
  for (const [prefix, c] of Object.entries(covering)) {
    if (!existsSync(path.join(root, prefix))) problems.push(`COVERING_TESTS['${prefix}']: no such file or folder`);
    for (const f of [...c.include, ...(c.exclude ?? [])]) {
      if (!testFiles.some((t) => t.includes(f))) problems.push(`COVERING_TESTS['${prefix}']: filter '${f}' matches no test file`);
    }
  }
  return problems;
}
