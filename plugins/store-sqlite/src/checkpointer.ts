/**
 * WAL checkpoints off the event loop, taken while this process does not write.
 *
 * By default SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages: that
 * commit copies the pages back into the database file and syncs it on the gateway's event
 * loop, every few dozen calls (a call's commit writes several pages: calls, sessions and
 * spend rows and their indexes). Here a worker thread with its own connection runs
 * `wal_checkpoint(PASSIVE)` instead, at most once per interval, and the write batcher holds
 * its next batch until it is done (writes keep queueing in memory; no request waits). With
 * no commit in between, the checkpoint copies the whole WAL and the next commit starts the
 * WAL over, so it stays small. A checkpoint that blocked the writer (`RESTART`) would have
 * parked the event loop in SQLite's busy handler instead.
 *
 * The gateway's connection keeps SQLite's in-commit checkpoint as a safety net at 10,000
 * pages (40 MB), and at the default 1,000 if the worker dies.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's default auto-checkpoint threshold, restored if the worker is lost. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** In-commit checkpoints while the worker runs: only if it falls far behind. */
const SAFETY_AUTOCHECKPOINT = 10_000;

// CommonJS, evaluated in the worker: its own connection, one checkpoint per request
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') {
    try { parentPort.postMessage({ id: m.id, result: db.pragma('wal_checkpoint(' + m.mode + ')')[0] }); }
    catch (err) { parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) }); }
  } else if (m.type === 'stop') {
    db.close();
    parentPort.close();
  }
});
`;

/** A checkpoint's outcome as SQLite reports it: WAL frames, and how many are now in the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** A running checkpointer. */
export interface Checkpointer {
  /**
   * When a checkpoint is due (an interval since the last), runs one and returns its promise
   * (never rejects: failures go to `onError`); otherwise undefined. Give it to the write
   * batcher as `beforeBatch`.
   */
  due(): Promise<void> | undefined;
  /** Runs one checkpoint now, in the worker. */
  checkpoint(mode?: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE'): Promise<CheckpointResult>;
  /** Stops the worker; resolves once its connection is closed. */
  stop(): Promise<void>;
  /** The worker thread (for diagnostics and tests). */
  readonly worker: Worker;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  file: string;
  busyTimeoutMs: number;
  /** Least time between checkpoints (default 1000 ms). */
  intervalMs?: number;
  /** Called when a checkpoint fails or the worker is lost. */
  onError(err: Error): void;
}

/**
 * Moves `sqlite`'s checkpoints to a worker thread.
 *
 * @example
 * ```ts
 * const cp = startCheckpointer(sqlite, { file, busyTimeoutMs: 5000, onError: console.error });
 * const store = createStore({ db, dialect: 'sqlite', beforeBatch: () => cp.due(), onError: console.error });
 * // ... at close
 * await cp.stop();
 * ```
 */
export function startCheckpointer(sqlite: Database.Database, options: CheckpointerOptions): Checkpointer {
  const intervalMs = options.intervalMs ?? 1000;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: options.file, busyTimeoutMs: options.busyTimeoutMs } });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT}`);
  let lost = false;
  let stopping = false;
  let nextId = 0;
  let last = Date.now();
  let running: Promise<void> | undefined;
  const waiting = new Map<number, { resolve(r: CheckpointResult): void; reject(e: Error): void }>();

  const fallBack = (err: Error) => {
    lost = true;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (m: { id: number; result?: CheckpointResult; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (waiting.size === 0 && !stopping) worker.unref();
    if (m.error !== undefined) w?.reject(new Error(`WAL checkpoint failed: ${m.error}`));
    else w?.resolve(m.result!);
  });
  worker.on('error', (err) => {
    options.onError(err);
    fallBack(err);
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) {
        const err = new Error('the WAL checkpoint worker stopped; checkpoints run in commits again');
        options.onError(err);
        fallBack(err);
      }
      resolve();
    }),
  );

  const checkpoint = (mode: string = 'PASSIVE'): Promise<CheckpointResult> => {
    if (stopping || lost) return Promise.reject(new Error('checkpointer stopped'));
    const id = nextId++;
    worker.ref(); // a checkpoint in flight keeps the process alive until it answers
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'checkpoint', id, mode });
    });
  };

  return {
    worker,
    checkpoint,
    due() {
      if (running) return running;
      if (stopping || lost || Date.now() - last < intervalMs) return undefined;
      running = checkpoint('PASSIVE').then(
        () => undefined,
        (err: Error) => options.onError(err),
      );
      void running.finally(() => {
        last = Date.now();
        running = undefined;
      });
      return running;
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      await running;
      worker.ref(); // keep the process alive until the worker's connection is closed
      worker.postMessage({ type: 'stop' });
      await exited;
      fallBack(new Error('checkpointer stopped'));
    },
  };
}
