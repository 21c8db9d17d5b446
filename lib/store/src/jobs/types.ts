/**
 * The job runner's contract: durable jobs in the store's own database, claimed under a lease
 * that a heartbeat keeps alive; a job whose process died is claimed again once its lease ran
 * out, and reads back the progress it checkpointed.
 */
import type { AnyKysely } from '../types.js';

/**
 * Where a job is: `queued` (waiting for its `runAt`), `running` (claimed under a lease),
 * or finished: `done`, `failed` (attempts used up, or failed for good), `cancelled`.
 *
 * @example
 * ```ts
 * if ((await store.jobs.get(id))?.state === 'done') notify();
 * ```
 */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * Why a job last failed (kept on the job while it is retried, and when it failed for good).
 *
 * @example
 * ```ts
 * const why: JobError | null = (await store.jobs.get(id))!.error; // { message, code }
 * ```
 */
export interface JobError {
  message: string;
  /** The error's public code, else its `code` (e.g. a `GatewayError` code), when it had one. */
  code?: string;
}

/**
 * A job as stored.
 *
 * @example
 * ```ts
 * const job = await store.jobs.get(id);
 * if (job?.state === 'failed') console.log(job.error?.message, job.attempts);
 * ```
 */
export interface JobInfo<P = unknown> {
  id: string;
  kind: string;
  /** The idempotency key it was enqueued with (unique per kind), or null. */
  key: string | null;
  state: JobState;
  payload: P;
  /** Higher runs first among jobs due at once. */
  priority: number;
  /** Claims so far (a claim whose process died counts; a released one does not). */
  attempts: number;
  maxAttempts: number;
  /** When a queued job may be claimed (epoch ms); for a running job, when its lease ends. */
  runAt: number;
  /** The worker holding a running job's lease. */
  worker: string | null;
  /** The last value saved with `saveCheckpoint` (undefined if none). */
  checkpoint: unknown;
  /** What the handler returned (done jobs). */
  result: unknown;
  /** The last failure, if any. */
  error: JobError | null;
  createdAt: number;
  updatedAt: number;
  /** First claim. */
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * How to enqueue a job.
 *
 * @example
 * ```ts
 * await store.jobs.enqueue('batches.run', { batchId }, { key: batchId, maxAttempts: 10, priority: 1 });
 * ```
 */
export interface EnqueueOptions {
  /**
   * Idempotency key, unique per kind: enqueueing the same `(kind, key)` again returns the job
   * already there (whatever its state, until it is pruned) instead of adding one.
   */
  key?: string;
  /** Not claimed before this time (epoch ms). */
  runAt?: number;
  /** Not claimed before this many ms from now (ignored when `runAt` is given). */
  delayMs?: number;
  /** Higher first among due jobs (default 0). */
  priority?: number;
  /** Claims before a job that keeps failing fails for good (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled on each further failure, at most 5 minutes (default 1000). */
  backoffMs?: number;
  /**
   * Enqueue inside this transaction (from `store.transaction`), committed with the caller's
   * own rows. Call `jobs.wake(kind)` after the commit so that workers of this process start
   * it at once rather than at their next poll.
   */
  trx?: AnyKysely;
}

/**
 * What `enqueue` returns: the job, and whether this call added it (false: the key was taken).
 *
 * @example
 * ```ts
 * const { id, created } = await store.jobs.enqueue('acme.export', {}, { key: 'export-1' });
 * ```
 */
export type EnqueuedJob<P = unknown> = JobInfo<P> & { created: boolean };

/**
 * A job claimed by `claim`: the job as stored after the claim, and the claim's token, which
 * every later write of this holder shows (a holder whose lease was taken over writes nothing).
 *
 * @example
 * ```ts
 * const [job] = await store.jobs.claim('acme.export', { leaseMs: 30_000, worker: 'w1' });
 * if (job) await store.jobs.finish(job, { ok: true });
 * ```
 */
export type ClaimedJob<P = unknown> = JobInfo<P> & { token: string };

/**
 * What a heartbeat found: the lease extended, the job cancelled, or the lease lost to another claim.
 *
 * @example
 * ```ts
 * if ((await store.jobs.heartbeat(job, 30_000)) !== 'ok') stopWorking();
 * ```
 */
export type HeartbeatResult = 'ok' | 'cancelled' | 'lost';

/**
 * Options of a low-level `claim`.
 *
 * @example
 * ```ts
 * await store.jobs.claim('acme.export', { leaseMs: 30_000, worker: 'host:1234', limit: 8 });
 * ```
 */
export interface ClaimOptions {
  /** How long the lease lasts without a heartbeat, in ms. */
  leaseMs: number;
  /** Who claims (stored on the job, for people). */
  worker: string;
  /** Most jobs claimed at once (default 1). */
  limit?: number;
}

/**
 * What a handler returns to put its job back in the queue without counting the attempt.
 *
 * @example
 * ```ts
 * store.jobs.work('acme.sync', async (job) => (rateLimited() ? job.release(60_000) : sync(job.payload)));
 * ```
 */
export interface JobRelease {
  readonly release: true;
  readonly delayMs: number;
}

/**
 * A job as its handler sees it.
 *
 * @example
 * ```ts
 * store.jobs.work('batches.run', async (job) => {
 *   const done = await job.completedUnits();
 *   for (const line of lines) {
 *     if (done.has(line.id)) continue; // checkpointed before a restart: never run again
 *     const out = await run(line, job.signal);
 *     await job.transaction(async (trx) => {
 *       await trx.insertInto('acme_outputs').values({ line: line.id, out }).execute();
 *       await job.completeUnit(line.id, undefined, trx);
 *     });
 *   }
 * });
 * ```
 */
export interface RunningJob<P = unknown, C = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly key: string | null;
  readonly payload: P;
  /** This claim's attempt number (1 for the first). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The last saved checkpoint (what a resumed job starts from), updated by `saveCheckpoint`. */
  readonly checkpoint: C | undefined;
  /**
   * Aborted when the job is cancelled, its lease is lost (another worker took it over) or the
   * worker stops; `signal.reason` is a {@link JobInterruptedError} saying which.
   */
  readonly signal: AbortSignal;
  /**
   * Saves `value` as the job's progress (and extends the lease). With `trx` it commits with
   * the caller's writes. Throws {@link JobInterruptedError} if this worker no longer holds the job.
   */
  saveCheckpoint(value: C, trx?: AnyKysely): Promise<void>;
  /**
   * Runs `fn` in a store transaction that first checks this worker still holds the job (and
   * keeps it from being taken over until the commit): writes made in it and the units or
   * checkpoint saved with its `trx` commit together, or not at all.
   */
  transaction<T>(fn: (trx: AnyKysely) => Promise<T>): Promise<T>;
  /**
   * Records a unit of work (a batch line, a run step) as done, with an optional JSON result.
   * Returns false if it was already recorded. With `trx` it commits with the unit's own writes.
   */
  completeUnit(unit: string, result?: unknown, trx?: AnyKysely): Promise<boolean>;
  /** The units recorded so far, with their results. */
  completedUnits(): Promise<Map<string, unknown>>;
  /** Extends the lease now (the worker also does so on its own every `heartbeatMs`). */
  heartbeat(): Promise<void>;
  /**
   * A value to return from the handler that puts the job back in the queue, claimable again
   * after `delayMs`, without counting the attempt (a rate limit, a shutdown).
   */
  release(delayMs?: number): JobRelease;
}

