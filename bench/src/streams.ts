/**
 * A streaming client on undici: time to the first `data:` chunk of SSE responses, with
 * many streams in flight at once.
 */
import { Pool } from 'undici';
import { summarize, type Latency } from './stats.js';

/** A streaming request target. */
export interface StreamTarget {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Result of a time-to-first-chunk run. */
export interface TtfcResult {
  ttfc: Latency;
  streams: number;
  errors: number;
  /** Streams per second over the run. */
  rate: number;
}

async function oneStream(pool: Pool, t: StreamTarget, onFirst: (ms: number) => void): Promise<boolean> {
  const start = performance.now();
  const res = await pool.request({ path: t.path, method: 'POST', headers: t.headers, body: t.body });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return false;
  }
  let first = true;
  let tail = '';
  for await (const chunk of res.body) {
    const text = (chunk as Buffer).toString('utf8');
    if (first && (tail + text).includes('data:')) {
      first = false;
      onFirst(performance.now() - start);
    }
    tail = text.slice(-16);
  }
  return !first && tail.includes('[DONE]');
}

/**
 * `concurrency` workers each run `perWorker` streams back to back; returns the time to
 * first chunk of every stream. Worker i starts `i × staggerMs` late, so that streams start
 * spread over time (steady state with `concurrency` streams in flight) rather than in
 * waves of simultaneous requests.
 *
 * @example
 * ```ts
 * const r = await measureTtfc(target, 100, 10, 4);
 * ```
 */
export async function measureTtfc(t: StreamTarget, concurrency: number, perWorker: number, staggerMs = 0): Promise<TtfcResult> {
  const pool = new Pool(t.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      if (staggerMs > 0) await new Promise((r) => setTimeout(r, w * staggerMs));
      for (let i = 0; i < perWorker; i++) {
        try {
          if (!(await oneStream(pool, t, (ms) => samples.push(ms)))) errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return { ttfc: summarize(samples), streams: samples.length, errors, rate: Math.round(samples.length / seconds) };
}

/** Result of the open-streams run. */
export interface OpenStreamsResult {
  requested: number;
  /** Most streams open at the same time (first chunk received, not yet ended). */
  maxOpen: number;
  completed: number;
  errors: number;
}

/**
 * Opens `count` slow streams at once and keeps them open until they end. `onAllOpen` is
 * called (once) when every stream has received its first chunk.
 *
 * @example
 * ```ts
 * await openStreams(target, 1000, () => sampleMemory());
 * ```
 */
export async function openStreams(t: StreamTarget, count: number, onAllOpen: () => void): Promise<OpenStreamsResult> {
  const pool = new Pool(t.origin, { connections: count, pipelining: 1, keepAliveTimeout: 30_000 });
  let open = 0;
  let maxOpen = 0;
  let opened = 0;
  let completed = 0;
  let errors = 0;
  let signalled = false;
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const res = await pool.request({ path: t.path, method: 'POST', headers: t.headers, body: t.body });
        if (res.statusCode !== 200) {
          errors++;
          await res.body.dump();
          return;
        }
        let counted = false;
        let tail = '';
        try {
          for await (const chunk of res.body) {
            if (!counted) {
              counted = true;
              open++;
              opened++;
              maxOpen = Math.max(maxOpen, open);
              if (opened === count && !signalled) {
                signalled = true;
                onAllOpen();
              }
            }
          tail = (chunk as Buffer).toString('utf8').slice(-16);
          }
        } finally {
          if (counted) open--;
        }
        if (tail.includes('[DONE]')) completed++;
        else errors++;
      } catch {
        errors++;
      }
    }),
  );
  await pool.close();
  return { requested: count, maxOpen, completed, errors };
}
