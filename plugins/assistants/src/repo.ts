/**
 * Where assistants, threads, messages, runs and run steps live: one table per kind, each row
 * its owner, its ordering key (`seq`), the object as JSON, and the columns lists and checks
 * filter on. A thread row names its active run, taken with a conditional update, so two runs
 * never start on one thread and no message is added under a running one.
 */
import { sql } from 'kysely';
import { type AnyKysely, type Migration, type Store } from '@switchyard/store';
import { invalid } from './errors.js';
import type { ListParams } from './schema.js';
import type { AssistantObject, MessageObject, RunExec, RunObject, RunStatus, StepObject, ThreadObject } from './types.js';

/**
 * The plugin's table names.
 *
 * @example
 * ```ts
 * await store.db.selectFrom(TABLES.runs).select('status').where('id', '=', runId).executeTakeFirst();
 * ```
 */
export const TABLES = {
  assistants: 'sy_asst_assistants',
  threads: 'sy_asst_threads',
  messages: 'sy_asst_messages',
  runs: 'sy_asst_runs',
  steps: 'sy_asst_steps',
  passthrough: 'sy_asst_passthrough_ids',
} as const;

/**
 * The plugin's migrations (applied once per database by `store.migrate`).
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/assistants', ASSISTANTS_MIGRATIONS);
 * ```
 */
