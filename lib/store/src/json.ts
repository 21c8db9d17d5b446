/**
 * JSON columns that behave the same on SQLite and PostgreSQL: stored as `text` holding the
 * exact `JSON.stringify` output (no key reordering or number rewriting as `jsonb` would do,
 * and NUL characters stay escaped), decoded on read whatever the driver returns.
 */

/**
 * Column type for JSON values on both dialects.
 *
 * @example
 * ```ts
 * await db.schema.createTable('acme_items').addColumn('id', 'varchar(64)', (c) => c.primaryKey()).addColumn('meta', JSON_COLUMN).execute();
 * ```
 */
export const JSON_COLUMN = 'text' as const;

/**
 * Encodes a value for a JSON column (`null`/`undefined` become SQL NULL).
 *
 * @example
 * ```ts
 * await db.insertInto('t').values({ meta: toJsonColumn({ a: 1 }) }).execute();
 * ```
 */
export function toJsonColumn(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/**
 * Decodes a JSON column: strings are parsed, values a driver already parsed are returned
 * as they are, SQL NULL becomes `undefined`.
 *
 * @example
 * ```ts
 * const meta = fromJsonColumn<Record<string, unknown>>(row.meta) ?? {};
 * ```
 */
export function fromJsonColumn<T = unknown>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return JSON.parse(value) as T;
  if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8')) as T;
  return value as T;
}
