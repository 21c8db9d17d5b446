/**
 * `npm run mutate`: puts each targeted mutant of ./mutants.ts into a throwaway copy of the
 * repo, one at a time, runs only the tests covering the mutated file, and reports which
 * mutants the tests caught and which they missed. Before anything runs, every mutant is
 * checked to apply (./check.ts): one whose file or search text is gone (the code moved)
 * stops the run with exit 1 before any test runs. The working tree is never touched.
 *
 *   npm run mutate                      # every mutant
 *   npm run mutate -- --check           # only check that every mutant applies (no tests run; also in npm test)
 *   npm run mutate -- --only budget     # mutants whose id contains "budget" (repeatable)
 *   npm run mutate -- --list            # the mutants and their covering tests, no run
 *   npm run mutate -- --in-place        # mutate the working tree itself (each file restored after its run)
 *   npm run mutate -- --all-failures    # do not stop at the first failing test: name every test that caught it
 *
 * Exit status: 0 when every mutant ran (caught or missed), 1 when any mutant does not apply
 * (nothing runs then), 2 when the covering tests fail without a mutant (nothing can be
 * concluded then).
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMutants, coveringTests, listTestFiles, mutate, selectedTests } from './check.js';
import { COVERING_TESTS, MUTANTS, type Mutant } from './mutants.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
const TIMEOUT_MS = 10 * 60_000;

type Outcome = 'caught' | 'missed' | 'timeout';
interface Result {
  mutant: Mutant;
  outcome: Outcome;
  detail: string;
  ms: number;
}

function parseArgs(argv: string[]) {
  const only: string[] = [];
  let list = false;
  let keep = false;
  let inPlace = false;
  let allFailures = false;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (a.startsWith('--only=')) only.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--list') list = true;
    else if (a === '--keep') keep = true;
    else if (a === '--in-place') inPlace = true;
    else if (a === '--all-failures') allFailures = true;
    else if (a === '--check') check = true;
    else throw new Error(`unknown argument ${a} (use --only ID, --list, --check, --keep, --in-place, --all-failures)`);
  }
  return { only, list, keep, inPlace, allFailures, check };
}

const TEST_FILES = listTestFiles(ROOT);

/** vitest's arguments for the tests covering `file`: the test files themselves, so what runs is what `--check` saw. */
const vitestArgs = (file: string, bail = true) => ['run', ...selectedTests(coveringTests(file, COVERING_TESTS), TEST_FILES), ...(bail ? ['--bail=1'] : []), '--reporter=dot'];

/** A copy of the working tree (tracked and untracked, not ignored) whose node_modules links to ours. */
function makeCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-mutate-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    copyFileSync(from, path.join(dir, f));
  }
  const nm = path.join(dir, 'node_modules');
  mkdirSync(nm);
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.vite')) continue; // caches: the copy keeps its own
    if (entry === '@switchyard') {
      // workspace links are relative (../../core): the same link in the copy points into the copy
      mkdirSync(path.join(nm, entry));
      for (const pkg of readdirSync(path.join(ROOT, 'node_modules', entry))) {
        symlinkSync(readlinkSync(path.join(ROOT, 'node_modules', entry, pkg)), path.join(nm, entry, pkg));
      }
    } else {
      symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(nm, entry));
    }
  }
  return dir;
}

/** Runs vitest in `cwd`; resolves with the exit code (null on timeout) and the output. */
function runVitest(cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VITEST, ...args], { cwd, detached: true, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, output });
    });
  });
}

