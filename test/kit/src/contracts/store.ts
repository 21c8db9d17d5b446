/**
 * The store contract suite: the same tests against every store plugin (SQLite on a real
 * temp file, PostgreSQL on a real server). Each opened store comes from the real plugin
 * inside a real gateway, as plugins see it.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { sql } from 'kysely';
import { createCallContext, type Gateway } from '@switchyard/core';
import { compiledWrite, fromJsonColumn, JSON_COLUMN, keysetPage, toJsonColumn, type Migration, type Store } from '@switchyard/store';
import { CALL_LOG_MIGRATIONS, CALL_LOG_OWNER, callRowOf, pruneCallLog, writeCall, type CallRow } from '@switchyard/session-tracker';

/** A store opened for a test, and how to close it (closing the gateway that holds it). */
export interface OpenedStore {
  store: Store;
  gateway: Gateway;
  close(): Promise<void>;
}

/** How the suite reaches one store implementation: each `open()` is a new gateway on the same database. */
export interface StoreTarget {
  open(): Promise<OpenedStore>;
}

let seq = 0;
const unique = (p: string) => `${p}_${process.pid}_${++seq}`;

/**
 * Registers the contract tests for one store implementation.
 *
 * @example
 * ```ts
 * storeContract('sqlite', async () => ({ open: () => openSqlite(file) }));
 * ```
 */
