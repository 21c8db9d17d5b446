/**
 * Spend logs: one lean row per priced call (no bodies), written in batches off the request
 * path; grouped for reports and summed for budgets.
 */
import { sql } from 'kysely';
import { compiledWrite, type AnyKysely, type Migration } from '@switchyard/store';

/** One spend row. */
export interface SpendRow {
  id: string;
  request_id: string;
  created_at: number;
  endpoint: string;
  model: string;
  provider: string;
  deployment: string;
  key_id: string | null;
  user_id: string | null;
  team_id: string | null;
  end_user: string | null;
  session_id: string | null;
  status: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** USD; null when the price is unknown. */
  cost: number | null;
}

/** Dimensions spend can be filtered and grouped by. */
export const DIMENSIONS = { key: 'key_id', user: 'user_id', team: 'team_id', end_user: 'end_user', session: 'session_id', model: 'model' } as const;
/** A dimension name. */
export type Dimension = keyof typeof DIMENSIONS;

/** Filters of spend queries. */
export interface SpendFilter {
  key?: string;
  user?: string;
  team?: string;
  end_user?: string;
  session?: string;
  model?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

const TABLE = 'sy_spend_logs';
const insertSpend = compiledWrite((db: AnyKysely, row: SpendRow) => db.insertInto(TABLE).values(row));
type AnyDb = AnyKysely;

/**
 * The cost tracker's migrations (applied once per database by `store.migrate`).
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/cost-tracker', SPEND_MIGRATIONS);
 * ```
 */
export const SPEND_MIGRATIONS: readonly Migration[] = [
  { name: '001_spend_logs', up: (db) => createSpendTable(db) },
  { name: '002_partial_dimension_indexes', up: (db) => partialDimensionIndexes(db) },
];

/** The dimensions that are often empty (no key, no user, no session...). */
const SPARSE_DIMENSIONS = ['key_id', 'user_id', 'session_id', 'end_user', 'team_id'] as const;

/**
 * A dimension's index holds only the rows that have it (`where <col> is not null`): a row
 * without a key, user, team, end user or session writes no entry, and so no index page,
 * for it (each dirtied page is 4 KB more in SQLite's WAL per commit). Queries filter with
 * `<col> = ?`, which implies `is not null`, so both SQLite and PostgreSQL still use them.
 */
async function partialDimensionIndexes(db: AnyDb): Promise<void> {
  for (const col of SPARSE_DIMENSIONS) {
    await db.schema.dropIndex(`${TABLE}_${col}`).ifExists().execute();
    await db.schema.createIndex(`${TABLE}_${col}`).on(TABLE).columns([col, 'created_at']).where(col, 'is not', null).execute();
  }
}

async function createSpendTable(db: AnyDb): Promise<void> {
  const t = db.schema.createTable(TABLE).ifNotExists().addColumn('id', 'varchar(64)', (c) => c.primaryKey());
  await t
    .addColumn('request_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('endpoint', 'varchar(200)', (c) => c.notNull())
    .addColumn('model', 'varchar(200)', (c) => c.notNull())
    .addColumn('provider', 'varchar(100)', (c) => c.notNull())
    .addColumn('deployment', 'varchar(200)', (c) => c.notNull())
    .addColumn('key_id', 'varchar(200)')
    .addColumn('user_id', 'varchar(200)')
    .addColumn('team_id', 'varchar(200)')
    .addColumn('end_user', 'varchar(200)')
    .addColumn('session_id', 'varchar(256)')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('reasoning_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost', 'double precision')
    .execute();
  for (const col of ['created_at', 'key_id', 'user_id', 'session_id', 'end_user', 'team_id']) {
    await db.schema.createIndex(`${TABLE}_${col}`).ifNotExists().on(TABLE).columns(col === 'created_at' ? [col] : [col, 'created_at']).execute();
  }
}

function where<Q extends { where: (...a: never[]) => Q }>(q: Q, f: SpendFilter): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let out = q as any;
  for (const [name, col] of Object.entries(DIMENSIONS)) {
    const v = f[name as Dimension];
    if (v !== undefined) out = out.where(col, '=', v);
  }
  if (f.from !== undefined) out = out.where('created_at', '>=', f.from);
  if (f.to !== undefined) out = out.where('created_at', '<', f.to);
  return out as Q;
}

/**
 * Spend queries over a Kysely database (SQLite or PostgreSQL).
 *
 * @example
 * ```ts
 * const spend = spendRepo(db);
 * await spend.insert(row);
 * const total = await spend.total({ key: 'key_1', from: Date.now() - 86_400_000 });
 * ```
 */
export function spendRepo(db: AnyDb, dialect: 'sqlite' | 'postgres') {
  const day =
    dialect === 'postgres'
      ? sql<string>`to_char(to_timestamp(created_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
      : sql<string>`strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
  return {
    /** Inserts one row (with `via`, inside a batched transaction); compiled once, then only its values change. */
    insert(row: SpendRow, via: AnyDb = db): Promise<void> {
      return insertSpend(via, row);
    },
    async list(f: SpendFilter, page: { limit: number; before?: { created_at: number; id: string } }): Promise<SpendRow[]> {
      let q = where(db.selectFrom(TABLE).selectAll(), f);
      if (page.before) {
        const b = page.before;
        q = q.where((eb) => eb.or([eb('created_at', '<', b.created_at), eb.and([eb('created_at', '=', b.created_at), eb('id', '<', b.id)])]));
      }
      const rows = (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute()) as SpendRow[];
      return rows.map((r) => ({ ...r, created_at: Number(r.created_at), cost: r.cost === null ? null : Number(r.cost) }));
    },
    async get(id: string): Promise<SpendRow | undefined> {
      return (await db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst()) as SpendRow | undefined;
    },
    async report(f: SpendFilter, groupBy: Dimension | 'day') {
      const group = groupBy === 'day' ? day : sql.ref<string>(DIMENSIONS[groupBy]);
      const rows = await where(
        db.selectFrom(TABLE).select([
          group.as('group'),
          sql<number>`count(*)`.as('requests'),
          sql<number>`sum(input_tokens)`.as('input_tokens'),
          sql<number>`sum(output_tokens)`.as('output_tokens'),
          sql<number>`sum(cost)`.as('cost'),
          sql<number>`sum(case when cost is null then 1 else 0 end)`.as('unpriced_requests'),
        ]),
        f,
      )
        .groupBy(group)
        .orderBy(group)
        .execute();
      return (rows as Array<Record<string, unknown>>).map((r) => ({
        group: r.group as string | null,
        requests: Number(r.requests),
        input_tokens: Number(r.input_tokens ?? 0),
        output_tokens: Number(r.output_tokens ?? 0),
        cost: r.cost === null ? null : Number(r.cost),
        unpriced_requests: Number(r.unpriced_requests ?? 0),
      }));
    },
    async total(f: SpendFilter): Promise<number> {
      const row = (await where(db.selectFrom(TABLE).select(sql<number>`coalesce(sum(cost), 0)`.as('cost')), f).executeTakeFirst()) as { cost: number } | undefined;
      return Number(row?.cost ?? 0);
    },
  };
}

/** The spend repository type. */
export type SpendRepo = ReturnType<typeof spendRepo>;
