/**
 * The blob store's contract: file bytes kept beside the database (a directory for SQLite,
 * chunked rows for PostgreSQL), written and read as streams, never held whole in memory.
 */
import type { Readable } from 'node:stream';

/**
 * A stored blob.
 *
 * @example
 * ```ts
 * const info = await store.blobs.stat(id);
 * if (info) console.log(`${info.size} bytes since ${new Date(info.createdAt).toISOString()}`);
 * ```
 */
export interface BlobInfo {
  /** `blob_` and 32 hex digits. */
  id: string;
  /** Bytes. */
  size: number;
  /** When it was written (epoch ms). */
  createdAt: number;
}

/** What `put` reads: a Node stream, any async iterable of byte chunks, or bytes already in memory. */
export type BlobSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

/**
 * Options of `put`.
 *
 * @example
 * ```ts
 * await store.blobs.put(req.body, { maxBytes: 512 * 1024 * 1024, signal: req.signal });
 * ```
 */
export interface PutBlobOptions {
  /** Refuse a source longer than this (`GW_ERR_BODY_TOO_LARGE`; nothing is kept). */
  maxBytes?: number;
  /** Aborting it stops the write: `put` rejects with the signal's reason and nothing is kept. */
  signal?: AbortSignal;
}

/**
 * A byte range: `offset` (default 0) and `length` (default: to the end).
 *
 * @example
 * ```ts
 * const { stream } = await store.blobs.get(id, { offset: 1024, length: 4096 });
 * ```
 */
export interface BlobRange {
  offset?: number;
  length?: number;
}

/** What `get` returns: the blob, the range served, and its bytes as a stream to read once. */
export interface BlobRead extends BlobInfo {
  /** First byte served. */
  offset: number;
  /** Bytes the stream yields. */
  length: number;
  stream: Readable;
}

/**
 * The blob store of a store (`store.blobs`). Blobs are immutable: written once by `put`,
 * read any number of times, deleted. Keep your own row (file name, purpose, owner) pointing at
 * the blob id; if that row's write fails after `put`, delete the blob.
 *
 * @example
 * ```ts
 * const blobs = gateway.services.store!.blobs;
 * const { id, size } = await blobs.put(createReadStream('input.jsonl'), { maxBytes: 200 << 20 });
 * const { stream, length } = await blobs.get(id, { offset: 0, length: 100 });
 * for await (const chunk of stream) process.stdout.write(chunk);
 * await blobs.delete(id);
 * ```
 */
export interface BlobStore {
  /** Where the bytes live, for people: a directory, or `postgres (sy_blob_chunks)`. */
  readonly location: string;
  /**
   * Writes a new blob from `source` and resolves once it is durable. A source that fails, is
   * aborted or runs past `maxBytes` leaves nothing behind (and rejects with its error).
   */
  put(source: BlobSource, options?: PutBlobOptions): Promise<BlobInfo>;
  /** The blob, or undefined when there is none with this id. */
  stat(id: string): Promise<BlobInfo | undefined>;
  /**
   * Opens the blob for reading (a range of it, or all). Throws `GW_ERR_NOT_FOUND` when there is
   * no such blob, `GW_ERR_INVALID_REQUEST` (status 416, param `range`) for a range outside it.
   */
  get(id: string, range?: BlobRange): Promise<BlobRead>;
  /** Deletes the blob; false when there was none. A stream already opened on it may fail. */
  delete(id: string): Promise<boolean>;
}
