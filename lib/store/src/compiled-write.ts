/**
 * Writes compiled once per row shape: the hot writes (call log, spend rows, session totals)
 * run thousands of times a second with the same SQL and fresh values, so building the query
 * (Kysely's node tree, identifier sanitising, compiling) per row is wasted work. The query is
 * built once with placeholder values, and each later row only fills the parameter list.
 */
import { CompiledQuery, type Compilable } from 'kysely';
import type { AnyKysely } from './types.js';

/** Marks which parameter of a compiled template carries which column. */
const MARK = '\u0000switchyard-column:';

interface Template {
  sql: string;
  /** Per parameter: the row's column to take it from, or a constant wrapped in an object. */
  slots: Array<string | { value: unknown }>;
}

/** Runs compiled SQL straight on a synchronous driver (better-sqlite3), by Kysely adapter. */
type DirectRun = (sql: string, parameters: readonly unknown[]) => void;
const direct = new WeakMap<object, DirectRun>();
const DONE = Promise.resolve();

/**
 * Lets compiled writes made in a transaction of `db` skip Kysely's executor and run on the
 * driver itself: for a store whose driver is synchronous and whose transactions hold its one
 * connection (SQLite), where Kysely's per-query promises and objects were most of a call-log
 * write's cost. Writes outside a transaction (Kysely's, or the held connection of the store's
 * `runTransaction`) keep Kysely's path, whose mutex serialises them.
 *
 * @example
 * ```ts
 * const db = new Kysely({ dialect: new SqliteDialect({ database }) });
 * runCompiledWritesDirectly(db, (sql, params) => database.prepare(sql).run(params));
 * ```
 */
export function runCompiledWritesDirectly(db: AnyKysely, run: DirectRun): void {
  direct.set(db.getExecutor().adapter, run);
}

/** Kysely instances bound to one held connection inside a transaction (runTransaction's). */
const held = new WeakSet<AnyKysely>();

/** Marks `conn` as a transaction's held connection, for the direct path (internal). */
export function markTransactionConnection(conn: AnyKysely): void {
  held.add(conn);
}

/** The columns of `row` that Kysely would write (undefined values are left out), as a cache key. */
function shapeOf(row: Record<string, unknown>): string {
  let key = '';
  for (const k in row) if (row[k] !== undefined) key += `${k},`;
  return key;
}

/**
 * Wraps a write so that it is compiled once per dialect and row shape, then executed with
 * the row's values as parameters. `build` must use the row's values only as plain values
 * (each column becomes one parameter), which is what `insertInto(t).values(row)` and
 * `onConflict(...).doUpdateSet(...)` with `excluded.<column>` references do.
 *
 * @example
 * ```ts
 * const insertEvent = compiledWrite((db, row: EventRow) => db.insertInto('acme_events').values(row));
 * store.writes.enqueue((trx) => insertEvent(trx, row));
 * ```
 */
export function compiledWrite<Row extends object>(
  build: (db: AnyKysely, row: Row) => Compilable,
): (db: AnyKysely, row: Row) => Promise<void> {
  // keyed by the executor's adapter: one per Kysely instance, shared by its transactions
  const templates = new WeakMap<object, Map<string, Template>>();

  function compile(db: AnyKysely, row: Record<string, unknown>, shape: string): Template {
    const marked: Record<string, unknown> = {};
    for (const k in row) if (row[k] !== undefined) marked[k] = `${MARK}${k}`;
    const { sql, parameters } = build(db, marked as Row).compile();
    const slots = parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : { value: p }));
    const template = { sql, slots };
    const adapter = db.getExecutor().adapter;
    let byShape = templates.get(adapter);
    if (!byShape) templates.set(adapter, (byShape = new Map()));
    byShape.set(shape, template);
    return template;
  }

  return (db, typed) => {
    const row = typed as Record<string, unknown>;
    const shape = shapeOf(row);
    const adapter = db.getExecutor().adapter;
    let template: Template;
    try {
      template = templates.get(adapter)?.get(shape) ?? compile(db, row, shape);
    } catch (err) {
      return Promise.reject(err);
    }
    const { slots } = template;
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      parameters[i] = typeof slot === 'string' ? row[slot] : slot.value;
    }
    const run = db.isTransaction || held.has(db) ? direct.get(adapter) : undefined;
    if (run === undefined) return db.executeQuery(CompiledQuery.raw(template.sql, parameters)).then(noop);
    try {
      run(template.sql, parameters);
      return DONE;
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

const noop = (): void => {};
