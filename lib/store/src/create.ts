/**
 * Builds the {@link Store} service from a Kysely instance; store plugins call this so that
 * transactions, migrations, batching, jobs and blobs behave the same on every dialect.
 */
import { createWriteBatcher } from './batcher.js';
import { BLOB_MIGRATIONS, BLOBS_OWNER, chunkedBlobStore, type ChunkedBlobOptions } from './blobs/chunked.js';
import { directoryBlobStore } from './blobs/directory.js';
import { createJobQueue } from './jobs/queue.js';
import { JOB_MIGRATIONS, JOBS_OWNER } from './jobs/schema.js';
import { runMigrations } from './migrate.js';
import { runTransaction } from './transaction.js';
import type { AnyKysely, Store, StoreDialect } from './types.js';

/**
 * What {@link createStore} needs.
 *
 * @example
 * ```ts
 * const options: CreateStoreOptions = { db, dialect: 'postgres', location: 'db.internal:5432/switchyard', onError: (e) => gateway.diagnostics.error('store write failed', e) };
 * gateway.services.store = createStore(options);
 * ```
 */
export interface CreateStoreOptions {
  db: AnyKysely;
  dialect: StoreDialect;
  /** Where the data lives, for people (the database file, or the server without its password). */
  location?: string;
  /** Tracks background batches and job runs (pass `gateway.background`) so `gateway.flush()` waits for them. */
  track?(work: Promise<unknown>): void;
  /** Reports failed background writes and job-runner errors no caller sees (pass a diagnostics logger). */
  onError(err: unknown): void;
  /** Aborted when the gateway starts closing (pass `gateway.closing`): job workers stop claiming. */
  closing?: AbortSignal;
  /** Finished jobs are deleted once this old, in ms (default 7 days; 0 keeps them). */
  jobRetentionMs?: number;
  /**
   * SQLite: the directory holding blob bytes (`store.blobs`), created if needed; without it a
   * throwaway temp directory, removed at close. PostgreSQL keeps blobs in the database.
   */
  blobDir?: string;
  /** PostgreSQL: bytes per blob chunk row (default 1 MiB). */
  blobChunkBytes?: number;
  /** PostgreSQL: streams a binary `COPY ... TO STDOUT` (see `ChunkedBlobOptions.copyOut`), for blob reads as bytes. */
  copyOut?: ChunkedBlobOptions['copyOut'];
  /** Most writes per batch transaction (default 500). */
  maxBatch?: number;
  /**
   * Called before each batch commits; a returned promise holds the batch (writes keep
   * queueing) until it settles. SQLite uses it to checkpoint the WAL while nothing writes.
   */
  beforeBatch?(): Promise<void> | undefined;
  /** Releases the connection(s) on close (default `db.destroy()`), e.g. to drop a shared handle's reference. */
  release?(): Promise<void>;
}

/**
 * Creates a store over `db`, with its own tables (jobs; blobs on PostgreSQL) migrated.
 *
 * @example
 * ```ts
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
 * const store = await createStore({ db, dialect: 'sqlite', track: gateway.background, closing: gateway.closing, onError: (e) => gateway.diagnostics.error('write failed', e) });
 * ```
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const { db, dialect } = options;
  const transaction = <T>(fn: (trx: AnyKysely) => Promise<T>) => runTransaction(db, dialect, fn);
  const migrate: Store['migrate'] = (owner, migrations) => runMigrations(db, dialect, owner, migrations);
  const writes = createWriteBatcher({
    transaction,
    track: options.track,
    onError: options.onError,
    maxBatch: options.maxBatch,
    beforeBatch: options.beforeBatch,
  });
  // up front: a first enqueue inside a caller's SQLite transaction cannot migrate (one connection)
  await migrate(JOBS_OWNER, JOB_MIGRATIONS);
  let closeBlobs = async (): Promise<void> => {};
  let blobs: Store['blobs'];
  if (dialect === 'postgres') {
    await migrate(BLOBS_OWNER, BLOB_MIGRATIONS);
    blobs = chunkedBlobStore(db, { chunkBytes: options.blobChunkBytes, copyOut: options.copyOut });
  } else {
    const dir = await directoryBlobStore(options.blobDir);
    closeBlobs = () => dir.close();
    blobs = dir;
  }
  const jobs = createJobQueue(
    { db, dialect, transaction, migrate },
    { migrated: true, track: options.track, onError: options.onError, closing: options.closing, retentionMs: options.jobRetentionMs },
  );
  let closed: Promise<void> | undefined;
  return {
    dialect,
    db,
    ...(options.location ? { location: options.location } : {}),
    transaction,
    migrate,
    writes,
    jobs,
    blobs,
    close() {
      closed ??= (async () => {
        await jobs.close();
        await writes.flush();
        await (options.release ? options.release() : db.destroy());
        await closeBlobs();
      })();
      return closed;
    },
  };
}
