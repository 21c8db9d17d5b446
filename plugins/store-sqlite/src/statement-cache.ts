/**
 * Prepared statements reused by SQL text. Kysely's SQLite driver prepares every query it
 * runs; SQLite parsing and planning the same INSERT thousands of times a second showed up as
 * 7% of the gateway's CPU. The call log and spend writes are compiled once (same SQL every
 * time), so a small cache of statements turns nearly every prepare into a map lookup.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Wraps a better-sqlite3 database for Kysely's `SqliteDialect` so that `prepare(sql)` returns
 * the statement prepared earlier for the same text (the oldest of `max` is dropped first).
 * Safe because Kysely runs one query at a time on the connection and SQLite re-prepares a
 * statement by itself after a schema change.
 *
 * @example
 * ```ts
 * const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(new Database(file)) }) });
 * ```
 */
export function withStatementCache(db: Database.Database, max = 256): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close() {
      statements.clear();
      db.close();
    },
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (stmt) return stmt;
      stmt = db.prepare(sql);
      if (statements.size >= max) statements.delete(statements.keys().next().value!);
      statements.set(sql, stmt);
      return stmt;
    },
  };
}
