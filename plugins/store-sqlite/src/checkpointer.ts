/**
 * WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit that
 * pushes the WAL past 1,000 pages: that commit copies the pages back into the database file
 * and syncs it, blocking the gateway's event loop for milliseconds every few dozen calls
 * (each call's commit writes ~15 pages: the calls, sessions and spend rows and their
 * indexes). Here the gateway's connection never checkpoints (`wal_autocheckpoint=0`); a
 * worker thread with its own connection, once a second, copies the WAL into the database
 * with `wal_checkpoint(PASSIVE)` (never blocks the writer), then `RESTART`s it (holding the
 * write lock only for the few pages written meanwhile, so the next commit starts the WAL
 * over instead of growing it; a commit that comes in then waits that long, once a second). If the worker dies, the gateway's
 * connection checkpoints again as SQLite does by default, so the WAL cannot grow without
 * bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's default auto-checkpoint threshold, restored if the worker is lost. */
const DEFAULT_AUTOCHECKPOINT = 1000;

// CommonJS, evaluated in the worker: opens its own connection and checkpoints on a timer
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
const tick = () => {
  // copy the bulk without blocking the writer, then restart the WAL: that waits (up to
  // restartWaitMs, else the next tick tries again) for the writer's transaction to end and
  // holds the write lock only for the few pages written since the passive pass
  const passive = checkpoint('PASSIVE');
  if (passive.log === 0) return;
  db.pragma('busy_timeout = ' + workerData.restartWaitMs);
  try { checkpoint('RESTART'); } finally { db.pragma('busy_timeout = ' + workerData.busyTimeoutMs); }
};
const timer = setInterval(() => {
  try { tick(); } catch (err) { parentPort.postMessage({ type: 'error', message: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'now') {
    try { parentPort.postMessage({ type: 'result', id: m.id, result: checkpoint(m.mode) }); }
    catch (err) { parentPort.postMessage({ type: 'result', id: m.id, error: String(err && err.message || err) }); }
  } else if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/** A checkpoint's outcome as SQLite reports it. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** A running checkpointer. */
export interface Checkpointer {
  /** Runs one checkpoint now in the worker (for tests and `TRUNCATE` at shutdown). */
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
  /** Time between checkpoints (default 1000 ms). */
  intervalMs?: number;
  /** Called when a checkpoint fails or the worker is lost. */
  onError(err: Error): void;
}

/**
 * Turns off in-commit checkpoints on `sqlite` and starts the worker that does them instead.
 *
 * @example
 * ```ts
 * const cp = startCheckpointer(sqlite, { file, busyTimeoutMs: 5000, onError: console.error });
 * // ... at close
 * await cp.stop();
 * ```
 */
export function startCheckpointer(sqlite: Database.Database, options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file: options.file, busyTimeoutMs: options.busyTimeoutMs, intervalMs: options.intervalMs ?? 1000, restartWaitMs: 50 },
  });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve(r: CheckpointResult): void; reject(e: Error): void }>();
  const fallBack = (err: Error) => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (m: { type: string; id?: number; message?: string; result?: CheckpointResult; error?: string }) => {
    if (m.type === 'error') return options.onError(new Error(`WAL checkpoint failed: ${m.message}`));
    const w = waiting.get(m.id!);
    waiting.delete(m.id!);
    if (m.error) w?.reject(new Error(m.error));
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
  return {
    worker,
    checkpoint(mode = 'PASSIVE') {
      if (stopping) return Promise.reject(new Error('checkpointer stopped'));
      const id = nextId++;
      worker.ref();
      return new Promise<CheckpointResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'now', id, mode });
      }).finally(() => {
        if (waiting.size === 0 && !stopping) worker.unref();
      });
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.ref(); // keep the process alive until the worker's connection is closed
      worker.postMessage({ type: 'stop' });
      await exited;
      fallBack(new Error('checkpointer stopped'));
    },
  };
}
