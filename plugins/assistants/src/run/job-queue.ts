/**
 * Runs as durable jobs of the store's job queue (`store.jobs`): one job per run segment
 * (keyed `<run id>:<segment>`, so a repeated enqueue adds nothing), claimed under a lease
 * that a heartbeat extends; a process that dies (kill -9) lets its lease run out and the
 * run is claimed again, by another process or this one restarted. A segment interrupted by a
 * shutdown goes back to the queue without counting an attempt.
 */
import { isInterrupted, type JobQueue, type JobWorker } from '@switchyard/store';
import type { ExecuteRun, RunQueue } from './queue.js';

/** The job kind of run segments. */
export const RUN_JOB_KIND = 'assistants.run';

/** What a run job carries. */
interface RunPayload {
  runId: string;
}

/** Options of the job-backed queue. */
export interface JobRunQueueOptions {
  /** Most runs this process executes at once. */
  concurrency: number;
  /** Lease of a claimed run in ms: how long a dead process holds its runs. */
  leaseMs: number;
  /** How often an idle worker looks for runs queued by other processes, in ms. */
  pollMs: number;
  /** Called when a run's last attempt failed (its job fails for good): the run must end too. */
  onGiveUp(runId: string, err: unknown): Promise<void>;
}

/**
 * The run queue over `jobs`.
 *
 * @example
 * ```ts
 * const queue = jobRunQueue(store.jobs, { concurrency: 16, leaseMs: 30_000, pollMs: 1000, onGiveUp: (id) => failRun(id) });
 * queue.start(runExecutor(deps));
 * ```
 */
export function jobRunQueue(jobs: JobQueue, options: JobRunQueueOptions): RunQueue {
  let worker: JobWorker | undefined;
  const local = new Set<string>();
  const key = (runId: string, segment: number) => `${runId}:${segment}`;
  return {
    async enqueue(runId, segment, trx) {
      await jobs.enqueue<RunPayload>(RUN_JOB_KIND, { runId }, { key: key(runId, segment), trx, maxAttempts: 5 });
    },
    wake: () => jobs.wake(RUN_JOB_KIND),
    async cancel(runId, segment) {
      const job = await jobs.find(RUN_JOB_KIND, key(runId, segment));
      if (job) await jobs.cancel(job.id);
    },
    isLocal: (runId) => local.has(runId),
    start(execute: ExecuteRun) {
      worker = jobs.work<RunPayload>(
        RUN_JOB_KIND,
        async (job) => {
          const { runId } = job.payload;
          local.add(runId);
          try {
            const outcome = await execute(runId, { signal: job.signal, transaction: (fn) => job.transaction(fn) });
            const reason = job.signal.aborted ? job.signal.reason : undefined;
            // cancelled or taken over: this attempt has nothing left to write
            if (isInterrupted(reason, 'cancelled') || isInterrupted(reason, 'lost')) throw reason;
            if (outcome === 'interrupted') return job.release(0);
            return { runId };
          } catch (err) {
            // the store failed under the run (its own failures end it): retried, and on the last attempt the run fails too
            if (!isInterrupted(err) && job.attempt >= job.maxAttempts) await options.onGiveUp(runId, err).catch(() => undefined);
            throw err;
          } finally {
            local.delete(runId);
          }
        },
        { concurrency: options.concurrency, leaseMs: options.leaseMs, pollMs: options.pollMs },
      );
    },
    async stop() {
      await worker?.stop();
    },
  };
}
