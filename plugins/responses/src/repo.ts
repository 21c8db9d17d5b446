/**
 * Where responses live: one table, written before a response (or its terminal stream event)
 * reaches the client, so the next call can chain from it at once.
 */
import type { AnyKysely, Migration } from '@switchyard/store';
import type { Item, ResponseObject } from './types.js';

/** A stored response. */
export interface StoredResponse {
  id: string;
  /** Owner key or team; '' for anonymous callers. */
  owner: string;
  previousId: string | null;
  sessionId: string | null;
  deploymentId: string;
  /** Upstream id for native responses. */
  upstreamId: string | null;
  status: ResponseObject['status'];
  background: boolean;
  createdAt: number;
  input: Item[];
  response: ResponseObject;
}

interface Row {
  id: string;
  owner: string;
  previous_id: string | null;
  session_id: string | null;
  deployment_id: string;
  upstream_id: string | null;
  status: string;
  background: number;
  created_at: number;
  input_json: string;
  response_json: string;
}

/** The table name. */
export const RESPONSES_TABLE = 'sy_responses';

type AnyDb = AnyKysely;

/**
 * The Responses plugin's migrations (applied once per database by `store.migrate`).
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/responses', RESPONSES_MIGRATIONS);
 * ```
 */
export const RESPONSES_MIGRATIONS: readonly Migration[] = [
  { name: '001_responses', up: createResponsesTable },
  {
    name: '002_secrets',
    up: (db) =>
      db.schema.createTable('sy_secrets').ifNotExists().addColumn('name', 'varchar(100)', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute(),
  },
];

async function createResponsesTable(db: AnyDb): Promise<void> {
  await db.schema
    .createTable(RESPONSES_TABLE)
    .ifNotExists()
    .addColumn('id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(200)', (c) => c.notNull())
    .addColumn('previous_id', 'varchar(200)')
    .addColumn('session_id', 'varchar(200)')
    .addColumn('deployment_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('upstream_id', 'varchar(200)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('background', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('input_json', 'text', (c) => c.notNull())
    .addColumn('response_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${RESPONSES_TABLE}_previous`).ifNotExists().on(RESPONSES_TABLE).column('previous_id').execute();
}

const toRow = (r: StoredResponse): Row => ({
  id: r.id,
  owner: r.owner,
  previous_id: r.previousId,
  session_id: r.sessionId,
  deployment_id: r.deploymentId,
  upstream_id: r.upstreamId,
  status: r.status,
  background: r.background ? 1 : 0,
  created_at: r.createdAt,
  input_json: JSON.stringify(r.input),
  response_json: JSON.stringify(r.response),
});

const fromRow = (row: Row): StoredResponse => ({
  id: row.id,
  owner: row.owner,
  previousId: row.previous_id,
  sessionId: row.session_id,
  deploymentId: row.deployment_id,
  upstreamId: row.upstream_id,
  status: row.status as StoredResponse['status'],
  background: Number(row.background) === 1,
  createdAt: Number(row.created_at),
  input: JSON.parse(row.input_json) as Item[],
  response: JSON.parse(row.response_json) as ResponseObject,
});

/** The most ancestors a chain is followed through (a guard against cycles in bad data). */
export const MAX_CHAIN = 10_000;

/**
 * Repository of responses over a Kysely database (SQLite or PostgreSQL).
 *
 * @example
 * ```ts
 * const repo = responsesRepo(db);
 * await repo.insert(stored);
 * const history = await repo.history(stored); // every turn's input and output, oldest first
 * ```
 */
export function responsesRepo(db: AnyDb) {
  return {
    /** Inserts `r` (in `trx` when given: committed with the caller's other writes). */
    async insert(r: StoredResponse, trx: AnyDb = db): Promise<void> {
      await trx.insertInto(RESPONSES_TABLE).values(toRow(r)).execute();
    },
    /** Updates `r` only while its stored status is one of `from`; false when it was not. */
    async updateIf(r: StoredResponse, from: ReadonlyArray<StoredResponse['status']>): Promise<boolean> {
      const row = toRow(r);
      const res = await db
        .updateTable(RESPONSES_TABLE)
        .set({ status: row.status, response_json: row.response_json, session_id: row.session_id })
        .where('id', '=', r.id)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async update(r: StoredResponse): Promise<void> {
      const row = toRow(r);
      await db
        .updateTable(RESPONSES_TABLE)
        .set({ status: row.status, response_json: row.response_json, session_id: row.session_id })
        .where('id', '=', r.id)
        .execute();
    },
    /**
     * The response with this id owned by `scope` (any owner for `undefined`: an admin, see
     * `ownerScope`), else undefined: another owner's id is "not found".
     */
    async get(id: string, scope: string | undefined): Promise<StoredResponse | undefined> {
      let q = db.selectFrom(RESPONSES_TABLE).selectAll().where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const row = (await q.executeTakeFirst()) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    async delete(id: string, scope: string | undefined): Promise<boolean> {
      let q = db.deleteFrom(RESPONSES_TABLE).where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const res = await q.executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /**
     * The conversation up to and including `r`: each turn's input items then its output
     * items, oldest turn first. Follows exactly this branch's parents.
     */
    async history(r: StoredResponse): Promise<Item[]> {
      const turns: StoredResponse[] = [r];
      let prev = r.previousId;
      while (prev && turns.length < MAX_CHAIN) {
        const row = (await db.selectFrom(RESPONSES_TABLE).selectAll().where('id', '=', prev).executeTakeFirst()) as Row | undefined;
        if (!row) break; // an ancestor deleted later: the chain starts after it
        const t = fromRow(row);
        turns.push(t);
        prev = t.previousId;
      }
      return turns.reverse().flatMap((t) => [...t.input, ...t.response.output]);
    },
  };
}

/** The repository type. */
export type ResponsesRepo = ReturnType<typeof responsesRepo>;
