/**
 * Blobs as rows of fixed-size chunks (the PostgreSQL store's, shared by every process on the
 * database): a blob's chunks and its row are written in one transaction, so a failed, aborted
 * or killed write leaves nothing; reads stream only the bytes of the range (`substring` on
 * uncompressed storage) through binary COPY when the store can (else small-slice queries), so
 * memory stays at about one chunk per open stream.
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { AnyKysely, Migration } from '../types.js';
import { blobNotFound, isBlobId, newBlobId, readSource, resolveRange } from './common.js';
import { copyBinaryFields } from './copy-binary.js';
import type { BlobInfo, BlobRead, BlobStore } from './types.js';

/** Migration owner of the blob tables. */
export const BLOBS_OWNER = '@switchyard/store/blobs';
/** One row per blob. */
export const BLOBS_TABLE = 'sy_blobs';
/** The blobs' bytes, `chunk_size` bytes per row (the last one shorter). */
export const BLOB_CHUNKS_TABLE = 'sy_blob_chunks';
/** Default chunk size: 1 MiB. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * The blob tables' migrations (PostgreSQL).
 *
 * @example
 * ```ts
 * await store.migrate(BLOBS_OWNER, BLOB_MIGRATIONS);
 * ```
 */
export const BLOB_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_blobs',
    async up(db) {
      await db.schema
        .createTable(BLOBS_TABLE)
        .ifNotExists()
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('chunk_size', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable(BLOB_CHUNKS_TABLE)
        .ifNotExists()
        .addColumn('blob_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${BLOB_CHUNKS_TABLE}_pk`, ['blob_id', 'seq'])
        .execute();
      // out of line and uncompressed: file bytes are mostly compressed already, and substring
      // then reads only the pages of the range
      await sql`alter table ${sql.table(BLOB_CHUNKS_TABLE)} alter column data set storage external`.execute(db);
    },
  },
];

interface BlobRow {
  id: string;
  size: string | number;
  chunk_size: number;
  created_at: number;
}

/** Bytes per value of a read without COPY (a bytea value comes back as hex text, twice its size). */
const READ_SLICE = 32 * 1024;
const infoOf = (r: BlobRow): BlobInfo => ({ id: r.id, size: Number(r.size), createdAt: Number(r.created_at) });

/**
 * Options of {@link chunkedBlobStore}.
 *
 * @example
 * ```ts
 * const options: ChunkedBlobOptions = { chunkBytes: 1 << 20, copyOut: (query) => client.query(copyTo(query)) };
 * ```
 */
export interface ChunkedBlobOptions {
  /** Bytes per chunk row of new blobs (default 1 MiB). */
  chunkBytes?: number;
  /**
   * Streams the raw output of a `COPY (...) TO STDOUT (FORMAT binary)` statement on a
   * connection of its own (the PostgreSQL store passes one built on `pg-copy-streams`); reads
   * then come as bytes, not as hex text. Without it, reads are queries of small slices.
   */
  copyOut?(statement: string): Readable;
}

/**
 * A blob store over the chunk tables of `db` (migrated with {@link BLOB_MIGRATIONS}).
 *
 * @example
 * ```ts
 * await store.migrate(BLOBS_OWNER, BLOB_MIGRATIONS);
 * const blobs = chunkedBlobStore(store.db, { chunkBytes: 1 << 20 });
 * ```
 */
