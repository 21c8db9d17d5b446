/**
 * The store contract: what stateful plugins (call log, sessions, responses, files, batches)
 * need from a database, independent of whether it is SQLite or PostgreSQL. Store plugins
 * (`@switchyard/store-sqlite`, `@switchyard/store-postgres`) build one with
 * {@link createStore} and publish it as `gateway.services.store`.
 */
import type { Kysely } from 'kysely';
import type { BlobStore } from './blobs/types.js';
import type { JobQueue } from './jobs/types.js';

/**
 * Which SQL database is behind the store.
 *
 * @example
 * ```ts
 * const upsert = store.dialect === 'postgres' ? 'on conflict (id) do update' : 'on conflict(id) do update';
 * ```
 */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * A Kysely instance over any schema. Plugins narrow it to their own tables with
 * `store.db.withTables<MyTables>()`.
 *
 * @example
 * ```ts
 * const notes = (db: AnyKysely) => db.withTables<{ acme_notes: { id: string; text: string } }>();
 * const rows = await notes(store.db).selectFrom('acme_notes').selectAll().execute();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

/**
 * What a migration's `up` receives besides the transaction.
 *
 * @example
 * ```ts
 * const m: Migration = {
 *   name: '002_payload',
 *   up: (db, ctx: MigrationContext) => db.schema.alterTable('acme_items').addColumn('payload', ctx.dialect === 'postgres' ? 'bytea' : 'blob').execute(),
 * };
 * ```
 */
export interface MigrationContext {
  readonly dialect: StoreDialect;
}

/**
 * One schema step owned by a plugin. Applied once, in list order, inside a transaction;
 * recorded by `(owner, name)`, so never rename or reorder a shipped migration: append.
 *
 * @example
 * ```ts
 * const migrations: Migration[] = [
 *   { name: '001_items', up: (db) => db.schema.createTable('acme_items').addColumn('id', 'varchar(64)', (c) => c.primaryKey()).execute() },
 * ];
 * ```
 */
export interface Migration {
  readonly name: string;
  up(db: AnyKysely, ctx: MigrationContext): Promise<unknown>;
}

/**
 * A write the batcher runs later, inside a transaction shared with other queued writes.
 *
 * @example
 * ```ts
 * const write: BatchedWrite = (db) => db.insertInto('acme_events').values({ id: 'e1', at: Date.now() }).execute();
 * void store.writes.enqueue(write);
 * ```
 */
export type BatchedWrite = (db: AnyKysely) => Promise<unknown>;

/**
 * Writes that callers do not wait for (call log, usage counters): queued and committed in
 * group transactions off the request path. Everything queued before `flush()` (or `close`)
 * is committed when it resolves.
 *
 * @example
 * ```ts
 * store.writes.enqueue((db) => db.insertInto('acme_events').values(row).execute());
 * await store.writes.flush();
 * ```
 */
export interface WriteBatcher {
  /**
   * Queues a write; it starts on the next turn of the event loop at the latest. The promise
   * resolves once the write's batch is committed (or its failure reported): never rejects.
   */
  enqueue(write: BatchedWrite): Promise<void>;
  /** Resolves once everything queued so far is committed (or reported as failed). */
  flush(): Promise<void>;
  /** Writes queued and not yet committed. */
  readonly pending: number;
}

/**
 * The store service.
 *
 * @example
 * ```ts
 * const store = gateway.services.store!;
 * await store.migrate('@acme/notes', [{ name: '001', up: (db) => db.schema.createTable('acme_notes').addColumn('id', 'text').execute() }]);
 * await store.transaction(async (trx) => {
 *   await trx.insertInto('acme_notes').values({ id: 'n1' }).execute();
 * });
 * ```
 */
export interface Store {
  readonly dialect: StoreDialect;
  /** Where the data lives, for people: the SQLite file, or the PostgreSQL server and database (no password). */
  readonly location?: string;
  /** The query builder (one query layer for both dialects). */
  readonly db: AnyKysely;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws
   * (the error is rethrown). On SQLite the write lock is taken up front (`BEGIN IMMEDIATE`)
   * so that several processes on one file wait for each other instead of failing. Do not nest.
   */
  transaction<T>(fn: (trx: AnyKysely) => Promise<T>): Promise<T>;
  /**
   * Applies the migrations of `owner` (a plugin name) that are not applied yet, once, even
   * when several processes start together. Returns the names applied by this call.
   */
  migrate(owner: string, migrations: readonly Migration[]): Promise<string[]>;
  /** Off-the-request-path writes, flushed on gateway `flush()` and on close. */
  readonly writes: WriteBatcher;
  /**
   * Durable jobs in this database: enqueue, claim under a lease, heartbeat, checkpoint, retry
   * with backoff; a job whose process died is claimed again once its lease runs out. On
   * PostgreSQL several processes share the work and never run one job at once.
   */
  readonly jobs: JobQueue;
  /**
   * File bytes, written and read as streams (never whole in memory): a directory beside the
   * SQLite file, chunked rows in PostgreSQL (shared by every process on the database).
   */
  readonly blobs: BlobStore;
  /**
   * Stops the job workers (unfinished jobs go back to the queue), flushes pending writes and
   * closes the connection(s). Called by the store plugin on `close`.
   */
  close(): Promise<void>;
}
