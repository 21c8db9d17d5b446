/**
 * The load generator process (forked by main.ts, talks over IPC): autocannon for request
 * throughput and latency, the undici stream client for time to first chunk. It runs in its
 * own process so it never shares an event loop with the server it measures.
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import { summarize, type Latency } from './stats.js';
import { measureTtfc, openStreams, type StreamTarget } from './streams.js';

/** A request-load job. */
export interface HttpJob {
  kind: 'http';
  url: string;
  connections: number;
  /** Seconds to run, or a request count. */
  duration?: number;
  amount?: number;
  headers: Record<string, string>;
  body: string;
}

/** What a request-load job measured. Latencies come from every response, in float ms. */
export interface HttpResult {
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
  latency: Latency;
  seconds: number;
}

/** A time-to-first-chunk job. */
export interface TtfcJob extends StreamTarget {
  kind: 'ttfc';
  concurrency: number;
  perWorker: number;
  staggerMs?: number;
}

/** An open-streams job. */
export interface OpenJob extends StreamTarget {
  kind: 'open';
  count: number;
}

/** Any job. */
export type Job = HttpJob | TtfcJob | OpenJob;

const MAX_SAMPLES = 2_000_000;

async function runHttp(job: HttpJob): Promise<HttpResult> {
  const samples = new Float64Array(MAX_SAMPLES);
  let n = 0;
  const start = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const inst = autocannon(
      {
        url: job.url,
        connections: job.connections,
        ...(job.amount ? { amount: job.amount } : { duration: job.duration ?? 10 }),
        method: 'POST',
        headers: job.headers,
        body: job.body,
        timeout: 30,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status < 300 && n < MAX_SAMPLES) samples[n++] = ms;
    });
  });
  const seconds = (performance.now() - start) / 1000;
  const requests = result['2xx'];
  return {
    rps: Math.round(requests / (job.amount ? seconds : result.duration)),
    requests,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    latency: summarize(samples.subarray(0, n)),
    seconds: Math.round(seconds * 10) / 10,
  };
}

async function run(job: Job): Promise<unknown> {
  if (job.kind === 'http') return runHttp(job);
  if (job.kind === 'ttfc') return measureTtfc(job, job.concurrency, job.perWorker, job.staggerMs);
  return openStreams(job, job.count, () => process.send!({ event: 'allOpen' }));
}

process.on('message', (msg: { id: number; job: Job }) => {
  run(msg.job).then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: (err as Error).stack ?? String(err) }),
  );
});
process.send!({ event: 'ready' });
