/**
 * One benchmark run: upstream process, load generator process, then each target in turn
 * (its own process), the table, and the JSON record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { productionPlugins, writeConfig, type PluginStatus, type Upstreams } from './configs.js';
import { startLoadGen } from './loadgen-client.js';
import { measureTarget } from './measure.js';
import { FULL, QUICK, type Plan } from './plan.js';
import { startProcess, type Proc } from './procs.js';
import { derive, goals, table, type Goal, type Row } from './report.js';
import { chatBody, HEADERS, TARGET_NAMES, UPSTREAM_READY, type Endpoint, type TargetName } from './targets.js';

/** Options of a run. */
export interface BenchOptions {
  quick?: boolean;
  /** Targets to run (default: all; `nowait` and `workers2` only in full runs). */
  targets?: TargetName[];
  /**
   * How servers run: `dist` builds with `npx tsc -b` first and runs compiled JavaScript (what
   * users deploy; the default of full runs), `source` runs TypeScript through tsx (no build;
   * the default of `--quick`). A failed build falls back to source and says so.
   */
  mode?: 'dist' | 'source';
  /** Write a V8 CPU profile of this target's server into `<outDir>/profiles`. */
  profile?: TargetName;
  /** Where the JSON goes (default bench/results). */
  outDir?: string;
  /** Scenario sizes instead of QUICK/FULL (the unit test's shape check uses a tinier one). */
  plan?: Plan;
  /** Emulated upstream timings instead of the defaults (a faster open-streams pace for the unit test). */
  upstream?: Partial<typeof UPSTREAM>;
  log?: (line: string) => void;
}

/** The JSON record of a run. */
export interface BenchRecord {
  startedAt: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string; loadavg: number[] };
  upstream: typeof UPSTREAM;
  plan: Plan;
  /** How the gateway and the bench's own servers (upstream, floor) ran: `dist` or `source (tsx)`. */
  serversFrom: { gateway: string; benchServers: string };
  productionPlugins: PluginStatus[];
  rows: Row[];
  goals: Goal[];
  table: string;
  file?: string;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const ROOT = path.resolve(BENCH_DIR, '..');
const TSX = ['--conditions=@switchyard/source', '--import', 'tsx'];
/** Upstream: fixed latency before every answer, and the pace of each emulator's streams. */
const UPSTREAM = { latencyMs: 2, fastPaceMs: 1, pacedPaceMs: 50, idlePaceMs: 1000 };
const CHAT = '/v1/chat/completions';

const LABELS: Record<TargetName, string> = {
  direct: 'direct to emulator',
  floor: 'floor: bare Node proxy',
  minimal: 'Switchyard minimal',
  production: 'Switchyard production',
  nowait: 'Switchyard production, records not awaited',
  workers2: 'Switchyard production, --workers 2',
};

/** node arguments that run `file` (path from the repo root, without extension) from source or dist. */
export function script(dist: boolean, srcFile: string): string[] {
  if (!dist) return [...TSX, path.join(ROOT, `${srcFile}.ts`)];
  return [path.join(ROOT, `${srcFile.replace('/src/', '/dist/')}.js`)];
}

/** Builds the given projects with `npx tsc -b`; false (and the first errors logged) when it fails. */
export function build(projects: string[], what: string, log: (line: string) => void): boolean {
  log(`building ${what}: npx tsc -b ${projects.join(' ')}`);
  const r = spawnSync('npx', ['tsc', '-b', ...projects], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return true;
  log(`build failed; ${what} runs from source instead:\n${(r.stdout + r.stderr).split('\n').slice(0, 10).join('\n')}`);
  return false;
}

const PRODUCTION_DIRS = ['store-sqlite', 'session-tracker', 'cost-tracker', 'logger-file', 'otel', 'console'];

/** Starts the gateway CLI on `configFile` (port 0) and waits until it listens. */
export async function startGateway(configFile: string, dist: boolean, profileDir: string | undefined, workers?: number, nodeArgs: string[] = []): Promise<{ proc: Proc; port: number }> {
  const cli = script(dist, 'cli/src/main');
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...nodeArgs, ...prof, ...cli, '--config', configFile, '--port', '0', ...(workers ? ['--workers', String(workers)] : [])];
  const ready = workers ? /workers listening on port (\d+)/ : /listening on http:\/\/[^\s]+:(\d+)\/v1/;
  const { proc, match } = await startProcess(args, ready, { cwd: ROOT });
  return { proc, port: Number(match[1]) };
}

/**
 * Runs the benchmark and returns its record (also printed and written as JSON).
 *
 * @example
 * ```ts
 * const record = await runBench({ quick: true });
 * console.log(record.table);
 * ```
 */