/**
 * A job handler: what it returns is stored as the job's result and the job is done; what it
 * throws fails the attempt (retried with backoff until `maxAttempts`, unless it is a
 * {@link JobFailure} with `retry: false`).
 *
 * @example
 * ```ts
 * const handler: JobHandler<{ url: string }> = async (job) => fetch(job.payload.url, { signal: job.signal }).then((r) => r.status);
 * ```
 */
export type JobHandler<P = unknown, C = unknown, R = unknown> = (job: RunningJob<P, C>) => Promise<R | JobRelease>;

/**
 * Options of a worker loop.
 *
 * @example
 * ```ts
 * const worker = store.jobs.work('responses.background', handler, { concurrency: 16, leaseMs: 30_000 });
 * ```
 */
export interface WorkOptions {
  /** Most jobs of this kind this process runs at once (default 1). */
  concurrency?: number;
  /** Lease length in ms: a job whose worker stops heartbeating is claimable again after this (default 30000). */
  leaseMs?: number;
  /** Heartbeat interval in ms (default a third of the lease). */
  heartbeatMs?: number;
  /** How often an idle worker looks for due jobs, in ms (default 1000); enqueues in this process wake it at once. */
  pollMs?: number;
  /** The worker's name on the jobs it holds (default `<host>:<pid>:<random>`). */
  worker?: string;
  /**
   * What running jobs do when the gateway starts closing (the worker stops claiming either way):
   * `drain` (default) goes on while the gateway drains (the calls a handler makes are cut at its
   * drain deadline; the signal aborts when the store closes); `release` aborts their signals at
   * once, so they go back to the queue for another process (long jobs that checkpoint).
   */
  shutdown?: 'drain' | 'release';
}

