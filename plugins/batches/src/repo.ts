/**
 * Where files and batches live: one row per file (its owner, purpose, blob and object), one
 * per batch (object and what the executor needs), and one per finished batch line (written in
 * the same transaction that records the line as done, so a line is kept exactly once).
 */
import { sql } from 'kysely';
import type { AnyKysely, Migration, Store } from '@switchyard/store';
import { invalid } from './errors.js';
import { nextSeq as nextSeqValue } from './ids.js';
import type { BatchObject, FileObject, OutputLine } from './types.js';

/**
 * The plugin's table names.
 *
 * @example
 * ```ts
 * await store.db.selectFrom(TABLES.files).select('id').execute();
 * ```
 */
export const TABLES = { files: 'sy_files', batches: 'sy_batches', results: 'sy_batch_results', upstreamFiles: 'sy_file_upstream' } as const;

/**
 * The plugin's migrations.
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/batches', BATCHES_MIGRATIONS);
 * ```
 */
export const BATCHES_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_files_batches',
    async up(db) {
      await db.schema
        .createTable(TABLES.files)
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('owner', 'varchar(200)', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
        .addColumn('blob_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('object_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${TABLES.files}_owner_seq`).ifNotExists().on(TABLES.files).columns(['owner', 'seq']).execute();
      await db.schema
        .createTable(TABLES.batches)
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('owner', 'varchar(200)', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('object_json', 'text', (c) => c.notNull())
        .addColumn('exec_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${TABLES.batches}_owner_seq`).ifNotExists().on(TABLES.batches).columns(['owner', 'seq']).execute();
      await db.schema
        .createTable(TABLES.results)
        .ifNotExists()
        .addColumn('batch_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('line_json', 'text', (c) => c.notNull())
        .addColumn('charge_json', 'text')
        .addPrimaryKeyConstraint(`${TABLES.results}_pk`, ['batch_id', 'line_no'])
        .execute();
    },
  },
  {
    // native pass-through: a gateway file uploaded to a deployment, under its upstream id
    name: '002_file_upstream',
    async up(db) {
      await db.schema
        .createTable(TABLES.upstreamFiles)
        .ifNotExists()
        .addColumn('file_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('deployment', 'varchar(200)', (c) => c.notNull())
        .addColumn('upstream_id', 'varchar(200)', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${TABLES.upstreamFiles}_pk`, ['file_id', 'deployment'])
        .execute();
    },
  },
];

/** A stored file: the object, its owner and its blob. */
export interface StoredFile {
  file: FileObject;
  owner: string;
  blobId: string;
}

/** What the executor keeps beside a batch. */
export interface BatchExec {
  /** The principal the lines run as. */
  principal: Record<string, unknown>;
  /** Blob of the input file, read line by line by the executor. */
  inputBlobId: string;
  /** Result blobs written by a finalisation not yet committed (swept by the next attempt after a crash). */
  pendingBlobs?: string[];
  /** Set when the batch runs natively at a deployment (OpenAI, Azure, Anthropic): where, and under which ids. */
  native?: NativeBatch;
}

/** A batch passed through to a deployment's own Batches API. */
export interface NativeBatch {
  /** The deployment id the batch runs on. */
  deployment: string;
  /** `provider`: the adapter's own batch API (`nativeBatches`, e.g. Anthropic); absent: OpenAI's Files + Batches. */
  via?: 'provider';
  /** Lines the provider's conversion refused (in the error file; not sent upstream). */
  rejected?: number;
  /** The input file's id there. */
  upstreamFileId?: string;
  /** The batch's id there (set once created). */
  upstreamBatchId?: string;
  /** A create was sent and its answer not yet recorded: the next attempt looks for it upstream first. */
  creating?: boolean;
}

/** What one successful line cost (at batch prices) and where it ran. */
export interface LineCharge {
  cost: number | null;
  deployment: string;
  provider: string;
  model: string;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** A stored batch. */
export interface StoredBatch {
  batch: BatchObject;
  owner: string;
  exec: BatchExec;
}

/** One page of a list. */
export interface ListPage<T> {
  data: T[];
  hasMore: boolean;
}

type Row = { id: string; seq: number | string; object_json: string };

async function cursorOf(db: AnyKysely, table: string, id: string, scope: string | undefined): Promise<{ seq: number; id: string }> {
  let q = db.selectFrom(table).select(['seq', 'id']).where('id', '=', id);
  if (scope !== undefined) q = q.where('owner', '=', scope);
  const row = (await q.executeTakeFirst()) as { seq: number | string; id: string } | undefined;
  if (!row) throw invalid(`Invalid 'after': no object with id '${id}' in this list.`, 'after');
  return { seq: Number(row.seq), id: row.id };
}

/**
 * The repository over a store. Reads take the owner scope (`ownerScope(principal)`:
 * undefined for an admin) and filter on it in the same query.
 *
 * @example
 * ```ts
 * const repo = batchesRepo(store);
 * const f = await repo.file(id, ownerScope(req.principal));
 * ```
 */
export function batchesRepo(store: Store) {
  const db = store.db;

  async function page<T>(table: string, scope: string | undefined, opts: { after?: string; limit: number; asc: boolean; purpose?: string }): Promise<ListPage<T>> {
    let q = db.selectFrom(table).select(['id', 'seq', 'object_json']);
    if (scope !== undefined) q = q.where('owner', '=', scope);
    if (opts.purpose !== undefined) q = q.where('purpose', '=', opts.purpose);
    if (opts.after) {
      const a = await cursorOf(db, table, opts.after, scope);
      q = q.where((eb) => eb(eb.refTuple('seq', 'id'), opts.asc ? '>' : '<', eb.tuple(a.seq, a.id)));
    }
    const dir = opts.asc ? 'asc' : 'desc';
    const rows = (await q.orderBy('seq', dir).orderBy('id', dir).limit(opts.limit + 1).execute()) as Row[];
    return { data: rows.slice(0, opts.limit).map((r) => JSON.parse(r.object_json) as T), hasMore: rows.length > opts.limit };
  }

  return {
    async insertFile(f: StoredFile, trx: AnyKysely = db): Promise<void> {
      await trx
        .insertInto(TABLES.files)
        .values({ id: f.file.id, owner: f.owner, seq: nextSeqValue(), purpose: f.file.purpose, blob_id: f.blobId, object_json: JSON.stringify(f.file) })
        .execute();
    },
    async file(id: string, scope: string | undefined): Promise<StoredFile | undefined> {
      let q = db.selectFrom(TABLES.files).select(['object_json', 'owner', 'blob_id']).where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const row = (await q.executeTakeFirst()) as { object_json: string; owner: string; blob_id: string } | undefined;
      return row ? { file: JSON.parse(row.object_json) as FileObject, owner: row.owner, blobId: row.blob_id } : undefined;
    },
    listFiles: (scope: string | undefined, opts: { after?: string; limit: number; asc: boolean; purpose?: string }) => page<FileObject>(TABLES.files, scope, opts),
    async deleteFile(id: string): Promise<boolean> {
      const r = await db.deleteFrom(TABLES.files).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async insertBatch(b: StoredBatch, trx: AnyKysely = db): Promise<void> {
      await trx
        .insertInto(TABLES.batches)
        .values({ id: b.batch.id, owner: b.owner, seq: nextSeqValue(), status: b.batch.status, object_json: JSON.stringify(b.batch), exec_json: JSON.stringify(b.exec) })
        .execute();
    },
    async batch(id: string, scope: string | undefined, trx: AnyKysely = db): Promise<StoredBatch | undefined> {
      let q = trx.selectFrom(TABLES.batches).select(['object_json', 'owner', 'exec_json']).where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const row = (await q.executeTakeFirst()) as { object_json: string; owner: string; exec_json: string } | undefined;
      return row ? { batch: JSON.parse(row.object_json) as BatchObject, owner: row.owner, exec: JSON.parse(row.exec_json) as BatchExec } : undefined;
    },
    /** Replaces the batch object; with `from`, only while its status is one of them (false otherwise). */
    async saveBatch(batch: BatchObject, trx: AnyKysely = db, from?: readonly string[]): Promise<boolean> {
      let q = trx.updateTable(TABLES.batches).set({ object_json: JSON.stringify(batch), status: batch.status }).where('id', '=', batch.id);
      if (from) q = q.where('status', 'in', [...from]);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async saveExec(batchId: string, exec: BatchExec, trx: AnyKysely = db): Promise<void> {
      await trx.updateTable(TABLES.batches).set({ exec_json: JSON.stringify(exec) }).where('id', '=', batchId).execute();
    },
    /** Batches not ended whose input is `fileId` (a delete must wait for them). */
    async activeBatchesOf(fileId: string): Promise<string[]> {
      const rows = (await db
        .selectFrom(TABLES.batches)
        .select(['id', 'object_json'])
        .where('status', 'in', ['validating', 'in_progress', 'finalizing', 'cancelling'])
        .execute()) as Array<{ id: string; object_json: string }>;
      return rows.filter((r) => (JSON.parse(r.object_json) as BatchObject).input_file_id === fileId).map((r) => r.id);
    },
    async blobReferenced(blobId: string): Promise<boolean> {
      return (await db.selectFrom(TABLES.files).select('id').where('blob_id', '=', blobId).executeTakeFirst()) !== undefined;
    },
    async upstreamFile(fileId: string, deployment: string): Promise<string | undefined> {
      const row = (await db.selectFrom(TABLES.upstreamFiles).select('upstream_id').where('file_id', '=', fileId).where('deployment', '=', deployment).executeTakeFirst()) as
        | { upstream_id: string }
        | undefined;
      return row?.upstream_id;
    },
    async upstreamFiles(fileId: string): Promise<Array<{ deployment: string; upstreamId: string }>> {
      const rows = (await db.selectFrom(TABLES.upstreamFiles).select(['deployment', 'upstream_id']).where('file_id', '=', fileId).execute()) as Array<{ deployment: string; upstream_id: string }>;
      return rows.map((r) => ({ deployment: r.deployment, upstreamId: r.upstream_id }));
    },
    async addUpstreamFile(fileId: string, deployment: string, upstreamId: string): Promise<void> {
      await db.insertInto(TABLES.upstreamFiles).values({ file_id: fileId, deployment, upstream_id: upstreamId }).onConflict((oc) => oc.columns(['file_id', 'deployment']).doUpdateSet({ upstream_id: upstreamId })).execute();
    },
    async dropUpstreamFiles(fileId: string): Promise<void> {
      await db.deleteFrom(TABLES.upstreamFiles).where('file_id', '=', fileId).execute();
    },
    listBatches: (scope: string | undefined, opts: { after?: string; limit: number }) => page<BatchObject>(TABLES.batches, scope, { ...opts, asc: false }),

    async addResult(batchId: string, lineNo: number, line: OutputLine, ok: boolean, trx: AnyKysely, charge?: LineCharge): Promise<void> {
      await trx
        .insertInto(TABLES.results)
        .values({ batch_id: batchId, line_no: lineNo, ok: ok ? 1 : 0, line_json: JSON.stringify(line), charge_json: charge ? JSON.stringify(charge) : null })
        .execute();
    },
    /** What the successful lines cost, in pages (never all rows at once). */
    async *charges(batchId: string, size = 1000): AsyncGenerator<LineCharge> {
      let after = -1;
      for (;;) {
        const rows = (await db
          .selectFrom(TABLES.results)
          .select(['line_no', 'charge_json'])
          .where('batch_id', '=', batchId)
          .where('ok', '=', 1)
          .where('line_no', '>', after)
          .orderBy('line_no')
          .limit(size)
          .execute()) as Array<{ line_no: number | string; charge_json: string | null }>;
        for (const r of rows) if (r.charge_json) yield JSON.parse(r.charge_json) as LineCharge;
        if (rows.length < size) return;
        after = Number(rows.at(-1)!.line_no);
      }
    },
    async resultCounts(batchId: string, trx: AnyKysely = db): Promise<{ completed: number; failed: number }> {
      const rows = (await trx
        .selectFrom(TABLES.results)
        .select(['ok', sql<number>`count(*)`.as('n')])
        .where('batch_id', '=', batchId)
        .groupBy('ok')
        .execute()) as Array<{ ok: number | string; n: number | string }>;
      let completed = 0;
      let failed = 0;
      for (const r of rows) {
        if (Number(r.ok) === 1) completed = Number(r.n);
        else failed = Number(r.n);
      }
      return { completed, failed };
    },
    async doneLines(batchId: string): Promise<Set<number>> {
      const rows = (await db.selectFrom(TABLES.results).select('line_no').where('batch_id', '=', batchId).execute()) as Array<{ line_no: number | string }>;
      return new Set(rows.map((r) => Number(r.line_no)));
    },
    /** The finished lines, in pages of `size` (so a large batch is never read whole). */
    async *results(batchId: string, ok: boolean, size = 500): AsyncGenerator<OutputLine> {
      let after = -1;
      for (;;) {
        const rows = (await db
          .selectFrom(TABLES.results)
          .select(['line_no', 'line_json'])
          .where('batch_id', '=', batchId)
          .where('ok', '=', ok ? 1 : 0)
          .where('line_no', '>', after)
          .orderBy('line_no')
          .limit(size)
          .execute()) as Array<{ line_no: number | string; line_json: string }>;
        for (const r of rows) yield JSON.parse(r.line_json) as OutputLine;
        if (rows.length < size) return;
        after = Number(rows.at(-1)!.line_no);
      }
    },
  };
}


/** The repository's type. */
export type BatchesRepo = ReturnType<typeof batchesRepo>;
