/**
 * Cursor paging (keyset, never OFFSET): stable under inserts and as fast on page 1,000 as on
 * page 1, given an index on the sort columns. Lists answer in the OpenAI list shape.
 */
import type { SelectQueryBuilder } from 'kysely';
import { GatewayError } from '@switchyard/core';

/**
 * Where a page starts: the sort value and id of the last row of the previous page.
 *
 * @example
 * ```ts
 * const last = page.rows.at(-1);
 * const next: PageCursor | undefined = page.hasMore && last ? { sort: last.last_at, id: last.id } : undefined;
 * ```
 */
export interface PageCursor {
  sort: number | string;
  id: string;
}

/**
 * How to page a query.
 *
 * @example
 * ```ts
 * const options: PageOptions = { sortColumn: 'created_at', idColumn: 'id', direction: 'asc', limit: parseLimit(req.query.limit), after };
 * const page = await keysetPage(db.selectFrom('acme_notes').selectAll(), options);
 * ```
 */
export interface PageOptions {
  /** Column ordered by (e.g. `last_at`). */
  sortColumn: string;
  /** Unique tie-breaker column (e.g. `id`). */
  idColumn: string;
  /** Default `desc` (newest first). */
  direction?: 'asc' | 'desc';
  limit: number;
  /** Start after this row (exclusive). */
  after?: PageCursor;
}

/**
 * One page of rows, as {@link keysetPage} resolves.
 *
 * @example
 * ```ts
 * const { rows, hasMore }: Page<NoteRow> = await keysetPage(query, { sortColumn: 'created_at', idColumn: 'id', limit: 20 });
 * return { body: { object: 'list', data: rows, has_more: hasMore } };
 * ```
 */
export interface Page<Row> {
  rows: Row[];
  hasMore: boolean;
}

/**
 * Applies keyset paging to a select and runs it: rows after `after` in `(sort, id)` order,
 * at most `limit`, and whether more follow.
 *
 * @example
 * ```ts
 * const page = await keysetPage(db.selectFrom('sy_sessions').selectAll().where('owner', '=', owner), {
 *   sortColumn: 'last_at', idColumn: 'id', limit: 20, after,
 * });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function keysetPage<Row>(query: SelectQueryBuilder<any, any, Row>, options: PageOptions): Promise<Page<Row>> {
  const dir = options.direction ?? 'desc';
  let q = query;
  const after = options.after;
  if (after) {
    q = q.where((eb) => eb(eb.refTuple(options.sortColumn, options.idColumn), dir === 'desc' ? '<' : '>', eb.tuple(after.sort, after.id)));
  }
  const rows = await q
    .orderBy(options.sortColumn, dir)
    .orderBy(options.idColumn, dir)
    .limit(options.limit + 1)
    .execute();
  const hasMore = rows.length > options.limit;
  return { rows: hasMore ? rows.slice(0, options.limit) : rows, hasMore };
}

/**
 * Reads a `limit` query parameter: a whole number in `[1, max]`, `fallback` when absent.
 *
 * @example
 * ```ts
 * const limit = parseLimit(req.query.limit, { fallback: 20, max: 100 });
 * ```
 */
export function parseLimit(raw: unknown, options: { fallback?: number; max?: number } = {}): number {
  const { fallback = 20, max = 100 } = options;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `limit must be a whole number between 1 and ${max}.`, { param: 'limit', publicCode: 'invalid_value' });
  }
  return n;
}

/**
 * Encodes a cursor as an opaque URL-safe string.
 *
 * @example
 * ```ts
 * const next = encodeCursor({ sort: row.created_at, id: row.id });
 * ```
 */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.id])).toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}; a malformed one is a 400 on `param`.
 *
 * @example
 * ```ts
 * const after = req.query.after ? decodeCursor(String(req.query.after)) : undefined;
 * ```
 */
export function decodeCursor(raw: string, param = 'after'): PageCursor {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === 'number' || typeof v[0] === 'string') && typeof v[1] === 'string') {
      return { sort: v[0], id: v[1] };
    }
  } catch {
    // fall through
  }
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `${param} is not a valid cursor.`, { param, publicCode: 'invalid_value' });
}
