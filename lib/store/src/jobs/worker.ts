/**
 * The worker loop of one job kind in one process: claims as many due jobs as it has free
 * slots, runs each under a heartbeat, and claims again when a slot frees, when an enqueue in
 * this process wakes it, or at each poll. Every claim and run is tracked (`gateway.flush()`
 * waits for them); the idle poll timer is not.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { GatewayError } from '@switchyard/core';
import type { AnyKysely } from '../types.js';
import { JobFailure, JobInterruptedError } from './errors.js';
import type { ClaimedJob, JobHandler, JobQueue, JobRelease, JobWorker, RunningJob, WorkOptions } from './types.js';

/** What a worker needs of its queue besides the public operations. */
export interface WorkerHost extends JobQueue {
  now(): number;
  track(work: Promise<unknown>): void;
  onError(err: unknown): void;
  readonly retentionMs: number;
  /** When this queue's workers last pruned finished jobs (queue clock). */
  prunedAt: number;
  /** Handlers running in this process, by job id (a local cancel aborts them at once). */
  readonly local: Map<string, (reason: JobInterruptedError) => void>;
  /** Workers not yet fully stopped (a paused one still runs its jobs). */
  readonly workers: Set<JobWorker>;
  transaction<T>(job: ClaimedJob, fn: (trx: AnyKysely) => Promise<T>): Promise<T>;
  completeUnit(job: ClaimedJob, unit: string, result: unknown, trx: AnyKysely | undefined): Promise<boolean>;
  completedUnits(id: string): Promise<Map<string, unknown>>;
}

const isRelease = (v: unknown): v is JobRelease => typeof v === 'object' && v !== null && (v as JobRelease).release === true && typeof (v as JobRelease).delayMs === 'number';

/** Finished jobs are pruned at most this often by a queue's workers. */
const PRUNE_EVERY_MS = 3_600_000;

interface Slot {
  ac: AbortController;
  done: Promise<void>;
}

/**
 * Starts a worker loop (what `jobs.work` runs).
 *
 * @example
 * ```ts
 * const worker = startWorker(queue, 'acme.export', handler, { concurrency: 2 });
 * ```
 */
