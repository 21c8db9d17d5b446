/**
 * Group commit for writes no caller waits for: everything queued while the previous batch
 * commits goes into the next one, so under load many writes share one transaction, and when
 * idle a write is committed on the next turn of the event loop (visible to the next call at
 * once, unlike a timed buffer).
 */
import type { AnyKysely, BatchedWrite, WriteBatcher } from './types.js';

/**
 * What the batcher needs from its store.
 *
 * @example
 * ```ts
 * const deps: BatcherDeps = { transaction: (fn) => runTransaction(db, 'sqlite', fn), onError: (e) => console.error(e), maxBatch: 100 };
 * const writes = createWriteBatcher(deps);
 * ```
 */
export interface BatcherDeps {
  /** Runs the writes of one batch in one transaction. */
  transaction(fn: (trx: AnyKysely) => Promise<void>): Promise<void>;
  /** Tracks a batch so that `gateway.flush()` and shutdown wait for it. */
  track?(work: Promise<unknown>): void;
  /** Reports a write that failed on its own (after its batch failed and it was retried alone). */
  onError(err: unknown): void;
  /** Most writes per transaction (default 500). */
  maxBatch?: number;
  /** Called before each batch; a returned promise holds the batch until it settles (writes keep queueing). */
  beforeBatch?(): Promise<void> | undefined;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A batch that failed for a passing reason (lock held too long, connection lost) is tried again after these delays. */
const RETRY_DELAYS_MS = [0, 50, 250, 1000];

/**
 * Whether a database error is passing (worth retrying): SQLite busy/locked, PostgreSQL
 * serialization/deadlock/shutdown/connection errors, socket errors.
 *
 * @example
 * ```ts
 * isTransient(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })); // true
 * isTransient(Object.assign(new Error('duplicate key'), { code: '23505' })); // false
 * ```
 */
export function isTransient(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return /^(SQLITE_BUSY|SQLITE_LOCKED|40001|40P01|57P0[123]|08\d{3}|53300|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)/.test(code);
}

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
  // batches not started yet, oldest first; a write joins the newest one that has room
  const open: Batch[] = [];
  let running: Promise<void> | undefined;
  let committing = 0;
  let queued = 0;

  const runBatch = (writes: BatchedWrite[]) =>
    deps.transaction(async (trx) => {
      for (const write of writes) await write(trx);
    });

  async function commit(writes: BatchedWrite[]): Promise<void> {
    let lastErr: unknown;
    for (const delay of RETRY_DELAYS_MS) {
      if (delay > 0) await sleep(delay);
      try {
        return await runBatch(writes);
      } catch (err) {
        lastErr = err;
        if (!isTransient(err)) break;
      }
    }
    if (writes.length === 1) return deps.onError(lastErr);
    // one bad write must not lose the others: retry each on its own
    for (const write of writes) await runBatch([write]).catch(deps.onError);
  }

  async function drain(): Promise<void> {
    await nextTurn();
    while (open.length > 0) {
      const hold = deps.beforeBatch?.();
      if (hold) await hold.catch(deps.onError);
      const batch = open.shift()!;
      queued -= batch.writes.length;
      committing = batch.writes.length;
      try {
        await commit(batch.writes);
      } finally {
        committing = 0;
        batch.done();
      }
    }
  }

  function schedule(): void {
    if (running) return;
    const work = drain().finally(() => {
      running = undefined;
      if (open.length > 0) schedule();
    });
    running = work;
    deps.track?.(work);
  }

  return {
    enqueue(write) {
      let batch = open[open.length - 1];
      if (!batch || batch.writes.length >= maxBatch) open.push((batch = newBatch()));
      batch.writes.push(write);
      queued++;
      schedule();
      return batch.committed;
    },
    async flush() {
      while (running || open.length > 0) {
        if (!running) schedule();
        await running?.catch(() => undefined);
      }
    },
    get pending() {
      return queued + committing;
    },
  };
}

/** Writes committed together, and the promise their callers wait on. */
interface Batch {
  writes: BatchedWrite[];
  committed: Promise<void>;
  done(): void;
}

function newBatch(): Batch {
  let done!: () => void;
  const committed = new Promise<void>((resolve) => (done = resolve));
  return { writes: [], committed, done };
}