export function chunkedBlobStore(db: AnyKysely, options: ChunkedBlobOptions = {}): BlobStore {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const { copyOut } = options;
  const row = async (id: string) => (await db.selectFrom(BLOBS_TABLE).selectAll().where('id', '=', id).executeTakeFirst()) as BlobRow | undefined;

  return {
    location: `postgres (${BLOB_CHUNKS_TABLE})`,
    async put(source, opts = {}) {
      const id = newBlobId();
      const createdAt = Date.now();
      const size = await db.transaction().execute(async (trx) => {
        let seq = 0;
        let total = 0;
        // one buffer for every chunk: the driver has copied it into its message once the insert resolves
        const buf = Buffer.allocUnsafe(chunkBytes);
        let fill = 0;
        const flush = async () => {
          await trx.insertInto(BLOB_CHUNKS_TABLE).values({ blob_id: id, seq: seq++, data: buf.subarray(0, fill) }).execute();
          fill = 0;
        };
        for await (const chunk of readSource(source, opts)) {
          total += chunk.byteLength;
          let at = 0;
          while (at < chunk.byteLength) {
            const n = Math.min(chunkBytes - fill, chunk.byteLength - at);
            buf.set(chunk.subarray(at, at + n), fill);
            fill += n;
            at += n;
            if (fill === chunkBytes) await flush();
          }
        }
        if (fill > 0) await flush();
        await trx.insertInto(BLOBS_TABLE).values({ id, size: total, chunk_size: chunkBytes, created_at: createdAt }).execute();
        return total;
      });
      return { id, size, createdAt };
    },
    async stat(id) {
      if (!isBlobId(id)) return undefined;
      const r = await row(id);
      return r ? infoOf(r) : undefined;
    },
    async get(id, range): Promise<BlobRead> {
      if (!isBlobId(id)) throw blobNotFound(id);
      const r = await row(id);
      if (!r) throw blobNotFound(id);
      const info = infoOf(r);
      const { offset, length } = resolveRange(range, info.size);
      const size = Number(r.chunk_size);
      const end = offset + length;
      // the bytes of the range, chunk row by chunk row
      const sliced = async function* (): AsyncGenerator<Buffer> {
        let pos = offset;
        while (pos < end) {
          const seq = Math.floor(pos / size);
          const from = pos - seq * size + 1; // 1-based within the chunk, as substring counts
          const to = Math.min(size, end - seq * size); // last byte wanted, 1-based
          // small values: hex strings under V8's large-object size die young (see READ_SLICE)
          const { rows } = await sql<{ data: Buffer }>`
            select substring(data from s for least(${READ_SLICE}, ${to + 1} - s)) as data
            from ${sql.table(BLOB_CHUNKS_TABLE)}, generate_series(${from}::int, ${to}::int, ${READ_SLICE}::int) as s
            where blob_id = ${id} and seq = ${seq}
            order by s`.execute(db);
          let got = 0;
          for (const r of rows) {
            got += r.data.length;
            yield r.data;
          }
          if (got !== to - from + 1) throw blobNotFound(id); // deleted while read
          pos += got;
        }
      };
      const copied = async function* (copy: (statement: string) => Readable): AsyncGenerator<Buffer> {
        if (length === 0) return;
        // COPY takes no parameters: every value here is a checked id or a whole number
        const first = Math.floor(offset / size);
        const last = Math.floor((end - 1) / size);
        const start = `greatest(${offset} - seq::bigint * ${size}, 0)`;
        const statement = `copy (select substring(data from (${start} + 1)::int for (least(${end} - seq::bigint * ${size}, ${size}) - ${start})::int) from ${BLOB_CHUNKS_TABLE} where blob_id = '${id}' and seq between ${first} and ${last} order by seq) to stdout (format binary)`;
        let got = 0;
        for await (const bytes of copyBinaryFields(copy(statement))) {
          got += bytes.length;
          yield bytes;
        }
        if (got !== length) throw blobNotFound(id); // deleted while read
      };
      // byte mode with a 1-byte mark: one chunk fetched ahead at most
      const chunks = copyOut ? copied(copyOut) : sliced();
      return { ...info, offset, length, stream: Readable.from(chunks, { objectMode: false, highWaterMark: 1 }) };
    },
    async delete(id) {
      if (!isBlobId(id)) return false;
      return db.transaction().execute(async (trx) => {
        const res = await trx.deleteFrom(BLOBS_TABLE).where('id', '=', id).executeTakeFirst();
        await trx.deleteFrom(BLOB_CHUNKS_TABLE).where('blob_id', '=', id).execute();
        return Number(res.numDeletedRows) > 0;
      });
    },
  };
}