export const ASSISTANTS_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_assistants',
    async up(db) {
      const base = (name: string) =>
        db.schema
          .createTable(name)
          .ifNotExists()
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('owner', 'varchar(200)', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('object_json', 'text', (c) => c.notNull());
      await base(TABLES.assistants).execute();
      await db.schema.createIndex(`${TABLES.assistants}_owner_seq`).ifNotExists().on(TABLES.assistants).columns(['owner', 'seq', 'id']).execute();
      await base(TABLES.threads).addColumn('active_run_id', 'varchar(64)').execute();
      await base(TABLES.messages).addColumn('thread_id', 'varchar(64)', (c) => c.notNull()).addColumn('run_id', 'varchar(64)').execute();
      await db.schema.createIndex(`${TABLES.messages}_thread_seq`).ifNotExists().on(TABLES.messages).columns(['thread_id', 'seq', 'id']).execute();
      await base(TABLES.runs)
        .addColumn('thread_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('exec_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${TABLES.runs}_thread_seq`).ifNotExists().on(TABLES.runs).columns(['thread_id', 'seq', 'id']).execute();
      await db.schema.createIndex(`${TABLES.runs}_status`).ifNotExists().on(TABLES.runs).columns(['status']).execute();
      await base(TABLES.steps).addColumn('thread_id', 'varchar(64)', (c) => c.notNull()).addColumn('run_id', 'varchar(64)', (c) => c.notNull()).execute();
      await db.schema.createIndex(`${TABLES.steps}_run_seq`).ifNotExists().on(TABLES.steps).columns(['run_id', 'seq', 'id']).execute();
      await db.schema
        .createTable(TABLES.passthrough)
        .ifNotExists()
        .addColumn('id', 'varchar(200)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('owner', 'varchar(200)', (c) => c.notNull())
        .addColumn('target', 'varchar(200)', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

type Table = (typeof TABLES)[Exclude<keyof typeof TABLES, 'passthrough'>];

interface Row {
  id: string;
  seq: number | string;
  object_json: string;
}

/** One page of a list and whether more follow in the direction read. */
export interface ListPage<T> {
  data: T[];
  hasMore: boolean;
}

/** Filters every read of a kind applies: the owner scope and the parent. */
type Where = Array<[column: string, value: string]>;

function scoped(where: Where, scope: string | undefined): Where {
  return scope === undefined ? where : [...where, ['owner', scope]];
}

/**
 * Reads one page in `params.order`: `after` and `before` are ids of the same list; `before`
 * reads the page just before that id (nearest first, then put back in list order).
 */
async function page<T>(db: AnyKysely, table: Table, where: Where, params: ListParams): Promise<ListPage<T>> {
  const cursor = async (id: string, param: string) => {
    let q = db.selectFrom(table).select(['seq', 'id']).where('id', '=', id);
    for (const [c, v] of where) q = q.where(c, '=', v);
    const row = (await q.executeTakeFirst()) as { seq: number | string; id: string } | undefined;
    if (!row) throw invalid(`Invalid '${param}': no object with id '${id}' in this list.`, param);
    return { seq: Number(row.seq), id: row.id };
  };
  const asc = params.order === 'asc';
  let q = db.selectFrom(table).select(['id', 'seq', 'object_json']);
  for (const [c, v] of where) q = q.where(c, '=', v);
  if (params.after) {
    const a = await cursor(params.after, 'after');
    q = q.where((eb) => eb(eb.refTuple('seq', 'id'), asc ? '>' : '<', eb.tuple(a.seq, a.id)));
  }
  if (params.before) {
    const b = await cursor(params.before, 'before');
    q = q.where((eb) => eb(eb.refTuple('seq', 'id'), asc ? '<' : '>', eb.tuple(b.seq, b.id)));
  }
  // `before` alone reads backwards from its cursor: the nearest items, not the list's start
  const backwards = params.before !== undefined && params.after === undefined;
  const dir = asc !== backwards ? 'asc' : 'desc';
  const rows = (await q.orderBy('seq', dir).orderBy('id', dir).limit(params.limit + 1).execute()) as Row[];
  const hasMore = rows.length > params.limit;
  const kept = rows.slice(0, params.limit);
  if (backwards) kept.reverse();
  return { data: kept.map((r) => JSON.parse(r.object_json) as T), hasMore };
}

async function getOne<T>(db: AnyKysely, table: Table, id: string, where: Where): Promise<T | undefined> {
  let q = db.selectFrom(table).select('object_json').where('id', '=', id);
  for (const [c, v] of where) q = q.where(c, '=', v);
  const row = (await q.executeTakeFirst()) as { object_json: string } | undefined;
  return row ? (JSON.parse(row.object_json) as T) : undefined;
}

/** A stored run with what the executor keeps beside it. */
export interface StoredRun {
  run: RunObject;
  exec: RunExec;
  owner: string;
}

/** Statuses in which a run holds its thread. */
export const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'in_progress', 'requires_action', 'cancelling']);

/**
 * The repository over a store (SQLite or PostgreSQL). Reads take the owner scope
 * (`ownerScope(principal)`: undefined for an admin) and filter on it in the same query.
 *
 * @example
 * ```ts
 * const repo = assistantsRepo(store);
 * const asst = await repo.assistant(id, ownerScope(req.principal));
 * ```
 */
export function assistantsRepo(store: Store) {
  const db = store.db;
  const insert = (trx: AnyKysely, table: Table, row: Record<string, unknown>) => trx.insertInto(table).values(row).execute();
  const setJson = (trx: AnyKysely, table: Table, id: string, object: unknown, extra: Record<string, unknown> = {}) =>
    trx
      .updateTable(table)
      .set({ object_json: JSON.stringify(object), ...extra })
      .where('id', '=', id)
      .executeTakeFirst()
      .then((r) => Number(r.numUpdatedRows) > 0);

  return {
    store,
    transaction: <T>(fn: (trx: AnyKysely) => Promise<T>) => store.transaction(fn),

    // assistants
    insertAssistant: (a: AssistantObject, owner: string, seq: number, trx: AnyKysely = db) => insert(trx, TABLES.assistants, { id: a.id, owner, seq, object_json: JSON.stringify(a) }),
    assistant: (id: string, scope: string | undefined, trx: AnyKysely = db) => getOne<AssistantObject>(trx, TABLES.assistants, id, scoped([], scope)),
    saveAssistant: (a: AssistantObject, trx: AnyKysely = db) => setJson(trx, TABLES.assistants, a.id, a),
    async deleteAssistant(id: string, scope: string | undefined): Promise<boolean> {
      let q = db.deleteFrom(TABLES.assistants).where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      return Number((await q.executeTakeFirst()).numDeletedRows) > 0;
    },
    listAssistants: (scope: string | undefined, params: ListParams) => page<AssistantObject>(db, TABLES.assistants, scoped([], scope), params),

    // threads
    insertThread: (t: ThreadObject, owner: string, seq: number, trx: AnyKysely = db) =>
      insert(trx, TABLES.threads, { id: t.id, owner, seq, object_json: JSON.stringify(t), active_run_id: null }),
    thread: (id: string, scope: string | undefined, trx: AnyKysely = db) => getOne<ThreadObject>(trx, TABLES.threads, id, scoped([], scope)),
    saveThread: (t: ThreadObject, trx: AnyKysely = db) => setJson(trx, TABLES.threads, t.id, t),
    /** The run holding the thread, if any. */
    async activeRunId(threadId: string, trx: AnyKysely = db): Promise<string | null> {
      const row = (await trx.selectFrom(TABLES.threads).select('active_run_id').where('id', '=', threadId).executeTakeFirst()) as { active_run_id: string | null } | undefined;
      return row?.active_run_id ?? null;
    },
    /** Takes the thread for `runId`; false when another run holds it. */
    async takeThread(threadId: string, runId: string, trx: AnyKysely): Promise<boolean> {
      const r = await trx.updateTable(TABLES.threads).set({ active_run_id: runId }).where('id', '=', threadId).where('active_run_id', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Frees the thread if `runId` holds it. */
    releaseThread: (threadId: string, runId: string, trx: AnyKysely = db) =>
      trx.updateTable(TABLES.threads).set({ active_run_id: null }).where('id', '=', threadId).where('active_run_id', '=', runId).execute(),
    /** Deletes a thread with its messages, runs and steps, in one transaction. */
    async deleteThread(id: string, scope: string | undefined): Promise<boolean> {
      return store.transaction(async (trx) => {
        let q = trx.deleteFrom(TABLES.threads).where('id', '=', id);
        if (scope !== undefined) q = q.where('owner', '=', scope);
        if (Number((await q.executeTakeFirst()).numDeletedRows) === 0) return false;
        for (const t of [TABLES.messages, TABLES.runs, TABLES.steps]) await trx.deleteFrom(t).where('thread_id', '=', id).execute();
        return true;
      });
    },

    // messages
    insertMessage: (m: MessageObject, owner: string, seq: number, trx: AnyKysely = db) =>
      insert(trx, TABLES.messages, { id: m.id, owner, seq, thread_id: m.thread_id, run_id: m.run_id, object_json: JSON.stringify(m) }),
    message: (threadId: string, id: string, scope: string | undefined, trx: AnyKysely = db) => getOne<MessageObject>(trx, TABLES.messages, id, scoped([['thread_id', threadId]], scope)),
    /** Saves a message, keeping its stored metadata unless `setMetadata` (a client may modify it meanwhile). */
    async saveMessage(m: MessageObject, trx: AnyKysely = db, setMetadata = false): Promise<boolean> {
      const stored = setMetadata ? undefined : await getOne<MessageObject>(trx, TABLES.messages, m.id, []);
      return setJson(trx, TABLES.messages, m.id, stored ? { ...m, metadata: stored.metadata } : m);
    },
    /** Whether run `id` is still in `status` (an executor checks before it adds a step). */
    async runIs(id: string, status: RunStatus, trx: AnyKysely = db): Promise<boolean> {
      const row = (await trx.selectFrom(TABLES.runs).select('status').where('id', '=', id).executeTakeFirst()) as { status: string } | undefined;
      return row?.status === status;
    },
    async deleteMessage(threadId: string, id: string): Promise<boolean> {
      const r = await db.deleteFrom(TABLES.messages).where('thread_id', '=', threadId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    listMessages(threadId: string, params: ListParams): Promise<ListPage<MessageObject>> {
      const where: Where = [['thread_id', threadId]];
      if (params.run_id) where.push(['run_id', params.run_id]);
      return page<MessageObject>(db, TABLES.messages, where, params);
    },
    /** Every message of a thread, oldest first. */
    async threadMessages(threadId: string, trx: AnyKysely = db): Promise<MessageObject[]> {
      const rows = (await trx.selectFrom(TABLES.messages).select('object_json').where('thread_id', '=', threadId).orderBy('seq', 'asc').orderBy('id', 'asc').execute()) as Array<{ object_json: string }>;
      return rows.map((r) => JSON.parse(r.object_json) as MessageObject);
    },
    deleteMessageRow: (id: string, trx: AnyKysely = db) => trx.deleteFrom(TABLES.messages).where('id', '=', id).execute(),

    // runs
    insertRun: (r: RunObject, exec: RunExec, owner: string, seq: number, trx: AnyKysely = db) =>
      insert(trx, TABLES.runs, { id: r.id, owner, seq, thread_id: r.thread_id, status: r.status, object_json: JSON.stringify(r), exec_json: JSON.stringify(exec) }),
    run: (threadId: string, id: string, scope: string | undefined, trx: AnyKysely = db) => getOne<RunObject>(trx, TABLES.runs, id, scoped([['thread_id', threadId]], scope)),
    /** A run with its executor state, by id alone (for the executor). */
    async storedRun(id: string, trx: AnyKysely = db): Promise<StoredRun | undefined> {
      const row = (await trx.selectFrom(TABLES.runs).select(['object_json', 'exec_json', 'owner']).where('id', '=', id).executeTakeFirst()) as
        | { object_json: string; exec_json: string; owner: string }
        | undefined;
      return row ? { run: JSON.parse(row.object_json) as RunObject, exec: JSON.parse(row.exec_json) as RunExec, owner: row.owner } : undefined;
    },
    /**
     * Saves a run (and its exec state when given); with `from`, only while its stored status is
     * one of those (false when it changed meanwhile: a cancel won). The stored metadata is kept
     * (a client may modify it while the run executes) unless `setMetadata`.
     */
    async saveRun(r: RunObject, options: { exec?: RunExec; from?: readonly RunStatus[]; setMetadata?: boolean } = {}, trx: AnyKysely = db): Promise<boolean> {
      let object = r;
      if (!options.setMetadata) {
        const stored = await getOne<RunObject>(trx, TABLES.runs, r.id, []);
        if (stored) object = { ...r, metadata: stored.metadata };
      }
      let q = trx
        .updateTable(TABLES.runs)
        .set({ object_json: JSON.stringify(object), status: r.status, ...(options.exec ? { exec_json: JSON.stringify(options.exec) } : {}) })
        .where('id', '=', r.id);
      if (options.from) q = q.where('status', 'in', [...options.from]);
      return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
    },
    listRuns: (threadId: string, params: ListParams) => page<RunObject>(db, TABLES.runs, [['thread_id', threadId]], params),

    // steps
    insertStep: (s: StepObject, owner: string, seq: number, trx: AnyKysely = db) =>
      insert(trx, TABLES.steps, { id: s.id, owner, seq, thread_id: s.thread_id, run_id: s.run_id, object_json: JSON.stringify(s) }),
    step: (runId: string, id: string, trx: AnyKysely = db) => getOne<StepObject>(trx, TABLES.steps, id, [['run_id', runId]]),
    saveStep: (s: StepObject, trx: AnyKysely = db) => setJson(trx, TABLES.steps, s.id, s),
    deleteStepRow: (id: string, trx: AnyKysely = db) => trx.deleteFrom(TABLES.steps).where('id', '=', id).execute(),
    listSteps: (runId: string, params: ListParams) => page<StepObject>(db, TABLES.steps, [['run_id', runId]], params),
    /** Every step of a run, oldest first. */
    async runSteps(runId: string, trx: AnyKysely = db): Promise<StepObject[]> {
      const rows = (await trx.selectFrom(TABLES.steps).select('object_json').where('run_id', '=', runId).orderBy('seq', 'asc').orderBy('id', 'asc').execute()) as Array<{ object_json: string }>;
      return rows.map((r) => JSON.parse(r.object_json) as StepObject);
    },

    // pass-through id map
    async mapId(id: string, kind: string, owner: string, target: string, seq: number): Promise<void> {
      await db.insertInto(TABLES.passthrough).values({ id, kind, owner, target, seq }).onConflict((oc) => oc.column('id').doNothing()).execute();
    },
    async mappedId(id: string, scope: string | undefined): Promise<{ kind: string; owner: string; target: string } | undefined> {
      let q = db.selectFrom(TABLES.passthrough).select(['kind', 'owner', 'target']).where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      return (await q.executeTakeFirst()) as { kind: string; owner: string; target: string } | undefined;
    },
    async unmapId(id: string): Promise<void> {
      await db.deleteFrom(TABLES.passthrough).where('id', '=', id).execute();
    },
    /** Which of `ids` the scope owns (for filtering an upstream list). */
    async ownedIds(ids: readonly string[], scope: string | undefined): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      let q = db.selectFrom(TABLES.passthrough).select('id').where('id', 'in', [...ids]);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const rows = (await q.execute()) as Array<{ id: string }>;
      return new Set(rows.map((r) => r.id));
    },
  };
}

/** The repository type. */
export type AssistantsRepo = ReturnType<typeof assistantsRepo>;

/** For tests: the number of rows of a table. */
export async function countRows(store: Store, table: string): Promise<number> {
  const row = (await store.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirst()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
