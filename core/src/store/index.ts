/**
 * The store contract and the call log. Re-exports only.
 */
export type { Store, StoreDialect, Migration, MigrationContext, WriteBatcher, BatchedWrite, AnyKysely } from './types.js';
export type { SessionOfResponse, SpendScope, SpendTotals, DeriveSecret } from './services.js';
export { createStore } from './create.js';
export type { CreateStoreOptions } from './create.js';
export { installStore, PRUNE_INTERVAL_MS } from './install.js';
export type { InstallStoreOptions } from './install.js';
export { runMigrations, MIGRATIONS_TABLE, MIGRATION_LOCK_KEY } from './migrate.js';
export { runTransaction } from './transaction.js';
export { createWriteBatcher } from './batcher.js';
export { compiledWrite } from './compiled-write.js';
export type { BatcherDeps } from './batcher.js';
export { keysetPage, parseLimit, encodeCursor, decodeCursor } from './paging.js';
export type { Page, PageCursor, PageOptions } from './paging.js';
export { toJsonColumn, fromJsonColumn, JSON_COLUMN } from './json.js';
export { ownerOf, ownerScope, canSee } from './owner.js';
export { CALL_LOG_OWNER, CALL_LOG_MIGRATIONS, CALLS_TABLE, SESSIONS_TABLE } from './call-log-schema.js';
export type { CallRow, SessionRow, CallLogTables } from './call-log-schema.js';
export { callRowOf, writeCall, recordCall, pruneCallLog } from './call-log.js';
