/**
 * One SQLite connection per file per process, shared by every gateway in the process that
 * opens the same file. better-sqlite3 is synchronous: two connections of one thread waiting
 * on each other's lock would block the event loop until the busy timeout; one shared
 * connection (Kysely serializes its use) cannot. Separate processes still each open their own.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { runCompiledWritesDirectly, type AnyKysely } from '@switchyard/store';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { withStatementCache } from './statement-cache.js';

interface Shared {
  db: AnyKysely;
  refs: number;
  checkpointer?: Checkpointer;
}

const open = new Map<string, Shared>();

/** A reference to a shared connection. */
export interface SqliteHandle {
  db: AnyKysely;
  /** The WAL checkpointer of a file database (none for `:memory:`). */
  checkpointer?: Checkpointer;
  /** Drops this reference; the last one closes the connection. */
  release(): Promise<void>;
}

/**
 * Opens (or shares) the connection to `file`, configured for WAL, `synchronous=NORMAL` and a
 * busy timeout, with WAL checkpoints in a worker thread (see checkpointer.ts). `:memory:` is
 * never shared.
 *
 * @example
 * ```ts
 * const { db, release } = acquireSqlite('/var/lib/switchyard/switchyard.db', 5000);
 * ```
 */
export function acquireSqlite(file: string, busyTimeoutMs: number, onError: (err: Error) => void = () => {}): SqliteHandle {
  const key = file === ':memory:' ? undefined : path.resolve(file);
  let shared = key ? open.get(key) : undefined;
  if (!shared) {
    if (key) mkdirSync(path.dirname(key), { recursive: true });
    const sqlite = new Database(key ?? ':memory:', { timeout: busyTimeoutMs });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('journal_size_limit = 67108864'); // a WAL that was reset shrinks back to 64 MB
    const database = withStatementCache(sqlite);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    shared = { db: new Kysely<any>({ dialect: new SqliteDialect({ database }) }), refs: 0 };
    // the batched hot writes (call log, spend) run on the connection their transaction holds
    runCompiledWritesDirectly(shared.db, (sql, parameters) => {
      const stmt = database.prepare(sql) as Database.Statement;
      if (stmt.reader) stmt.all(parameters);
      else stmt.run(parameters);
    });
    if (key) {
      shared.checkpointer = startCheckpointer(sqlite, { file: key, busyTimeoutMs, onError });
      open.set(key, shared);
    }
  }
  const s = shared;
  s.refs++;
  let released = false;
  return {
    db: s.db,
    checkpointer: s.checkpointer,
    async release() {
      if (released) return;
      released = true;
      if (--s.refs > 0) return;
      if (key && open.get(key) === s) open.delete(key);
      await s.checkpointer?.stop();
      await s.db.destroy();
    },
  };
}
