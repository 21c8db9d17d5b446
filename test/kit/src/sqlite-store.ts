/**
 * A minimal store service over a real SQLite file, for tests of store-backed plugins that
 * must not depend on the store plugins' own development.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { definePlugin, type GatewayPlugin } from '@switchyard/core';

/**
 * A plugin providing `services.store = { db }` on a SQLite file (a new temp file unless given).
 *
 * @example
 * ```ts
 * const store = testSqliteStore();
 * await createTestGateway({ plugins: [store.plugin, responses(), mockProvider()] });
 * ```
 */
export function testSqliteStore(file = path.join(mkdtempSync(path.join(tmpdir(), 'sy-store-')), 'test.db')): { file: string; plugin: GatewayPlugin } {
  return {
    file,
    plugin: definePlugin({
      name: 'test-sqlite-store',
      provides: ['store'],
      apply(gateway) {
        const sqlite = new Database(file);
        sqlite.pragma('journal_mode = WAL');
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
        (gateway.services as Record<string, unknown>).store = { db, dialect: 'sqlite' };
        gateway.hooks.close.tapPromise('test-sqlite-store', () => db.destroy());
      },
    }),
  };
}
