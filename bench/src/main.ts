/**
 * `npm run bench [-- --quick] [--targets a,b] [--source] [--profile target]`
 *
 * Prints one table (Markdown) with ratios to the floor and the goal checks; writes
 * `bench/results/<timestamp>.json` and `bench/results/latest.json`.
 */
import { parseArgs } from 'node:util';
import { runBench } from './bench.js';
import { killAll } from './procs.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

const USAGE = `Usage: npm run bench -- [options]
  --quick             tiny run for CI smoke (proves it works; never judge speed by it)
  --targets a,b       subset of: ${TARGET_NAMES.join(', ')}
  --source            run the servers from TypeScript via tsx (default of --quick) instead of
                      building with npx tsc -b and running dist (default of full runs)
  --profile TARGET    write a V8 CPU profile of that target's server to bench/results/profiles/
  --out DIR           results folder (default bench/results)
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
  parseTargets(values.targets);
  if (values.profile) parseTargets(values.profile);
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
