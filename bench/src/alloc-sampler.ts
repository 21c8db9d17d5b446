/**
 * Preloaded into a gateway by `npm run bench:alloc` (`node --import <this> …`): the first
 * SIGUSR2 starts V8's sampling heap profiler with collected objects included (so it counts
 * every allocation, not what survives), the second stops it and prints one `ALLOC` line per
 * allocating function (bytes, share) and the total to stderr.
 */
import { Session } from 'node:inspector';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const session = new Session();
session.connect();
let sampling = false;

function summarise(head: SamplingNode): string {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: SamplingNode) => {
    if (n.selfSize > 0) {
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(core|lib|plugins|cli)\//, '$1/')}:${f.lineNumber + 1}`;
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c);
  };
  walk(head);
  const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 25);
  return [`ALLOC total ${total}`, ...top.map(([k, v]) => `ALLOC fn ${v} ${k}`)].join('\n');
}

process.on('SIGUSR2', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.enable', () =>
      session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object),
    );
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (err, res) => {
    if (err) return void process.stderr.write(`ALLOC failed ${err.message}\n`);
    process.stderr.write(`${summarise((res as unknown as { profile: { head: SamplingNode } }).profile.head)}\nALLOC end\n`);
  });
});
