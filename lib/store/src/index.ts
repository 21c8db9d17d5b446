/**
 * @switchyard/store: the store contract and its machinery (Kysely dialects, migrations, the
 * write batcher, paging, compiled writes), for store plugins and every stateful plugin.
 */
import './services.js';

export type { Store, StoreDialect, Migration, MigrationContext, WriteBatcher, BatchedWrite, AnyKysely } from './types.js';
export { createStore } from './create.js';
export type { CreateStoreOptions } from './create.js';
export { installStore } from './install.js';
export { runMigrations, MIGRATIONS_TABLE, MIGRATION_LOCK_KEY } from './migrate.js';
export { runTransaction } from './transaction.js';
export { createWriteBatcher, isTransient } from './batcher.js';
export type { BatcherDeps } from './batcher.js';
export { compiledWrite, runCompiledWritesDirectly } from './compiled-write.js';
export { keysetPage, parseLimit, encodeCursor, decodeCursor } from './paging.js';
export type { Page, PageCursor, PageOptions } from './paging.js';
export { toJsonColumn, fromJsonColumn, JSON_COLUMN } from './json.js';
export { createJobQueue } from './jobs/queue.js';
export type { JobQueueHandle, JobQueueOptions, JobStoreDeps } from './jobs/queue.js';
export { JobFailure, JobInterruptedError, isInterrupted } from './jobs/errors.js';
export type { InterruptReason, JobFailureOptions } from './jobs/errors.js';
export { JOBS_TABLE, JOB_UNITS_TABLE, JOBS_OWNER } from './jobs/schema.js';
export type {
  JobState,
  JobError,
  JobInfo,
  EnqueueOptions,
  EnqueuedJob,
  ClaimedJob,
  HeartbeatResult,
  ClaimOptions,
  JobRelease,
  RunningJob,
  JobHandler,
  WorkOptions,
  JobWorker,
  JobQueue,
} from './jobs/types.js';
export { directoryBlobStore } from './blobs/directory.js';
export type { ClosableBlobStore } from './blobs/directory.js';
export { chunkedBlobStore, BLOB_MIGRATIONS, BLOBS_OWNER, BLOBS_TABLE, BLOB_CHUNKS_TABLE, DEFAULT_CHUNK_BYTES } from './blobs/chunked.js';
export type { ChunkedBlobOptions } from './blobs/chunked.js';
export { copyBinaryFields } from './blobs/copy-binary.js';
export type { BlobInfo, BlobSource, PutBlobOptions, BlobRange, BlobRead, BlobStore } from './blobs/types.js';
export { objectId, nextSeq, nowSec } from './object-ids.js';
