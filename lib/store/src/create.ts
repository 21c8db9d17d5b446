/**
 * Builds the {@link Store} service from a Kysely instance; store plugins call this so that
 * transactions, migrations and batching behave the same on every dialect.
 */
import { createWriteBatcher } from './batcher.js';
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
  /** Tracks background batches (pass `gateway.background`) so `gateway.flush()` waits for them. */
  track?(work: Promise<unknown>): void;
  /** Reports failed background writes (pass a diagnostics logger). */
  onError(err: unknown): void;
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
 * Creates a store over `db`.
 *
 * @example
 * ```ts
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
 * const store = createStore({ db, dialect: 'sqlite', track: gateway.background, onError: (e) => gateway.diagnostics.error('write failed', e) });
 * ```
 */
export function createStore(options: CreateStoreOptions): Store {
  const { db, dialect } = options;
  const transaction = <T>(fn: (trx: AnyKysely) => Promise<T>) => runTransaction(db, dialect, fn);
  const writes = createWriteBatcher({
    transaction,
    track: options.track,
    onError: options.onError,
    maxBatch: options.maxBatch,
    beforeBatch: options.beforeBatch,
  });
  let closed: Promise<void> | undefined;
  return {
    dialect,
    db,
    ...(options.location ? { location: options.location } : {}),
    transaction,
    migrate: (owner, migrations) => runMigrations(db, dialect, owner, migrations),
    writes,
    close() {
      closed ??= (async () => {
        await writes.flush();
        await (options.release ? options.release() : db.destroy());
      })();
      return closed;
    },
  };
}