export function startWorker(host: WorkerHost, kind: string, handler: JobHandler, o: WorkOptions): JobWorker {
  const concurrency = positive('concurrency', o.concurrency, 1);
  const leaseMs = positive('leaseMs', o.leaseMs, 30_000);
  const heartbeatMs = positive('heartbeatMs', o.heartbeatMs, Math.max(1, Math.floor(leaseMs / 3)));
  const pollMs = positive('pollMs', o.pollMs, 1000);
  const name = o.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const slots = new Map<string, Slot>();
  let claiming = false;
  let again = false;
  let foundNone = false;
  let stopped = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let idleWaiters: Array<() => void> = [];

  const isIdle = () => slots.size === 0 && !claiming && (foundNone || stopped);
  const settleIdle = () => {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const fill = (): void => {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    const free = concurrency - slots.size;
    if (free <= 0) return;
    claiming = true;
    again = false;
    const work = host.claim(kind, { leaseMs, worker: name, limit: free }).then(
      (jobs) => {
        claiming = false;
        foundNone = jobs.length === 0;
        for (const job of jobs) {
          // claimed while stopping: straight back to the queue, attempt not counted
          if (stopped) host.track(host.release(job).catch(host.onError));
          else start(job);
        }
        if (jobs.length === free || again) fill();
        settleIdle();
      },
      (err: unknown) => {
        claiming = false;
        host.onError(err); // the next poll tries again
        settleIdle();
      },
    );
    host.track(work);
  };

  const start = (job: ClaimedJob): void => {
    const ac = new AbortController();
    const interrupt = (reason: JobInterruptedError) => {
      if (!ac.signal.aborted) ac.abort(reason);
    };
    host.local.set(job.id, interrupt);
    const done = run(job, ac, interrupt)
      .catch(host.onError) // the job's write failed: its lease runs out and it is claimed again
      .finally(() => {
        host.local.delete(job.id);
        slots.delete(job.id);
        fill(); // before this run settles, so flush() sees the next claim
        settleIdle();
      });
    slots.set(job.id, { ac, done });
    host.track(done);
  };

  const run = async (job: ClaimedJob, ac: AbortController, interrupt: (r: JobInterruptedError) => void): Promise<void> => {
    const beat = async () => {
      try {
        const r = await host.heartbeat(job, leaseMs);
        if (r !== 'ok') interrupt(new JobInterruptedError(job.id, r));
      } catch (err) {
        host.onError(err); // a passing database error: the lease still has time
      }
    };
    const timer = setInterval(() => void beat(), heartbeatMs);
    timer.unref();
    const handle = runningJob(host, job, ac.signal, leaseMs, beat);
    try {
      const out = await handler(handle);
      if (isRelease(out)) await host.release(job, out.delayMs);
      else await host.finish(job, out);
    } catch (err) {
      const reason = (ac.signal.reason as JobInterruptedError | undefined)?.reason;
      if (reason === 'cancelled' || reason === 'lost') return; // nothing of this attempt is ours to write
      if (reason === 'shutdown') {
        await host.release(job);
        return;
      }
      if (err instanceof JobInterruptedError) return; // a write found the job cancelled or taken over
      await host.fail(job, err, { retry: !(err instanceof JobFailure && !err.retry) });
    } finally {
      clearInterval(timer);
    }
  };

  const poll = setInterval(() => {
    fill();
    const t = host.now();
    if (host.retentionMs > 0 && t - host.prunedAt > PRUNE_EVERY_MS) {
      host.prunedAt = t;
      host.prune(t - host.retentionMs).catch(host.onError);
    }
  }, pollMs);
  poll.unref();

  const worker: JobWorker = {
    kind,
    get active() {
      return slots.size;
    },
    wake: fill,
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    stop({ graceMs = 0 } = {}) {
      stopped = true;
      clearInterval(poll);
      const cut = () => {
        for (const [id, s] of slots) if (!s.ac.signal.aborted) s.ac.abort(new JobInterruptedError(id, 'shutdown'));
      };
      clearTimeout(graceTimer);
      if (graceMs <= 0) cut();
      else if (Number.isFinite(graceMs)) graceTimer = setTimeout(cut, graceMs);
      stopping = (async () => {
        while (slots.size > 0 || claiming) {
          await Promise.all([...slots.values()].map((s) => s.done));
          if (claiming) await new Promise((r) => setImmediate(r));
        }
        clearTimeout(graceTimer);
        host.workers.delete(worker);
        settleIdle();
      })();
      return stopping;
    },
  };
  host.workers.add(worker);
  fill();
  return worker;
}

function positive(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new GatewayError('GW_ERR_PLUGIN', `jobs.work: ${what} must be a whole number, at least 1 (got ${value})`);
  return value;
}

/** The handle a handler gets. */
function runningJob(host: WorkerHost, job: ClaimedJob, signal: AbortSignal, leaseMs: number, beat: () => Promise<void>): RunningJob {
  let checkpoint = job.checkpoint;
  return {
    id: job.id,
    kind: job.kind,
    key: job.key,
    payload: job.payload,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    signal,
    get checkpoint() {
      return checkpoint;
    },
    async saveCheckpoint(value, trx) {
      await host.checkpoint(job, value, { trx, leaseMs });
      checkpoint = value;
    },
    transaction: (fn) => host.transaction(job, fn),
    completeUnit: (unit, result, trx) => host.completeUnit(job, unit, result, trx),
    completedUnits: () => host.completedUnits(job.id),
    heartbeat: beat,
    release: (delayMs = 0) => ({ release: true, delayMs }),
  };
}
