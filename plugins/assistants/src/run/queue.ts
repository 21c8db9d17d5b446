/**
 * Where runs wait to be executed, behind one small interface so the executor does not care
 * who runs them: durable jobs of the store's job queue when the store has one (claimed under
 * a lease, resumed by another process after a crash), else this process (runs left queued
 * or in progress by a previous process are resumed at start).
 */
import type { AnyKysely } from '@switchyard/store';

/** What an execution gets from the queue that runs it. */
export interface RunJobContext {
  /** Aborted on cancel, on shutdown, or when another worker took the run over. */
  signal: AbortSignal;
  /**
   * Runs `fn` in a store transaction that commits only while this execution still holds the
   * run (a job's fenced transaction); absent for the in-process queue.
   */
  transaction?: <T>(fn: (trx: AnyKysely) => Promise<T>) => Promise<T>;
}

/** Executes one segment of a run (until it finishes or needs tool outputs). */
export type ExecuteRun = (runId: string, job: RunJobContext) => Promise<void>;

/**
 * A run queue.
 *
 * @example
 * ```ts
 * await store.transaction((trx) => queue.enqueue(run.id, 1, trx));
 * queue.wake();
 * ```
 */
export interface RunQueue {
  /** `durable` when queued runs survive this process (the store's jobs); `process` otherwise. */
  readonly kind: 'durable' | 'process';
  /**
   * Queues segment `segment` of run `runId` (the first execution is segment 1, each
   * submit_tool_outputs another); with `trx`, committed with the caller's writes.
   */
  enqueue(runId: string, segment: number, trx?: AnyKysely): Promise<void>;
  /** Starts queued runs now (after the commit of an enqueue made in a transaction). */
  wake(): void;
  /** Stops the execution of `runId` wherever it runs (a cancel, a deleted thread). */
  cancel(runId: string): Promise<void>;
  /** Starts executing queued runs with `execute` (once the gateway is ready). */
  start(execute: ExecuteRun): Promise<void>;
  /** Stops executing: running segments are aborted and stay queued for the next start. */
  stop(): Promise<void>;
}
