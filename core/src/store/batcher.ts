/**
 * Group commit for writes no caller waits for: everything queued while the previous batch
 * commits goes into the next one, so under load many writes share one transaction, and when
 * idle a write is committed on the next turn of the event loop (visible to the next call at
 * once, unlike a timed buffer).
 */
import type { AnyKysely, BatchedWrite, WriteBatcher } from './types.js';

/** What the batcher needs from its store. */
export interface BatcherDeps {
  /** Runs the writes of one batch in one transaction. */
  transaction(fn: (trx: AnyKysely) => Promise<void>): Promise<void>;
  /** Tracks a batch so that `gateway.flush()` and shutdown wait for it. */
  track?(work: Promise<unknown>): void;
  /** Reports a write that failed on its own (after its batch failed and it was retried alone). */
  onError(err: unknown): void;
  /** Most writes per transaction (default 500). */
  maxBatch?: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Creates a write batcher.
 *
 * @example
 * ```ts
 * const writes = createWriteBatcher({ transaction: (fn) => runTransaction(db, 'sqlite', fn), onError: console.error });
 * writes.enqueue((db) => db.insertInto('log').values({ id: 1 }).execute());
 * await writes.flush();
 * ```
 */
export function createWriteBatcher(deps: BatcherDeps): WriteBatcher {
  const maxBatch = deps.maxBatch ?? 500;
  let queue: BatchedWrite[] = [];
  let running: Promise<void> | undefined;
  let committing = 0;

  async function commit(batch: BatchedWrite[]): Promise<void> {
    try {
      await deps.transaction(async (trx) => {
        for (const write of batch) await write(trx);
      });
    } catch (batchErr) {
      if (batch.length === 1) return deps.onError(batchErr);
      // one bad write must not lose the others: retry each on its own
      for (const write of batch) {
        await deps.transaction(async (trx) => void (await write(trx))).catch(deps.onError);
      }
    }
  }

  async function drain(): Promise<void> {
    await nextTurn();
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      committing = batch.length;
      await commit(batch);
      committing = 0;
    }
  }

  function schedule(): void {
    if (running) return;
    const work = drain().finally(() => {
      running = undefined;
      if (queue.length > 0) schedule();
    });
    running = work;
    deps.track?.(work);
  }

  return {
    enqueue(write) {
      queue.push(write);
      schedule();
    },
    async flush() {
      while (running || queue.length > 0) {
        if (!running) schedule();
        await running?.catch(() => undefined);
      }
    },
    get pending() {
      return queue.length + committing;
    },
  };
}
