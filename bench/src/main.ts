/**
 * `npm run bench [-- --quick] [--targets a,b] [--source] [--profile target]`
 * `npm run bench -- --scenario conversation [--turns 200] [--source]`
 * `npm run bench -- --scenario batches [--lines 10000] [--file-mb 1024] [--source]`
 *
 * Prints one table (Markdown) with ratios to the floor and the goal checks; writes
 * `bench/results/<timestamp>.json` and `bench/results/latest.json`.
 */
import { parseArgs } from 'node:util';
import { runBench } from './bench.js';
import { runBatchesBench } from './batches.js';
import { runConversationBench } from './conversation.js';
import { killAll } from './procs.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

const USAGE = `Usage: npm run bench -- [options]
  --quick             tiny run for CI smoke (proves it works; never judge speed by it)
  --targets a,b       subset of: ${TARGET_NAMES.join(', ')}
  --source            run the servers from TypeScript via tsx (default of --quick) instead of
                      building with npx tsc -b and running dist (default of full runs)
  --profile TARGET    write a V8 CPU profile of that target's server to bench/results/profiles/
  --out DIR           results folder (default bench/results)
  --scenario NAME     gateway (default: the table above) or conversation (per-turn latency of
                      a long conversation: conversation bridged, native, previous_response_id)
  --turns N           turns of the conversation scenario (default 200)
                      or batches (lines/s of a gateway-executed batch, Files MB/s, RSS)
  --lines N           lines of the batches scenario's batch (default 10000)
  --file-mb N         MB uploaded and downloaded by the batches scenario (default 1024)
`;

function parseTargets(value: string | undefined): TargetName[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) if (!(TARGET_NAMES as readonly string[]).includes(n)) throw new Error(`unknown target "${n}"`);
  return names as TargetName[];
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      targets: { type: 'string' },
      source: { type: 'boolean', default: false },
      profile: { type: 'string' },
      out: { type: 'string' },
      scenario: { type: 'string', default: 'gateway' },
      turns: { type: 'string' },
      lines: { type: 'string' },
      'file-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
  parseTargets(values.targets);
  if (values.profile) parseTargets(values.profile);
  if (values.scenario !== 'gateway' && values.scenario !== 'conversation' && values.scenario !== 'batches') throw new Error(`unknown scenario "${values.scenario}"`);
  if (values.turns !== undefined && !(Number.isInteger(Number(values.turns)) && Number(values.turns) >= 3)) throw new Error('--turns takes a whole number, at least 3');
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

if (values.scenario === 'batches') {
  const b = await runBatchesBench({
    lines: values.lines === undefined ? undefined : Number(values.lines),
    fileMb: values['file-mb'] === undefined ? undefined : Number(values['file-mb']),
    mode: values.source ? 'source' : undefined,
    outDir: values.out,
  });
  process.stdout.write(`\n${b.table}\n\nJSON: ${b.file}\n`);
  process.exit(0);
}

if (values.scenario === 'conversation') {
  const conv = await runConversationBench({ turns: values.turns === undefined ? undefined : Number(values.turns), mode: values.source ? 'source' : undefined, outDir: values.out });
  process.stdout.write(`\n${conv.table}\n\n${conv.machine.cpus} × ${conv.machine.cpuModel}, Node ${conv.machine.node}; gateway from ${conv.serversFrom}\nJSON: ${conv.file}\n`);
  process.exit(0);
}

const record = await runBench({
  quick: values.quick,
  targets: parseTargets(values.targets),
  mode: values.source ? 'source' : undefined,
  profile: values.profile as TargetName | undefined,
  outDir: values.out,
});
const load = record.machine.loadavg.map((n) => n.toFixed(2)).join(' ');
process.stdout.write(`\n${record.table}\n\n`);
process.stdout.write(
  `${record.machine.cpus} × ${record.machine.cpuModel}, Node ${record.machine.node}, load ${load} at the end; gateway from ${record.serversFrom.gateway}, upstream and floor from ${record.serversFrom.benchServers}; ` +
    `upstream latency ${record.upstream.latencyMs} ms; stream pace ${record.upstream.fastPaceMs} ms (load), ${record.upstream.pacedPaceMs} ms (TTFC), ${record.upstream.idlePaceMs} ms (open streams)\n`,
);
process.stdout.write(
  `production plugins: ${record.productionPlugins.map((p) => (p.included ? p.name : `${p.name} (${p.reason})`)).join(', ')}\n`,
);
if (record.quick) process.stdout.write('quick mode: a smoke run; the figures are not measurements\n');
for (const g of record.goals) process.stdout.write(`${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured}\n`);
process.stdout.write(`JSON: ${record.file}\n`);
const failed = record.rows.filter((r) => r.status === 'failed');
process.exit(failed.length > 0 ? 1 : 0);
