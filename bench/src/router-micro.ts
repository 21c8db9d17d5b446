/**
 * `npm run bench:router`: the router's own cost per call, in µs: ordering a model's
 * deployments with each strategy and recording the attempt (begin + end), with no I/O. Run
 * after `npm run bench` on the same machine; it is CPU only and short.
 */
import { ROUTER_STRATEGIES, type Deployment } from '@switchyard/core';
import { createMemoryState, createRouter } from '@switchyard/routing';

const N = Number(process.env.ROUTER_BENCH_CALLS ?? 300_000);
const deployments: Deployment[] = [0, 1, 2].map((i) => ({
  id: `gpt-4o#${i}`,
  name: 'gpt-4o',
  provider: 'openai',
  model: 'gpt-4o',
  options: {},
  weight: i + 1,
  rpm: 100_000,
  pricing: { inputCostPerToken: 1e-6 * (i + 1), outputCostPerToken: 4e-6 * (i + 1) },
}));

function measure(label: string, run: () => void): number {
  for (let i = 0; i < N / 10; i++) run(); // warm up the JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) run();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  process.stdout.write(`| ${label} | ${us.toFixed(3)} |\n`);
  return us;
}

process.stdout.write(`Router cost per call (${N.toLocaleString()} calls, 3 deployments), µs\n\n| what | µs per call |\n|---|---|\n`);
const single = createRouter({}, createMemoryState());
const one = deployments.slice(0, 1);
measure('one deployment (no ordering)', () => {
  const d = single.order(one, false)[0]!;
  single.begin(d);
  single.end(d, { ok: true, latencyMs: 10, tokens: 40 });
});
for (const strategy of ROUTER_STRATEGIES) {
  const router = createRouter({ strategy }, createMemoryState());
  measure(strategy, () => {
    const d = router.order(deployments, false)[0]!;
    router.begin(d);
    router.end(d, { ok: true, latencyMs: 10, tokens: 40 });
  });
}