/** The failing tests named in vitest's output (`file › test`), or its last lines when it names none. */
function failures(raw: string, all: boolean): string {
  const output = raw.replace(/\u001b\[[0-9;]*m/g, '');
  const names = [
    ...new Set(
      output
        .split('\n')
        .filter((l) => /^\s*FAIL\s/.test(l))
        .map((l) => {
          const parts = l.trim().replace(/^FAIL\s+/, '').split(' > ');
          return `${parts[0]} › ${parts.at(-1)}`;
        }),
    ),
  ];
  if (names.length === 0) return output.trim().split('\n').slice(-3).join(' ').slice(0, 200);
  return all ? `\n${names.map((n) => `          ${n}`).join('\n')}` : names[0]!.slice(0, 200);
}

async function main(): Promise<number> {
  const { only, list, keep, inPlace, allFailures, check } = parseArgs(process.argv.slice(2));
  // every mutant, not just the selected ones: a stale mutant is an error whatever runs
  const problems = checkMutants(ROOT, MUTANTS, COVERING_TESTS, TEST_FILES);
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s) with the mutants (the code or the tests moved: re-target them in test/mutation/mutants.ts):`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  if (check) {
    console.log(`all ${MUTANTS.length} mutants apply, each to covering tests that exist`);
    return 0;
  }
  const mutants = only.length ? MUTANTS.filter((m) => only.some((o) => m.id.includes(o))) : MUTANTS;
  if (mutants.length === 0) throw new Error(`no mutant id contains ${only.join(', ')}`);
  if (list) {
    for (const m of mutants) {
      const c = coveringTests(m.file, COVERING_TESTS);
      console.log(`${m.id.padEnd(40)} ${m.file}\n${''.padEnd(40)} ${selectedTests(c, TEST_FILES).length} test files: ${c.include.join(' ')}${c.exclude ? ` (not ${c.exclude.join(' ')})` : ''}`);
    }
    return 0;
  }

  const copy = inPlace ? ROOT : makeCopy();
  // the file being mutated, put back on any exit (in place, this is the working tree)
  let mutating: { target: string; original: string } | undefined;
  const cleanup = () => {
    if (mutating) writeFileSync(mutating.target, mutating.original);
    mutating = undefined;
    if (!keep && !inPlace) rmSync(copy, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    console.log(`mutation run: ${mutants.length} mutants, in ${copy}`);
    // every covering test group must pass unmutated, else a "caught" means nothing
    const groups = [...new Set(mutants.map((m) => vitestArgs(m.file).join('\u0000')))];
    for (const g of groups) {
      const args = g.split('\u0000');
      const base = await runVitest(copy, args);
      if (base.code !== 0) {
        console.error(`the covering tests fail without any mutant: vitest ${args.join(' ')}\n${base.output.slice(-3000)}`);
        return 2;
      }
    }

    const results: Result[] = [];
    for (const m of mutants) {
      const started = Date.now();
      const target = path.join(copy, m.file);
      const original = readFileSync(target, 'utf8');
      const mutated = mutate(original, m);
      if ('stale' in mutated) throw new Error(`${m.id} no longer applies in the copy: ${mutated.stale}`); // checked above: the tree changed during the run
      mutating = { target, original };
      writeFileSync(target, mutated.text);
      try {
        const run = await runVitest(copy, vitestArgs(m.file, !allFailures));
        const outcome: Outcome = run.code === null ? 'timeout' : run.code === 0 ? 'missed' : 'caught';
        results.push({ mutant: m, outcome, detail: outcome === 'missed' ? m.bug : outcome === 'timeout' ? 'tests hung (counted as caught)' : failures(run.output, allFailures), ms: Date.now() - started });
      } finally {
        writeFileSync(target, original);
        mutating = undefined;
      }
      report(results.at(-1)!);
    }

    const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
    const caught = count('caught') + count('timeout');
    const ran = caught + count('missed');
    const score = ran ? (100 * caught) / ran : 0;
    console.log(`\nmutation score: ${caught} of ${ran} caught (${score.toFixed(0)}%)`);
    for (const r of results.filter((x) => x.outcome === 'missed')) console.log(`  missed: ${r.mutant.id} (${r.mutant.file}): ${r.mutant.bug}`);
    return 0;
  } finally {
    cleanup();
  }
}

function report(r: Result): void {
  const secs = (r.ms / 1000).toFixed(1).padStart(5);
  console.log(`${r.outcome.toUpperCase().padEnd(7)} ${secs}s  ${r.mutant.id.padEnd(36)} ${r.detail}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
