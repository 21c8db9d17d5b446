/**
 * The long-conversation scenario (`npm run bench -- --scenario conversation`): one client
 * runs 200 turns, one after another, on one conversation, and the latency of every turn is
 * measured, to see how the cost of a turn grows with the conversation. Three ways to keep
 * state, each on a gateway CLI of its own (store-sqlite, responses, conversations):
 *
 * - `conversation, bridged`: `conversation: conv_…` on a bridged model (the mock's echo): each
 *   turn reads the conversation's items from the store and sends them all upstream;
 * - `conversation, native`: the same on an OpenAI deployment (the emulator, its own process):
 *   the upstream holds the conversation, the gateway passes its id;
 * - `previous_response_id, bridged`: the chain the Responses API had before, for comparison.
 *
 * Measured, not asserted: the table says how a late turn compares with an early one. Each
 * gateway first runs 30 turns on another conversation (JIT warm-up).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { build, ROOT, script, startGateway } from './bench.js';
import { startProcess, type Proc } from './procs.js';
import { UPSTREAM_READY } from './targets.js';
import { r3, summarize, type Latency } from './stats.js';

/** Options of the scenario. */
export interface ConversationBenchOptions {
  /** Turns per conversation (default 200). */
  turns?: number;
  /** Turns run first on another conversation (default 30). */
  warmUp?: number;
  mode?: 'dist' | 'source';
  outDir?: string;
  log?: (line: string) => void;
}

/** One way of keeping state, measured. */
export interface ConversationRow {
  label: string;
  /** Per-turn latency (ms) of the first, middle and last twenty turns. */
  first: Latency;
  middle: Latency;
  last: Latency;
  /** last.p50 / first.p50. */
  growth: number;
  /** Items the conversation holds at the end (gateway-kept ones), or turns in the chain. */
  items: number;
}

/** The JSON record of a run. */
export interface ConversationBenchRecord {
  startedAt: string;
  turns: number;
  machine: { cpus: number; cpuModel: string; node: string; loadavg: number[] };
  serversFrom: string;
  rows: ConversationRow[];
  table: string;
  file?: string;
}

/** Turns per measured window (first, middle, last). */
const WINDOW = 20;
/** Turns run before measuring (on another conversation), so JIT warm-up is not counted as turn 1's cost. */
const WARM_UP = 30;

const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };

async function post(origin: string, p: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${origin}${p}`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
  const json = (await res.body.json()) as Record<string, unknown>;
  if (res.statusCode !== 200) throw new Error(`${p} answered ${res.statusCode}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Runs `turns` turns one after another; the latency of each in ms. */
async function turnsOf(origin: string, turns: number, body: (i: number, previous: string | undefined) => Record<string, unknown>): Promise<number[]> {
  const out: number[] = [];
  let previous: string | undefined;
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    const r = await post(origin, '/v1/responses', body(i, previous));
    out.push(performance.now() - started);
    previous = r.id as string;
  }
  return out;
}

function row(label: string, samples: number[], items: number): ConversationRow {
  const ten = Math.max(1, Math.min(WINDOW, Math.floor(samples.length / 3)));
  const mid = Math.floor(samples.length / 2) - Math.floor(ten / 2);
  const first = summarize(samples.slice(0, ten));
  const last = summarize(samples.slice(-ten));
  return { label, first, middle: summarize(samples.slice(mid, mid + ten)), last, growth: r3(last.p50 / first.p50), items };
}

function table(rows: ConversationRow[], turns: number): string {
  const ms = (l: Latency) => `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)}`;
  const lines = [
    `| ${turns}-turn conversation | first ${WINDOW} turns p50 / p99 (ms) | middle ${WINDOW} | last ${WINDOW} | last ÷ first (p50) | items at the end |`,
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${ms(r.first)} | ${ms(r.middle)} | ${ms(r.last)} | ${r.growth.toFixed(2)}× | ${r.items} |`),
  ];
  return lines.join('\n');
}

/**
 * Runs the scenario.
 *
 * @example
 * ```ts
 * const record = await runConversationBench({ turns: 200 });
 * console.log(record.table);
 * ```
 */
export async function runConversationBench(opts: ConversationBenchOptions = {}): Promise<ConversationBenchRecord> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const turns = opts.turns ?? 200;
  const dirs = ['core', 'plugins/store-sqlite', 'plugins/responses', 'plugins/conversations', 'plugins/provider-mock', 'plugins/provider-openai'];
  const dist = (opts.mode ?? 'dist') === 'dist' && build(dirs, 'the gateway', log);
  const benchDist = (opts.mode ?? 'dist') === 'dist' && build(['bench'], 'the upstream', log);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-conv-'));
  const procs: Proc[] = [];
  const rows: ConversationRow[] = [];
  const startedAt = new Date().toISOString();
  try {
    const { proc: upstream, match } = await startProcess([...script(benchDist, 'bench/src/upstream'), '2', '1', '50', '1000'], UPSTREAM_READY, { cwd: ROOT });
    procs.push(upstream);
    const emulator = `http://127.0.0.1:${match[1]}/v1`;
    const gateway = async (name: string) => {
      const dataDir = path.join(tmp, name);
      mkdirSync(dataDir, { recursive: true });
      const file = path.join(tmp, `${name}.config.json`);
      writeFileSync(
        file,
        JSON.stringify({
          plugins: ['@switchyard/store-sqlite', '@switchyard/responses', '@switchyard/conversations', '@switchyard/provider-mock', '@switchyard/provider-openai'],
          models: [
            { name: 'bridged', provider: 'mock', model: 'echo' },
            { name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emulator, apiKey: 'sk-emulator' },
          ],
          dataDir,
          logLevel: 'warn',
          secret: 'switchyard-bench-secret-0123456789',
        }),
      );
      const started = await startGateway(file, dist, undefined);
      procs.push(started.proc);
      return `http://127.0.0.1:${started.port}`;
    };
    const input = (i: number) => `turn ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}`;

    for (const model of ['bridged', 'native'] as const) {
      log(`conversation, ${model}: ${turns} turns`);
      const origin = await gateway(`conv-${model}`);
      const conv = await post(origin, '/v1/conversations', {});
      await turnsOf(origin, opts.warmUp ?? WARM_UP, (i) => ({ model, conversation: (conv as { id: string }).id, input: `warm-up ${i}` }));
      const measuredConv = await post(origin, '/v1/conversations', {});
      const id = measuredConv.id as string;
      const samples = await turnsOf(origin, turns, (i) => ({ model, conversation: id, input: input(i) }));
      rows.push(row(`conversation, ${model}`, samples, turns * 2)); // each turn adds its input and its output
    }
    log(`previous_response_id, bridged: ${turns} turns`);
    const origin = await gateway('chain');
    await turnsOf(origin, opts.warmUp ?? WARM_UP, (i, prev) => ({ model: 'bridged', input: `warm-up ${i}`, previous_response_id: prev }));
    const samples = await turnsOf(origin, turns, (i, prev) => ({ model: 'bridged', input: input(i), ...(prev ? { previous_response_id: prev } : {}) }));
    rows.push(row('previous_response_id, bridged', samples, turns));
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  const record: ConversationBenchRecord = {
    startedAt,
    turns,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, loadavg: os.loadavg() },
    serversFrom: dist ? 'dist' : 'source (tsx)',
    rows,
    table: table(rows, turns),
  };
  const outDir = opts.outDir ?? path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  record.file = path.join(outDir, `conversation-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(record.file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
