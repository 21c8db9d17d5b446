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

  return async (db, typed) => {
    const row = typed as Record<string, unknown>;
    const shape = shapeOf(row);
    const template = templates.get(db.getExecutor().adapter)?.get(shape) ?? compile(db, row, shape);
    const { slots } = template;
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      parameters[i] = typeof slot === 'string' ? row[slot] : slot.value;
    }
    await db.executeQuery(CompiledQuery.raw(template.sql, parameters));
  };
}
