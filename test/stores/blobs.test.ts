/**
 * The blob store on both stores: the contract suite on SQLite (a directory beside a real temp
 * file) and PostgreSQL (chunked rows on a real server), and what is particular to each.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createGateway, memoryDiagnostics } from '@switchyard/core';
import { postgresStore, sqliteStore, startPostgres, type TestPostgres } from '@switchyard/test-kit';
import { chunkedBlobStore } from '@switchyard/store';
import { blobsContract, bytesOf } from './blobs-contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-blobs-contract-'));
let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Files under `root`, at any depth. */
function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

const open = async (plugins: Parameters<typeof createGateway>[0]['plugins'], dataDir = dir) => {
  const gateway = await createGateway({ dataDir, plugins }, { diagnostics: memoryDiagnostics() });
  return { gateway, store: gateway.services.store!, close: () => gateway.close() };
};

blobsContract('sqlite', async () => ({
  open: () => open([sqliteStore()]),
  leftovers: async (store) => files(store.blobs.location).length,
}));

blobsContract('postgres', async () => ({
  open: () => open([postgresStore({ connectionString: server!.connectionString, poolSize: 4, blobChunkBytes: 1024 })]),
  async leftovers(store) {
    const r = await sql<{ n: string }>`select (select count(*) from sy_blob_chunks) + (select count(*) from sy_blobs) as n`.execute(store.db);
    return Number(r.rows[0]!.n);
  },
}));

it('sqlite: blobs live beside the database file by default, or in blobDir; a blob is one file', async () => {
  const a = await open([sqliteStore({ file: 'beside.db' })]);
  try {
    expect(a.store.blobs.location).toBe(path.join(dir, 'beside-blobs'));
    const { id } = await a.store.blobs.put(Buffer.from('bytes on disk'));
    const [file] = files(a.store.blobs.location);
    expect(path.basename(file!)).toBe(id);
    expect(statSync(file!).size).toBe(13);
  } finally {
    await a.close();
  }
  const b = await open([sqliteStore({ file: 'elsewhere.db', blobDir: 'my-blobs' })]);
  try {
    expect(b.store.blobs.location).toBe(path.join(dir, 'my-blobs'));
  } finally {
    await b.close();
  }
});

it('sqlite: a temp file a killed write left behind is never a blob and is swept at the next start', async () => {
  const first = await open([sqliteStore({ file: 'sweep.db' })]);
  const root = first.store.blobs.location;
  await first.close();
  const stale = path.join(root, '.tmp', 'blob_0123456789abcdef0123456789abcdef.dead');
  const fresh = path.join(root, '.tmp', 'blob_fedcba9876543210fedcba9876543210.live');
  writeFileSync(stale, 'half written');
  writeFileSync(fresh, 'still being written by another process');
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  utimesSync(stale, twoHoursAgo, twoHoursAgo);
  const second = await open([sqliteStore({ file: 'sweep.db' })]);
  try {
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true); // maybe another process's write in progress
    expect(await second.store.blobs.stat('blob_0123456789abcdef0123456789abcdef')).toBeUndefined();
  } finally {
    await second.close();
  }
});

it('sqlite: a :memory: store keeps blobs in a temp directory removed at close', async () => {
  const m = await open([sqliteStore({ file: ':memory:' })]);
  const root = m.store.blobs.location;
  const { id } = await m.store.blobs.put(Buffer.from('gone at close'));
  expect((await bytesOf((await m.store.blobs.get(id)).stream)).toString()).toBe('gone at close');
  await m.close();
  expect(existsSync(root)).toBe(false);
});

it('postgres: a blob is chunk rows of blobChunkBytes, written in one transaction', async () => {
  const p = await open([postgresStore({ connectionString: server!.connectionString, poolSize: 2, blobChunkBytes: 4096 })]);
  try {
    const { id } = await p.store.blobs.put(Buffer.alloc(10_000, 7));
    const rows = await p.store.db.selectFrom('sy_blob_chunks').select(['seq', sql<number>`length(data)`.as('n')]).where('blob_id', '=', id).orderBy('seq').execute();
    expect(rows.map((r) => [r.seq, Number(r.n)])).toEqual([
      [0, 4096],
      [1, 4096],
      [2, 1808],
    ]);
  } finally {
    await p.close();
  }
});

it('postgres: reads stream through binary COPY; a reader that stops early gives its connection back', async () => {
  const p = await open([postgresStore({ connectionString: server!.connectionString, poolSize: 2, blobChunkBytes: 4096 })]);
  try {
    const bytes = Buffer.alloc(1 << 20);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
    const { id } = await p.store.blobs.put(bytes);
    // more abandoned readers than pooled connections: each must be released for the next
    for (let i = 0; i < 6; i++) {
      const { stream } = await p.store.blobs.get(id, { offset: 1000 * i });
      for await (const chunk of stream) {
        expect(chunk.length).toBeGreaterThan(0);
        break; // stop after the first chunk
      }
    }
    const tail = await p.store.blobs.get(id, { offset: bytes.length - 5000 });
    expect((await bytesOf(tail.stream)).equals(bytes.subarray(bytes.length - 5000))).toBe(true);
    const r = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = 'switchyard' and query ilike 'copy%' and state = 'active'`.execute(p.store.db);
    expect(Number(r.rows[0]!.n)).toBe(0);
  } finally {
    await p.close();
  }
});

it('postgres: without COPY, reads come as small-slice queries, ranges the same', async () => {
  const p = await open([postgresStore({ connectionString: server!.connectionString, poolSize: 2 })]);
  try {
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    // chunks smaller than a read slice, and chunks of several slices
    for (const chunkBytes of [1000, 80_000]) {
      const blobs = chunkedBlobStore(p.store.db, { chunkBytes });
      const { id } = await blobs.put(bytes);
      for (const [offset, length] of [[0, 100_000], [999, 2], [1000, 1000], [33_333, 40_000], [79_999, 2], [99_999, 1]]) {
        const r = await blobs.get(id, { offset, length });
        expect((await bytesOf(r.stream)).equals(bytes.subarray(offset, offset + length))).toBe(true);
      }
      expect(await blobs.delete(id)).toBe(true);
    }
  } finally {
    await p.close();
  }
});