/**
 * A running worker loop.
 *
 * @example
 * ```ts
 * const worker = store.jobs.work('acme.export', handler, { concurrency: 4 });
 * await worker.idle(); // nothing due is left
 * await worker.stop();
 * ```
 */
export interface JobWorker {
  readonly kind: string;
  /** Jobs running now in this worker. */
  readonly active: number;
  /** Looks for due jobs now (after an enqueue in a transaction, say). */
  wake(): void;
  /**
   * Resolves the next time this worker runs no job and its last look found none due (at once
   * if that is so now): what a process that drains a queue and exits waits on.
   */
  idle(): Promise<void>;
  /**
   * Stops claiming at once; running jobs get `graceMs` (default 0) to finish, then their
   * signals abort and whatever has not finished is released back to the queue (attempt not
   * counted). Resolves once no handler of this worker runs. Calling it again with a shorter
   * grace cuts the wait short.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The job queue of a store (`store.jobs`).
 *
 * @example
 * ```ts
 * const jobs = gateway.services.store!.jobs;
 * gateway.hooks.ready.tapPromise(NAME, async () => {
 *   worker = jobs.work('acme.export', async (job) => exportAll(job.payload, job.signal), { concurrency: 4 });
 * });
 * gateway.hooks.close.tapPromise(NAME, async () => worker?.stop({ graceMs: 5000 }));
 * await jobs.enqueue('acme.export', { tenant: 't1' }, { key: 'export-t1' });
 * ```
 */
export interface JobQueue {
  /** Adds a job (or returns the one already enqueued under the same kind and key). */
  enqueue<P>(kind: string, payload: P, options?: EnqueueOptions): Promise<EnqueuedJob<P>>;
  get<P = unknown>(id: string): Promise<JobInfo<P> | undefined>;
  /** The job enqueued under `(kind, key)`. */
  find<P = unknown>(kind: string, key: string): Promise<JobInfo<P> | undefined>;
  /**
   * Cancels a queued or running job (a running one's handler sees its signal abort: at once in
   * this process, at its next heartbeat in another). Returns the job as it is now; a finished
   * job is returned unchanged.
   */
  cancel(id: string): Promise<JobInfo | undefined>;
  /** Starts a worker loop for `kind` in this process. Start it in `ready`, stop it in `close`. */
  work<P = unknown, C = unknown, R = unknown>(kind: string, handler: JobHandler<P, C, R>, options?: WorkOptions): JobWorker;
  /** Wakes this process's workers (of `kind`, or all). */
  wake(kind?: string): void;
  /** How many units a job has recorded (progress, for status endpoints). */
  unitCount(id: string): Promise<number>;
  /** Deletes finished jobs (and their units) that finished before `before` (epoch ms); returns how many. */
  prune(before: number): Promise<number>;

  /** Low level: claims due jobs of `kind` (queued and due, or running with an expired lease). */
  claim<P = unknown>(kind: string, options: ClaimOptions): Promise<Array<ClaimedJob<P>>>;
  /** Low level: extends the lease of a held job. */
  heartbeat(job: ClaimedJob, leaseMs: number): Promise<HeartbeatResult>;
  /** Low level: saves a checkpoint of a held job (and extends its lease by `leaseMs` if given). */
  checkpoint(job: ClaimedJob, value: unknown, options?: { trx?: AnyKysely; leaseMs?: number }): Promise<void>;
  /** Low level: the job is done with `result`. False if the holder no longer held it. */
  finish(job: ClaimedJob, result?: unknown): Promise<boolean>;
  /**
   * Low level: the attempt failed. Queued again after the backoff while attempts remain and
   * `retry` is not false, else failed for good. `lost` if the holder no longer held it.
   */
  fail(job: ClaimedJob, error: unknown, options?: { retry?: boolean; delayMs?: number }): Promise<'retrying' | 'failed' | 'lost'>;
  /** Low level: back to the queue after `delayMs` without counting the attempt. */
  release(job: ClaimedJob, delayMs?: number): Promise<boolean>;
}
