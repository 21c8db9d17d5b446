/**
 * The job tables, migrated by the store itself (owner `@switchyard/store/jobs`) on first use.
 * `run_at` is when a job may next be claimed: its schedule while queued, the end of its lease
 * while running, so one index serves both "due" and "lease expired".
 */
import { sql } from 'kysely';
import type { Migration } from '../types.js';

/**
 * Migration owner of the job tables.
 *
 * @example
 * ```ts
 * await store.migrate(JOBS_OWNER, JOB_MIGRATIONS);
 * ```
 */
export const JOBS_OWNER = '@switchyard/store/jobs';
/**
 * The jobs table: one row per job (state, lease, attempts, checkpoint, result).
 *
 * @example
 * ```ts
 * const queued = await store.db.selectFrom(JOBS_TABLE).select('id').where('state', '=', 'queued').execute();
 * ```
 */
export const JOBS_TABLE = 'sy_jobs';
/**
 * The job units table: the units of work a job marked done, so a resumed job skips them.
 *
 * @example
 * ```ts
 * await store.db.selectFrom(JOB_UNITS_TABLE).selectAll().where('job_id', '=', id).execute();
 * ```
 */
export const JOB_UNITS_TABLE = 'sy_job_units';

/** A row of `sy_jobs`. */
export interface JobRow {
  id: string;
  kind: string;
  key: string | null;
  state: string;
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  token: string | null;
  worker: string | null;
  payload: string;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/**
 * The job tables' migrations.
 *
 * @example
 * ```ts
 * await store.migrate(JOBS_OWNER, JOB_MIGRATIONS);
 * ```
 */
export const JOB_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_jobs',
    async up(db) {
      await db.schema
        .createTable(JOBS_TABLE)
        .ifNotExists()
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(100)', (c) => c.notNull())
        .addColumn('key', 'varchar(300)')
        .addColumn('state', 'varchar(12)', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'double precision', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('backoff_ms', 'integer', (c) => c.notNull())
        .addColumn('token', 'varchar(40)')
        .addColumn('worker', 'varchar(200)')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('checkpoint', 'text')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'double precision', (c) => c.notNull())
        .addColumn('updated_at', 'double precision', (c) => c.notNull())
        .addColumn('started_at', 'double precision')
        .addColumn('finished_at', 'double precision')
        .execute();
      // NULL keys are distinct on both dialects: only keyed jobs are unique per kind
      await db.schema.createIndex(`${JOBS_TABLE}_key`).ifNotExists().unique().on(JOBS_TABLE).columns(['kind', 'key']).execute();
      // the claim: due jobs of a kind, highest priority first, then oldest; finished jobs are not in it
      await sql`create index if not exists ${sql.id(`${JOBS_TABLE}_due`)} on ${sql.table(JOBS_TABLE)} (kind, priority desc, run_at, id) where state in ('queued', 'running')`.execute(db);
      await sql`create index if not exists ${sql.id(`${JOBS_TABLE}_finished`)} on ${sql.table(JOBS_TABLE)} (finished_at) where finished_at is not null`.execute(db);
      await db.schema
        .createTable(JOB_UNITS_TABLE)
        .ifNotExists()
        .addColumn('job_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('unit', 'varchar(300)', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('done_at', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${JOB_UNITS_TABLE}_pk`, ['job_id', 'unit'])
        .execute();
    },
  },
];
