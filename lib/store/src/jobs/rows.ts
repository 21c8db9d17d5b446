/**
 * Row ↔ job conversions and the small rules shared by the queue and its workers.
 */
import { randomUUID } from 'node:crypto';
import { fromJsonColumn } from '../json.js';
import type { JobRow } from './schema.js';
import type { ClaimedJob, JobError, JobInfo, JobState } from './types.js';

/** Longest retry delay, whatever the backoff and attempt. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/** States a job can still move out of. */
export const ACTIVE_STATES: readonly JobState[] = ['queued', 'running'];

/** A new id (`job_` and 32 hex digits). */
export const newJobId = () => `job_${randomUUID().replaceAll('-', '')}`;

/** A new claim token. */
export const newToken = () => randomUUID().replaceAll('-', '');

/** The job a row holds. */
export function jobOf<P>(row: JobRow): JobInfo<P> {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    state: row.state as JobState,
    payload: fromJsonColumn<P>(row.payload) as P,
    priority: Number(row.priority),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: Number(row.run_at),
    worker: row.worker,
    checkpoint: fromJsonColumn(row.checkpoint),
    result: fromJsonColumn(row.result),
    error: fromJsonColumn<JobError>(row.error) ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
  };
}

/** The claimed job a row holds (after a claim set its token). */
export function claimedOf<P>(row: JobRow): ClaimedJob<P> {
  return { ...jobOf<P>(row), token: row.token! };
}

/** What is kept of a thrown value: its message, and its public code, else its code. */
export function errorOf(err: unknown): JobError {
  const e = err as { message?: unknown; code?: unknown; publicCode?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.publicCode === 'string' ? e.publicCode : typeof e?.code === 'string' ? e.code : undefined;
  return code === undefined ? { message } : { message, code };
}

/** The delay before retry number `attempts` (the attempt that just failed was `attempts`). */
export function backoff(baseMs: number, attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}
