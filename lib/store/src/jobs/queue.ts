/**
 * The job queue over a store's database: enqueue (idempotent by key), claim under a lease
 * (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several processes never claim one job; SQLite: in
 * a `BEGIN IMMEDIATE` transaction, so processes on one file take turns), and every later write
 * of a holder fenced by its claim token: once a lease has been taken over, the old holder's
 * finish, checkpoint or unit changes nothing.
 */
import { sql } from 'kysely';
import { GatewayError } from '@switchyard/core';
import { fromJsonColumn, toJsonColumn } from '../json.js';
import type { AnyKysely, Migration, StoreDialect } from '../types.js';
import { JobInterruptedError } from './errors.js';
import { backoff, claimedOf, errorOf, jobOf, newJobId, newToken } from './rows.js';
import { JOB_MIGRATIONS, JOB_UNITS_TABLE, JOBS_OWNER, JOBS_TABLE, type JobRow } from './schema.js';
import type { ClaimedJob, ClaimOptions, EnqueuedJob, EnqueueOptions, HeartbeatResult, JobInfo, JobQueue, JobWorker } from './types.js';
import { startWorker, type WorkerHost } from './worker.js';

/**
 * What the queue needs of its store.
 *
 * @example
 * ```ts
 * createJobQueue({ db, dialect: 'sqlite', transaction: store.transaction, migrate: store.migrate });
 * ```
 */
export interface JobStoreDeps {
  readonly db: AnyKysely;
  readonly dialect: StoreDialect;
  transaction<T>(fn: (trx: AnyKysely) => Promise<T>): Promise<T>;
  migrate(owner: string, migrations: readonly Migration[]): Promise<string[]>;
}

/**
 * Options of {@link createJobQueue}.
 *
 * @example
 * ```ts
 * const jobs = createJobQueue(store, { now: () => clock, migrated: true });
 * ```
 */
export interface JobQueueOptions {
  /** The clock (epoch ms; default `Date.now`): tests pass a fake one to expire leases without waiting. */
  now?: () => number;
  /** Tracks job runs and claims so that `gateway.flush()` waits for them (pass `gateway.background`). */
  track?(work: Promise<unknown>): void;
  /** Reports failures no caller sees (a worker's claim or heartbeat failing). */
  onError?(err: unknown): void;
  /** Finished jobs are pruned by running workers once this old, in ms (default 7 days; 0 keeps them). */
  retentionMs?: number;
  /** Aborted when the gateway starts closing (pass `gateway.closing`): workers stop claiming, running jobs go on. */
  closing?: AbortSignal;
  /** The job tables are known to exist (`createStore` migrated them); otherwise the first call migrates them. */
  migrated?: boolean;
}

/**
 * A job queue and what its store does with it at close: stop every worker (running jobs'
 * signals abort and unfinished jobs go back to the queue) before the connection closes.
 *
 * @example
 * ```ts
 * const jobs = createJobQueue(store);
 * // ... at shutdown, before the connection closes
 * await jobs.close();
 * ```
 */
export interface JobQueueHandle extends JobQueue {
  /** Stops every worker of this queue and waits for their handlers; later `work` calls throw. */
  close(): Promise<void>;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BACKOFF_MS = 1000;
const DEFAULT_RETENTION_MS = 7 * 86_400_000;

function checkName(what: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `job ${what} must be a string of 1 to ${max} characters`, { param: what });
  }
  return value;
}

function checkCount(what: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new GatewayError('GW_ERR_INVALID_REQUEST', `job ${what} must be a whole number, at least ${min}`, { param: what });
  return value;
}

/**
 * Creates the job queue of a store. Stores made by `createStore` have one as `store.jobs`;
 * create another only for a clock of your own (tests) — both work on the same tables.
 *
 * @example
 * ```ts
 * let t = 0;
 * const jobs = createJobQueue(store, { now: () => t });
 * const [job] = await jobs.claim('k', { leaseMs: 1000, worker: 'w1' });
 * t += 1001; // the lease ran out: another worker may claim it
 * ```
 */