export function storeContract(name: string, target: () => Promise<StoreTarget>): void {
  describe(`store contract: ${name}`, () => {
    const opened: OpenedStore[] = [];
    let t: StoreTarget | undefined;
    const open = async () => {
      t ??= await target();
      const o = await t.open();
      opened.push(o);
      return o;
    };
    afterAll(async () => {
      for (const o of opened) await o.close().catch(() => undefined);
    });

    it('applies each migration once, in order, and records it', async () => {
      const { store } = await open();
      const table = unique('mig');
      const owner = unique('@test/owner');
      const m1: Migration = { name: '001_create', up: (db) => db.schema.createTable(table).addColumn('id', 'varchar(50)', (c) => c.primaryKey()).execute() };
      const m2: Migration = { name: '002_column', up: (db) => db.schema.alterTable(table).addColumn('note', 'text').execute() };
      expect(await store.migrate(owner, [m1, m2])).toEqual(['001_create', '002_column']);
      expect(await store.migrate(owner, [m1, m2])).toEqual([]);
      const m3: Migration = { name: '003_row', up: (db) => db.insertInto(table).values({ id: 'a', note: 'x' }).execute() };
      expect(await store.migrate(owner, [m1, m2, m3])).toEqual(['003_row']);
      const rows = await store.db.selectFrom(table).selectAll().execute();
      expect(rows).toEqual([{ id: 'a', note: 'x' }]);
      const recorded = await store.db.selectFrom('sy_migrations').select('name').where('owner', '=', owner).orderBy('name').execute();
      expect(recorded.map((r) => r.name)).toEqual(['001_create', '002_column', '003_row']);
      // the same names under another owner are another plugin's migrations
      const other = unique('@test/other');
      const t2 = unique('mig2');
      expect(await store.migrate(other, [{ name: '001_create', up: (db) => db.schema.createTable(t2).addColumn('id', 'integer').execute() }])).toEqual(['001_create']);
    });

    it('runs a migration once when two processes (gateways) and two calls in one process migrate together', async () => {
      const a = await open();
      const b = await open();
      const owner = unique('@test/race');
      const table = unique('race');
      const counter = unique('race_count');
      await a.store.migrate(unique('@test/race-setup'), [
        { name: '001', up: (db) => db.schema.createTable(counter).addColumn('n', 'integer').execute() },
      ]);
      const migrations: Migration[] = [
        { name: '001_table', up: (db) => db.schema.createTable(table).addColumn('id', 'integer').execute() },
        { name: '002_count', up: (db) => db.insertInto(counter).values({ n: 1 }).execute() },
      ];
      const results = await Promise.all([
        a.store.migrate(owner, migrations),
        b.store.migrate(owner, migrations),
        a.store.migrate(owner, migrations),
        b.store.migrate(owner, migrations),
      ]);
      expect(results.filter((r) => r.length > 0)).toEqual([['001_table', '002_count']]);
      const count = await a.store.db.selectFrom(counter).select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow();
      expect(Number(count.c)).toBe(1);
    });

    it('rolls back a failing migration entirely and does not record it', async () => {
      const { store } = await open();
      const owner = unique('@test/bad');
      const table = unique('bad');
      const bad: Migration = {
        name: '001_half',
        async up(db) {
          await db.schema.createTable(table).addColumn('id', 'integer').execute();
          throw new Error('boom');
        },
      };
      await expect(store.migrate(owner, [bad])).rejects.toThrow(/001_half failed: boom/);
      const recorded = await store.db.selectFrom('sy_migrations').select('name').where('owner', '=', owner).execute();
      expect(recorded).toEqual([]);
      // the table was rolled back too: creating it again succeeds
      expect(await store.migrate(owner, [{ name: '001_half', up: (db) => db.schema.createTable(table).addColumn('id', 'integer').execute() }])).toEqual(['001_half']);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const { store } = await open();
      const table = unique('tx');
      await store.migrate(unique('@test/tx'), [{ name: '001', up: (db) => db.schema.createTable(table).addColumn('id', 'varchar(20)', (c) => c.primaryKey()).execute() }]);
      const value = await store.transaction(async (trx) => {
        await trx.insertInto(table).values({ id: 'kept' }).execute();
        return 42;
      });
      expect(value).toBe(42);
      await expect(
        store.transaction(async (trx) => {
          await trx.insertInto(table).values({ id: 'lost' }).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      // a constraint violation mid-transaction also rolls back the earlier insert
      await expect(
        store.transaction(async (trx) => {
          await trx.insertInto(table).values({ id: 'lost2' }).execute();
          await trx.insertInto(table).values({ id: 'kept' }).execute();
        }),
      ).rejects.toThrow();
      const rows = await store.db.selectFrom(table).select('id').orderBy('id').execute();
      expect(rows.map((r) => r.id)).toEqual(['kept']);
      // the store still works after rollbacks
      await store.transaction((trx) => trx.insertInto(table).values({ id: 'after' }).execute());
      expect((await store.db.selectFrom(table).select('id').execute()).length).toBe(2);
    });

    it('pages by cursor in both directions without gaps or repeats, ties broken by id', async () => {
      const { store } = await open();
      const table = unique('page');
      await store.migrate(unique('@test/page'), [
        {
          name: '001',
          up: (db) => db.schema.createTable(table).addColumn('id', 'varchar(20)', (c) => c.primaryKey()).addColumn('at', 'double precision', (c) => c.notNull()).execute(),
        },
      ]);
      const rows = Array.from({ length: 25 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, at: Math.floor(i / 3) + 0.5 }));
      await store.db.insertInto(table).values(rows).execute();
      for (const direction of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        let after: { sort: number; id: string } | undefined;
        let pages = 0;
        for (;;) {
          const page = await keysetPage(store.db.selectFrom(table).selectAll(), { sortColumn: 'at', idColumn: 'id', direction, limit: 10, after });
          pages++;
          seen.push(...page.rows.map((r) => r.id as string));
          if (!page.hasMore) break;
          const last = page.rows[page.rows.length - 1]!;
          after = { sort: Number(last.at), id: String(last.id) };
        }
        const expected = [...rows].sort((x, y) => x.at - y.at || x.id.localeCompare(y.id)).map((r) => r.id);
        expect(seen).toEqual(direction === 'asc' ? expected : expected.reverse());
        expect(pages).toBe(3);
      }
    });

    it('round-trips JSON columns exactly', async () => {
      const { store } = await open();
      const table = unique('json');
      await store.migrate(unique('@test/json'), [
        { name: '001', up: (db) => db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('doc', JSON_COLUMN).execute() },
      ]);
      const doc = {
        text: 'héllo ✓ 🚂 "quotes" \\ back\nslash\u0000nul',
        big: 'x'.repeat(50_000),
        nested: { a: [1, 2.5, -3e-7, null, true], z: { b: 'c' }, a2: 9007199254740991 },
        order: { z: 1, a: 2, m: 3 },
      };
      await store.db.insertInto(table).values([{ id: 1, doc: toJsonColumn(doc) }, { id: 2, doc: toJsonColumn(null) }]).execute();
      const back = await store.db.selectFrom(table).selectAll().orderBy('id').execute();
      expect(fromJsonColumn(back[0]!.doc)).toEqual(doc);
      expect(Object.keys(fromJsonColumn<typeof doc>(back[0]!.doc)!.order)).toEqual(['z', 'a', 'm']);
      expect(fromJsonColumn(back[1]!.doc)).toBeUndefined();
    });

    it('commits batched writes on flush, keeps good writes when one fails, and flushes on close', async () => {
      const first = await open();
      const table = unique('batch');
      await first.store.migrate(unique('@test/batch'), [
        { name: '001', up: (db) => db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).execute() },
      ]);
      for (let i = 0; i < 1000; i++) first.store.writes.enqueue((db) => db.insertInto(table).values({ id: i }).execute());
      first.store.writes.enqueue((db) => db.insertInto(table).values({ id: 5 }).execute()); // duplicate key: fails alone
      await first.store.writes.flush();
      expect(first.store.writes.pending).toBe(0);
      const count = async (s: Store) => Number((await s.db.selectFrom(table).select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow()).c);
      expect(await count(first.store)).toBe(1000);
      // gateway.flush() waits for batches too
      first.store.writes.enqueue((db) => db.insertInto(table).values({ id: 2000 }).execute());
      await first.gateway.flush();
      expect(await count(first.store)).toBe(1001);
      // queued and not flushed: close commits them
      for (let i = 3000; i < 3100; i++) first.store.writes.enqueue((db) => db.insertInto(table).values({ id: i }).execute());
      await first.close();
      const second = await open();
      expect(await count(second.store)).toBe(1101);
    });

    it('commits on store.close() the writes enqueued just before it (without a gateway flush)', async () => {
      const first = await open();
      const table = unique('close');
      await first.store.migrate(unique('@test/close'), [
        { name: '001', up: (db) => db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).execute() },
      ]);
      for (let i = 0; i < 250; i++) first.store.writes.enqueue((db) => db.insertInto(table).values({ id: i }).execute());
      await first.store.close();
      expect(first.store.writes.pending).toBe(0);
      const second = await open();
      const row = await second.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow();
      expect(Number(row.c)).toBe(250);
    });

    it('runs compiled writes with each row\'s own values, per row shape, constants kept, on any connection', async () => {
      const { store } = await open();
      const table = unique('compiled');
      await store.migrate(unique('@test/compiled'), [
        {
          name: '001',
          up: (db) =>
            db.schema
              .createTable(table)
              .addColumn('id', 'varchar(50)', (c) => c.primaryKey())
              .addColumn('n', 'integer', (c) => c.notNull())
              .addColumn('note', 'text')
              .addColumn('kind', 'text')
              .execute(),
        },
      ]);
      type Row = { id: string; n: number; note?: string | null };
      const insert = compiledWrite((db, row: Row) => db.insertInto(table).values({ ...row, kind: sql<string>`${'constant'}` }));
      const bump = compiledWrite((db, row: Row) =>
        db
          .insertInto(table)
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet({ n: sql<number>`${sql.ref(`${table}.n`)} + excluded.n` })),
      );
      await insert(store.db, { id: 'a', n: 1, note: 'first' });
      await insert(store.db, { id: 'b', n: 2, note: null });
      await insert(store.db, { id: 'c', n: 3 }); // another shape: note left out
      await insert(store.db, { id: 'd', n: 4, note: 'it\'s "quoted"; drop table x' });
      await store.transaction(async (trx) => {
        await bump(trx, { id: 'a', n: 10 });
        await bump(trx, { id: 'e', n: 5 });
      });
      store.writes.enqueue((trx) => bump(trx, { id: 'a', n: 100 }));
      await store.writes.flush();
      await expect(insert(store.db, { id: 'a', n: 0 })).rejects.toThrow(); // still a real statement: duplicate key fails
      const rows = await store.db.selectFrom(table).selectAll().orderBy('id').execute();
      expect(rows.map((r) => [r.id, Number(r.n), r.note, r.kind])).toEqual([
        ['a', 111, 'first', 'constant'],
        ['b', 2, null, 'constant'],
        ['c', 3, null, 'constant'],
        ['d', 4, 'it\'s "quoted"; drop table x', 'constant'],
        ['e', 5, null, null],
      ]);
      // the same statement text after the table changed shape still runs (re-prepared)
      await store.db.schema.alterTable(table).addColumn('extra', 'text').execute();
      await insert(store.db, { id: 'f', n: 6 });
      expect(Number((await store.db.selectFrom(table).select('n').where('id', '=', 'f').executeTakeFirstOrThrow()).n)).toBe(6);
    });

    it('folds calls into session totals with the same SQL on every dialect', async () => {
      const { store } = await open();
      await store.migrate(CALL_LOG_OWNER, CALL_LOG_MIGRATIONS); // the call log is the session tracker's
      const session = unique('sess');
      const row = (tokens: number, cost: number | null, keyId?: string): CallRow => {
        const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions', principal: keyId ? { keyId } : {}, sessionId: session });
        ctx.usage = { prompt_tokens: tokens, completion_tokens: 1, total_tokens: tokens + 1, prompt_tokens_details: { cached_tokens: 2 } };
        ctx.cost = cost;
        return callRowOf({ ctx, request: { model: 'm', messages: [] }, outcome: 'ok', status: 200 }, false);
      };
      await store.transaction(async (trx) => {
        await writeCall(trx, row(10, 0.5));
        await writeCall(trx, row(20, null));
        await writeCall(trx, row(30, 0.25));
        await writeCall(trx, row(5, 1, 'key_other'));
      });
      const sessions = await store.db.selectFrom('sy_sessions').selectAll().where('id', '=', session).orderBy('owner').execute();
      expect(sessions.map((s) => [s.owner, Number(s.call_count), Number(s.input_tokens), Number(s.cached_tokens), s.cost === null ? null : Number(s.cost)])).toEqual([
        ['', 3, 60, 6, 0.75],
        ['key_other', 1, 5, 2, 1],
      ]);
      const calls = await store.db.selectFrom('sy_calls').select(sql<number>`count(*)`.as('c')).where('session_id', '=', session).executeTakeFirstOrThrow();
      expect(Number(calls.c)).toBe(4);
    });

    it('prunes calls and idle sessions older than the retention', async () => {
      const { store } = await open();
      await store.migrate(CALL_LOG_OWNER, CALL_LOG_MIGRATIONS);
      const [idle, active] = [unique('idle'), unique('active')];
      const at = (session: string, startedAt: number): CallRow => ({
        ...callRowOf({ ctx: createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions', sessionId: session }), request: undefined, outcome: 'ok', status: 200 }, false),
        started_at: startedAt,
      });
      const day = 86_400_000;
      const now = Date.now();
      await store.transaction(async (trx) => {
        await writeCall(trx, at(idle, now - 10 * day));
        await writeCall(trx, at(active, now - 10 * day));
        await writeCall(trx, at(active, now - day));
      });
      await pruneCallLog(store, now - 5 * day);
      const sessions = await store.db.selectFrom('sy_sessions').select(['id', 'call_count']).where('id', 'in', [idle, active]).execute();
      expect(sessions.map((s) => s.id)).toEqual([active]);
      const calls = await store.db.selectFrom('sy_calls').select('started_at').where('session_id', 'in', [idle, active]).execute();
      expect(calls.map((c) => Number(c.started_at))).toEqual([now - day]);
    });
  });
}
