/**
 * Bytes allocated per request (and per relayed chunk) by a gateway config under load: the
 * number behind GC time, tails and memory after a soak. V8's sampling heap profiler counts
 * every allocation (collected objects included) while the load generator runs a scenario.
 *
 * Run: npm run bench:alloc -- [minimal|production] [small|stream|large|large-stream] [seconds=6]
 * Prints KB per request (per chunk for the streamed scenarios) and the top allocating functions.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build, ROOT, script, startGateway } from './bench.js';
import { productionPlugins, writeConfig } from './configs.js';
import { startLoadGen } from './loadgen-client.js';
import { startProcess } from './procs.js';
import { chatBody, HEADERS, largeChatBody, UPSTREAM_READY } from './targets.js';

const [target = 'minimal', scenario = 'small', seconds = '6'] = process.argv.slice(2);
if (!['minimal', 'production'].includes(target) || !['small', 'stream', 'large', 'large-stream'].includes(scenario)) {
  console.error('usage: npm run bench:alloc -- [minimal|production] [small|stream|large|large-stream] [seconds]');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);
if (!build(['core', 'cli', 'plugins/provider-openai', 'plugins/chat', 'plugins/router', 'plugins/store-sqlite', 'plugins/session-tracker', 'plugins/cost-tracker', 'plugins/logger-file', 'plugins/otel', 'bench'], 'the gateway and the bench', log)) process.exit(1);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-alloc-'));
const { proc: upstream, match } = await startProcess([...script(true, 'bench/src/upstream'), '2', '1', '50', '1000'], UPSTREAM_READY, { cwd: ROOT });
const o = (p?: string) => `http://127.0.0.1:${p}`;
const up = { fast: o(match[1]), paced: o(match[2]), idle: o(match[3]), bulk: o(match[4]) };
const plugins = target === 'production' ? await productionPlugins(ROOT, tmp) : [];
const sampler = pathToFileURL(path.join(ROOT, 'bench/dist/alloc-sampler.js')).href;
const gw = await startGateway(writeConfig(tmp, target, up, plugins), true, undefined, undefined, ['--import', sampler]);
const gen = await startLoadGen();
const large = scenario.startsWith('large');
const stream = scenario.endsWith('stream');
const body = large ? largeChatBody('bench-bulk', stream) : chatBody('bench', stream);
const url = `http://127.0.0.1:${gw.port}/v1/chat/completions`;
try {
  await gen.http({ url, connections: 32, duration: 3, headers: { ...HEADERS }, body }); // warm up (JIT)
  process.kill(gw.proc.pid, 'SIGUSR2');
  const r = await gen.http({ url, connections: stream ? 16 : 64, duration: Number(seconds), headers: { ...HEADERS }, body });
  process.kill(gw.proc.pid, 'SIGUSR2');
  const end = Date.now() + 30_000;
  while (!gw.proc.stderr().includes('ALLOC end') && Date.now() < end) await new Promise((res) => setTimeout(res, 200));
  const lines = gw.proc.stderr().split('\n').filter((l) => l.startsWith('ALLOC '));
  const total = Number(/^ALLOC total (\d+)/.exec(lines[0] ?? '')?.[1]);
  // the large stream's answer is 400 chunks, the small one's 3 (role, content, finish)
  const chunks = stream ? (large ? 400 : 3) : 0;
  const perRequest = total / r.requests;
  console.log(`${target} ${scenario}: ${r.requests} requests, ${(perRequest / 1024).toFixed(1)} KB allocated per request${chunks ? `, ${(perRequest / chunks / 1024).toFixed(2)} KB per relayed chunk` : ''}`);
  for (const l of lines.slice(1).filter((x) => x.startsWith('ALLOC fn'))) {
    const [, bytes, fn] = /^ALLOC fn (\d+) (.*)$/.exec(l)!;
    console.log(`${(Number(bytes) / r.requests / 1024).toFixed(2).padStart(7)} KB/req  ${((100 * Number(bytes)) / total).toFixed(1).padStart(5)}%  ${fn}`);
  }
} finally {
  gen.close();
  await gw.proc.stop();
  await upstream.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
