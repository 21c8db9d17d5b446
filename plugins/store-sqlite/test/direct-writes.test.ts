/**
 * Compiled writes in a transaction run on better-sqlite3 itself (not through Kysely's
 * executor): the transaction still decides (a rollback leaves nothing), and writes outside a
 * transaction, reads and the batcher's result are the same as on Kysely's path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compiledWrite, createWriteBatcher, runTransaction } from '@switchyard/store';
import { acquireSqlite, type SqliteHandle } from '../src/connections.js';

interface Row {
  id: string;
  n: number;
  note?: string | null;
}

describe('compiled writes on the SQLite driver', () => {
  let dir: string;
  let h: SqliteHandle;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sy-direct-'));
    h = acquireSqlite(path.join(dir, 'db.sqlite'), 1000);
    await sql`create table t (id text primary key, n integer not null, note text)`.execute(h.db);
  });
  afterEach(async () => {
    await h.release();
    await rm(dir, { recursive: true, force: true });
  });
  const insert = compiledWrite((db, row: Row) => db.insertInto('t').values(row));
  const upsert = compiledWrite((db, row: Row) =>
    db
      .insertInto('t')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ n: sql`n + excluded.n` })),
  );
  const rows = () => h.db.selectFrom('t').selectAll().orderBy('id').execute();

  it('commits with the transaction, and a rollback leaves nothing (the direct run joins the transaction)', async () => {
    await h.db.transaction().execute(async (trx) => {
      await insert(trx, { id: 'a', n: 1 });
      await upsert(trx, { id: 'a', n: 2 });
      await insert(trx, { id: 'b', n: 5, note: 'ä "q"' });
    });
    await expect(
      h.db.transaction().execute(async (trx) => {
        await insert(trx, { id: 'c', n: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await rows()).toEqual([
      { id: 'a', n: 3, note: null },
      { id: 'b', n: 5, note: 'ä "q"' },
    ]);
  });

  it('the same in the store’s own transactions (BEGIN IMMEDIATE on the held connection)', async () => {
    await runTransaction(h.db, 'sqlite', async (conn) => {
      await insert(conn, { id: 'k', n: 1 });
      await upsert(conn, { id: 'k', n: 1 });
    });
    await expect(
      runTransaction(h.db, 'sqlite', async (conn) => {
        await insert(conn, { id: 'l', n: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await rows()).toEqual([{ id: 'k', n: 2, note: null }]);
  });

  it('a failing statement rejects its write (not throws), inside and outside a transaction', async () => {
    await insert(h.db, { id: 'x', n: 1 }); // outside: Kysely's path
    const inTrx = h.db.transaction().execute((trx) => insert(trx, { id: 'x', n: 2 }));
    await expect(inTrx).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await expect(insert(h.db, { id: 'x', n: 3 })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await rows()).toEqual([{ id: 'x', n: 1, note: null }]);
  });

  it('through the write batcher: one bad row does not lose the others', async () => {
    const errors: unknown[] = [];
    const writes = createWriteBatcher({ transaction: (fn) => runTransaction(h.db, 'sqlite', fn), onError: (e) => errors.push(e) });
    await Promise.all([writes.enqueue((trx) => insert(trx, { id: 'p', n: 1 })), writes.enqueue((trx) => insert(trx, { id: 'p', n: 9 })), writes.enqueue((trx) => insert(trx, { id: 'q', n: 2 }))]);
    expect(await rows()).toEqual([
      { id: 'p', n: 1, note: null },
      { id: 'q', n: 2, note: null },
    ]);
    expect(errors).toHaveLength(1);
  });
});