export function createJobQueue(store: JobStoreDeps, options: JobQueueOptions = {}): JobQueueHandle {
  const { db, dialect } = store;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const jobs = () => db.selectFrom(JOBS_TABLE);
  let ready: Promise<unknown> | undefined = options.migrated ? Promise.resolve() : undefined;
  const setup = async (): Promise<void> => {
    ready ??= store.migrate(JOBS_OWNER, JOB_MIGRATIONS).catch((err: unknown) => {
      ready = undefined; // the next call tries again
      throw err;
    });
    await ready;
  };
  // handlers running in this process, by job id: a cancel here aborts them at once
  const local = new Map<string, (reason: JobInterruptedError) => void>();
  const workers = new Set<JobWorker>();
  let closed = false;
  const drains = new WeakSet<JobWorker>();
  const pause = () => {
    // stop claiming; running jobs drain (cut at close) or go back to the queue now, per worker
    for (const w of workers) void w.stop({ graceMs: drains.has(w) ? Infinity : 0 });
  };
  if (options.closing?.aborted) pause();
  else options.closing?.addEventListener('abort', pause, { once: true });

  const heldBy = (trx: AnyKysely, job: ClaimedJob) =>
    trx.updateTable(JOBS_TABLE).where('id', '=', job.id).where('token', '=', job.token).where('state', '=', 'running');

  /** Why a holder's write found nothing: cancelled, or taken over. */
  const interruption = async (trx: AnyKysely, job: ClaimedJob): Promise<JobInterruptedError> => {
    const row = await trx.selectFrom(JOBS_TABLE).select('state').where('id', '=', job.id).executeTakeFirst();
    return new JobInterruptedError(job.id, row?.state === 'cancelled' ? 'cancelled' : 'lost');
  };

  /** Checks, inside `trx`, that `job` is still held by its claim, and keeps it so until the commit. */
  const fence = async (trx: AnyKysely, job: ClaimedJob): Promise<void> => {
    let q = trx.selectFrom(JOBS_TABLE).select(['state', 'token']).where('id', '=', job.id);
    if (dialect === 'postgres') q = q.forShare();
    const row = (await q.executeTakeFirst()) as { state: string; token: string | null } | undefined;
    if (row?.state === 'running' && row.token === job.token) return;
    throw new JobInterruptedError(job.id, row?.state === 'cancelled' ? 'cancelled' : 'lost');
  };

  const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows) > 0;
  /** Claimed rows in claim order (RETURNING does not keep it): priority, then when they were due. */
  const order = (rows: Array<JobRow & { due_at: number }>): JobRow[] =>
    rows
      .sort((a, b) => Number(b.priority) - Number(a.priority) || Number(a.due_at) - Number(b.due_at) || (a.id < b.id ? -1 : 1))
      .map(({ due_at: _, ...row }) => row);

  /** A running job whose lease ran out with no attempt left is failed, not claimed again. */
  const failExhausted = async (kind: string, t: number): Promise<void> => {
    const error = JSON.stringify({ message: 'the worker running it stopped (its lease ran out) on the last attempt', code: 'job_lease_expired' });
    await db
      .updateTable(JOBS_TABLE)
      .set({ state: 'failed', token: null, error, updated_at: t, finished_at: t })
      .where('kind', '=', kind)
      .where('state', '=', 'running')
      .where('run_at', '<=', t)
      .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
      .execute();
  };

  const claimRows = async (kind: string, o: ClaimOptions): Promise<JobRow[]> => {
    const t = now();
    const limit = checkCount('limit', o.limit, 1, 1);
    const token = newToken();
    const leaseUntil = t + o.leaseMs;
    // an idle poll is one indexed read: no write, no lock
    const due = await db
      .selectFrom(JOBS_TABLE)
      .select('state')
      .where('kind', '=', kind)
      .where('state', 'in', ['queued', 'running'])
      .where('run_at', '<=', t)
      .limit(1)
      .executeTakeFirst();
    if (!due) return [];
    await failExhausted(kind, t);
    if (dialect === 'postgres') {
      // SKIP LOCKED: a job another process is claiming (or writing under its fence) is passed over
      const res = await sql<JobRow & { due_at: number }>`
        with next as materialized (
          select id, run_at as due_at from ${sql.table(JOBS_TABLE)}
          where kind = ${kind} and state in ('queued', 'running') and run_at <= ${t}
            and (state = 'queued' or attempts < max_attempts)
          order by priority desc, run_at, id
          limit ${limit}
          for update skip locked
        )
        update ${sql.table(JOBS_TABLE)} as j
        set state = 'running', token = ${token}, worker = ${o.worker}, attempts = j.attempts + 1,
            run_at = ${leaseUntil}, updated_at = ${t}, started_at = coalesce(j.started_at, ${t})
        from next where j.id = next.id
        returning j.*, next.due_at`.execute(db);
      return order(res.rows);
    }
    // SQLite: BEGIN IMMEDIATE holds the write lock from the select to the update
    return store.transaction(async (trx) => {
      const due = await trx
        .selectFrom(JOBS_TABLE)
        .select(['id', 'run_at'])
        .where('kind', '=', kind)
        .where('state', 'in', ['queued', 'running'])
        .where('run_at', '<=', t)
        .where((eb) => eb.or([eb('state', '=', 'queued'), eb('attempts', '<', eb.ref('max_attempts'))]))
        .orderBy('priority', 'desc')
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      const rows = (await trx
        .updateTable(JOBS_TABLE)
        .set({ state: 'running', token, worker: o.worker, attempts: sql`attempts + 1`, run_at: leaseUntil, updated_at: t, started_at: sql`coalesce(started_at, ${t})` })
        .where('id', 'in', due.map((r) => r.id as string))
        .returningAll()
        .execute()) as JobRow[];
      const dueAt = new Map(due.map((r) => [r.id as string, Number(r.run_at)]));
      return order(rows.map((r) => ({ ...r, due_at: dueAt.get(r.id)! })));
    });
  };

  const queue: JobQueueHandle & WorkerHost = {
    async enqueue<P>(kind: string, payload: P, o: EnqueueOptions = {}): Promise<EnqueuedJob<P>> {
      checkName('kind', kind, 100);
      if (o.key !== undefined) checkName('key', o.key, 300);
      const maxAttempts = checkCount('maxAttempts', o.maxAttempts, 1, DEFAULT_MAX_ATTEMPTS);
      const backoffMs = checkCount('backoffMs', o.backoffMs, 0, DEFAULT_BACKOFF_MS);
      const priority = o.priority ?? 0;
      if (!Number.isInteger(priority)) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'job priority must be a whole number', { param: 'priority' });
      await setup();
      const t = now();
      const row: JobRow = {
        id: newJobId(),
        kind,
        key: o.key ?? null,
        state: 'queued',
        priority,
        run_at: o.runAt ?? t + (o.delayMs ?? 0),
        attempts: 0,
        max_attempts: maxAttempts,
        backoff_ms: backoffMs,
        token: null,
        worker: null,
        payload: JSON.stringify(payload ?? null),
        checkpoint: null,
        result: null,
        error: null,
        created_at: t,
        updated_at: t,
        started_at: null,
        finished_at: null,
      };
      const trx = o.trx ?? db;
      let created = true;
      let stored: JobRow = row;
      if (o.key === undefined) {
        await trx.insertInto(JOBS_TABLE).values(row).execute();
      } else {
        const res = await trx
          .insertInto(JOBS_TABLE)
          .values(row)
          .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
          .executeTakeFirst();
        created = Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
        if (!created) stored = (await trx.selectFrom(JOBS_TABLE).selectAll().where('kind', '=', kind).where('key', '=', o.key).executeTakeFirstOrThrow()) as JobRow;
      }
      if (created && !o.trx) queue.wake(kind);
      return { ...jobOf<P>(stored), created };
    },

    async get<P>(id: string): Promise<JobInfo<P> | undefined> {
      await setup();
      const row = (await jobs().selectAll().where('id', '=', id).executeTakeFirst()) as JobRow | undefined;
      return row ? jobOf<P>(row) : undefined;
    },

    async find<P>(kind: string, key: string): Promise<JobInfo<P> | undefined> {
      await setup();
      const row = (await jobs().selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst()) as JobRow | undefined;
      return row ? jobOf<P>(row) : undefined;
    },

    async cancel(id: string): Promise<JobInfo | undefined> {
      await setup();
      const t = now();
      await db
        .updateTable(JOBS_TABLE)
        .set({ state: 'cancelled', token: null, updated_at: t, finished_at: t })
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'running'])
        .execute();
      local.get(id)?.(new JobInterruptedError(id, 'cancelled'));
      return queue.get(id);
    },

    work(kind, handler, o) {
      checkName('kind', kind, 100);
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN', `jobs.work(${kind}): the store is closed`);
      const worker = startWorker(queue, kind, handler as never, o ?? {});
      if ((o?.shutdown ?? 'drain') === 'drain') drains.add(worker);
      // a worker started while the gateway closes claims nothing
      if (options.closing?.aborted) void worker.stop({ graceMs: Infinity });
      return worker;
    },

    async close() {
      closed = true;
      await Promise.all([...workers].map((w) => w.stop({ graceMs: 0 })));
    },

    wake(kind?: string) {
      for (const w of workers) if (kind === undefined || w.kind === kind) w.wake();
    },

    async unitCount(id: string): Promise<number> {
      await setup();
      const row = await db.selectFrom(JOB_UNITS_TABLE).select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', id).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async prune(before: number): Promise<number> {
      await setup();
      return store.transaction(async (trx) => {
        const old = trx.selectFrom(JOBS_TABLE).select('id').where('finished_at', '<', before);
        await trx.deleteFrom(JOB_UNITS_TABLE).where('job_id', 'in', old).execute();
        const res = await trx.deleteFrom(JOBS_TABLE).where('finished_at', '<', before).executeTakeFirst();
        return Number(res.numDeletedRows);
      });
    },

    async claim<P>(kind: string, o: ClaimOptions): Promise<Array<ClaimedJob<P>>> {
      checkName('kind', kind, 100);
      checkCount('leaseMs', o.leaseMs, 1, 0);
      await setup();
      return (await claimRows(kind, o)).map((r) => claimedOf<P>(r));
    },

    async heartbeat(job, leaseMs): Promise<HeartbeatResult> {
      const t = now();
      if (updated(await heldBy(db, job).set({ run_at: t + leaseMs, updated_at: t }).executeTakeFirst())) return 'ok';
      return (await interruption(db, job)).reason === 'cancelled' ? 'cancelled' : 'lost';
    },

    async checkpoint(job, value, o = {}) {
      const t = now();
      const trx = o.trx ?? db;
      const set = { checkpoint: toJsonColumn(value), updated_at: t, ...(o.leaseMs ? { run_at: t + o.leaseMs } : {}) };
      if (!updated(await heldBy(trx, job).set(set).executeTakeFirst())) throw await interruption(trx, job);
    },

    async finish(job, result) {
      const t = now();
      const res = await heldBy(db, job).set({ state: 'done', token: null, result: toJsonColumn(result), updated_at: t, finished_at: t }).executeTakeFirst();
      return updated(res);
    },

    async fail(job, error, o = {}) {
      const t = now();
      const err = JSON.stringify(errorOf(error));
      const row = (await jobs().select(['attempts', 'max_attempts', 'backoff_ms']).where('id', '=', job.id).executeTakeFirst()) as
        | Pick<JobRow, 'attempts' | 'max_attempts' | 'backoff_ms'>
        | undefined;
      if (!row) return 'lost';
      const attempts = Number(row.attempts);
      if (o.retry !== false && attempts < Number(row.max_attempts)) {
        const runAt = t + (o.delayMs ?? backoff(Number(row.backoff_ms), attempts));
        const res = await heldBy(db, job).set({ state: 'queued', token: null, worker: null, run_at: runAt, error: err, updated_at: t }).executeTakeFirst();
        return updated(res) ? 'retrying' : 'lost';
      }
      const res = await heldBy(db, job).set({ state: 'failed', token: null, error: err, updated_at: t, finished_at: t }).executeTakeFirst();
      return updated(res) ? 'failed' : 'lost';
    },

    async release(job, delayMs = 0) {
      const t = now();
      const res = await heldBy(db, job)
        .set({ state: 'queued', token: null, worker: null, run_at: t + delayMs, attempts: sql`attempts - 1`, updated_at: t })
        .executeTakeFirst();
      return updated(res);
    },

    // what workers use
    now,
    prunedAt: 0,
    track: (work) => options.track?.(work),
    onError,
    retentionMs,
    local,
    workers,
    async transaction(job, fn) {
      return store.transaction(async (trx) => {
        await fence(trx, job);
        return fn(trx);
      });
    },
    async completeUnit(job, unit, result, trx) {
      checkName('unit', unit, 300);
      const write = async (t: AnyKysely) => {
        await fence(t, job);
        const res = await t
          .insertInto(JOB_UNITS_TABLE)
          .values({ job_id: job.id, unit, result: toJsonColumn(result), done_at: now() })
          .onConflict((oc) => oc.columns(['job_id', 'unit']).doNothing())
          .executeTakeFirst();
        return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
      };
      return trx ? write(trx) : store.transaction(write);
    },
    async completedUnits(id) {
      const rows = await db.selectFrom(JOB_UNITS_TABLE).select(['unit', 'result']).where('job_id', '=', id).execute();
      return new Map(rows.map((r) => [r.unit as string, fromJsonColumn(r.result)]));
    },
  };
  return queue;
}
