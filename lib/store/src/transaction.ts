/**
 * Transactions with the same behaviour on both dialects.
 */
import { sql } from 'kysely';
import { markTransactionConnection } from './compiled-write.js';
import type { AnyKysely, StoreDialect } from './types.js';

/**
 * Runs `fn` in a transaction on `db`. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
 * write lock first, so a second process on the same file waits (busy timeout) instead of
 * failing with SQLITE_BUSY when a read-then-write transaction upgrades its lock.
 *
 * @example
 * ```ts
 * await runTransaction(db, 'sqlite', (trx) => trx.insertInto('t').values({ id: 1 }).execute());
 * ```
 */
export function runTransaction<T>(db: AnyKysely, dialect: StoreDialect, fn: (trx: AnyKysely) => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    markTransactionConnection(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
    await sql`commit`.execute(conn);
    return result;
  });
}
