/**
 * Where runs wait to be executed, behind one small interface so the executor does not care
 * who runs them. The gateway's is {@link jobRunQueue}: durable jobs in the store (claimed
 * under a lease, resumed by another process, or this one restarted, after a crash).
 */
import type { AnyKysely } from '@switchyard/store';

/** What an execution gets from the queue that runs it. */
export interface RunJobContext {
  /** Aborted on cancel, on shutdown, or when another worker took the run over. */
  signal: AbortSignal;
  /**
   * Runs `fn` in a store transaction that commits only while this execution still holds the
   * run (the job's fenced transaction): a worker that lost its lease writes nothing.
   */
  transaction: <T>(fn: (trx: AnyKysely) => Promise<T>) => Promise<T>;
}

/**
 * Executes one segment of a run (until it ends, or stops for tool outputs): `done`, or
 * `interrupted` when it stopped before that (a shutdown; the queue runs it again later).
 */
export type ExecuteRun = (runId: string, job: RunJobContext) => Promise<'done' | 'interrupted'>;

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
  /**
   * Queues segment `segment` of run `runId` (the first execution is segment 1, each
   * submit_tool_outputs another); with `trx`, committed with the caller's writes.
   */
  enqueue(runId: string, segment: number, trx?: AnyKysely): Promise<void>;
  /** Starts queued runs now (after the commit of an enqueue made in a transaction). */
  wake(): void;
  /** Stops segment `segment` of run `runId` wherever it runs (a cancel, a deleted thread). */
  cancel(runId: string, segment: number): Promise<void>;
  /** Whether this process is executing `runId` now. */
  isLocal(runId: string): boolean;
  /** Starts executing queued runs with `execute` (once the gateway is ready). */
  start(execute: ExecuteRun): void;
  /** Stops executing: running segments are aborted and go back to the queue. */
  stop(): Promise<void>;
}