export async function runBench(opts: BenchOptions = {}): Promise<BenchRecord> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = opts.plan ?? (opts.quick ? QUICK : FULL);
  const upstreamTimings = { ...UPSTREAM, ...opts.upstream };
  const wanted = opts.targets ?? TARGET_NAMES.filter((t) => (t !== 'workers2' && t !== 'nowait') || !opts.quick);
  const outDir = opts.outDir ?? path.join(BENCH_DIR, 'results');
  const wantDist = (opts.mode ?? (opts.quick ? 'source' : 'dist')) === 'dist';
  const gatewayProjects = ['core', 'cli', 'plugins/provider-openai', 'plugins/chat', 'plugins/router', ...PRODUCTION_DIRS.map((d) => `plugins/${d}`)].filter((p) =>
    existsSync(path.join(ROOT, p, 'tsconfig.json')),
  );
  const dist = wantDist && build(gatewayProjects, 'the gateway', log);
  const benchDist = wantDist && build(['bench'], 'the upstream and floor servers', log);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
  const startedAt = new Date().toISOString();
  const profileDir = opts.profile ? path.join(outDir, 'profiles', startedAt.replace(/[:.]/g, '-')) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const procs: Proc[] = [];
  const gen = await startLoadGen();
  const rows: Row[] = [];
  let plugins: PluginStatus[] = [];
  try {
    const { proc: upstream, match } = await startProcess(
      [...script(benchDist, 'bench/src/upstream'), ...[upstreamTimings.latencyMs, upstreamTimings.fastPaceMs, upstreamTimings.pacedPaceMs, upstreamTimings.idlePaceMs].map(String)],
      UPSTREAM_READY,
      { cwd: ROOT },
    );
    procs.push(upstream);
    const origin = (port: string | undefined) => `http://127.0.0.1:${port}`;
    const up: Upstreams = { fast: origin(match[1]), paced: origin(match[2]), idle: origin(match[3]), bulk: origin(match[4]) };
    plugins = await productionPlugins(ROOT, tmp);
    log(`production plugins: ${plugins.map((p) => `${p.name} ${p.included ? 'included' : `left out, ${p.reason}`}`).join('; ')}`);

    const startFloor = async (): Promise<{ proc: Proc; origin: string }> => {
      const started = await startProcess([...script(benchDist, 'bench/src/floor'), up.fast, up.paced, up.idle, up.bulk], /^\{"port":(\d+)\}/m, { cwd: ROOT });
      return { proc: started.proc, origin: origin(started.match[1]) };
    };
    // a second floor, kept running, measured right around each gateway row's saturation
    let floorReference: (() => Promise<number>) | undefined;
    if (wanted.includes('floor') && wanted.some((t) => t !== 'floor' && t !== 'direct')) {
      const ref = await startFloor();
      procs.push(ref.proc);
      const job = { url: `${ref.origin}${CHAT}`, headers: { ...HEADERS }, body: chatBody('bench', false) };
      await gen.http({ ...job, connections: plan.warmup.connections, duration: plan.warmup.seconds });
      floorReference = async () => (await gen.http({ ...job, connections: plan.saturation.connections, duration: plan.saturation.seconds })).rps;
    }

    for (const target of wanted) {
      const label = LABELS[target];
      log(`${label}`);
      let proc: Proc | undefined;
      const start = async (): Promise<Endpoint> => {
        if (target === 'direct') return { route: (kind) => ({ origin: up[kind], path: CHAT, model: 'bench' }) };
        if (target === 'floor') {
          const started = await startFloor();
          proc = started.proc;
          const floor = started.origin;
          return { route: (kind) => ({ origin: floor, path: kind === 'fast' ? CHAT : `/${kind}${CHAT}`, model: 'bench' }), pid: proc.pid };
        }
        const prod = target !== 'minimal';
        const file = writeConfig(tmp, target, up, prod ? plugins : [], target === 'nowait' ? { recordTimeoutMs: 0 } : undefined);
        const started = await startGateway(file, dist, opts.profile === target ? profileDir : undefined, target === 'workers2' ? 2 : undefined);
        proc = started.proc;
        const gw = origin(String(started.port));
        return { route: (kind) => ({ origin: gw, path: CHAT, model: kind === 'fast' ? 'bench' : `bench-${kind}` }), pid: proc.pid };
      };
      const restart = async () => {
        await proc?.stop();
        return start();
      };
      try {
        const ep = await start();
        const result = await measureTarget(gen, ep, plan, log, target === 'direct' ? undefined : restart, target === 'direct' || target === 'floor' ? undefined : floorReference);
        rows.push({
          target,
          label: target === 'production' || target === 'nowait' || target === 'workers2' ? `${label} (${plugins.filter((p) => p.included).length}/${plugins.length} plugins)` : label,
          status: 'ok',
          result,
        });
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
        if (proc) log(proc.stderr().slice(-3000));
        rows.push({ target, label, status: 'failed', note: (err as Error).message.split('\n')[0] });
      } finally {
        await proc?.stop();
      }
    }
  } finally {
    gen.close();
    for (const p of procs) await p.stop();
    rmSync(tmp, { recursive: true, force: true });
  }

  derive(rows);
  const text = table(rows, plan.open.count);
  const record: BenchRecord = {
    startedAt,
    quick: opts.quick ?? false,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, loadavg: os.loadavg() },
    upstream: upstreamTimings,
    plan,
    serversFrom: { gateway: dist ? 'dist' : 'source (tsx)', benchServers: benchDist ? 'dist' : 'source (tsx)' },
    productionPlugins: plugins,
    rows,
    goals: goals(rows, plan.open.count),
    table: text,
  };
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${startedAt.replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}.json`);
  record.file = file;
  const json = `${JSON.stringify(record, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(path.join(outDir, 'latest.json'), json);
  return record;
}
