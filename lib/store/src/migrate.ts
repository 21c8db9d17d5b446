/**
 * Per-plugin migrations, recorded in `sy_migrations` and applied once even when several
 * gateway processes start together: on PostgreSQL under a transaction-scoped advisory lock,
 * on SQLite under the write lock (`BEGIN IMMEDIATE`).
 */
import { sql } from 'kysely';
import { GatewayError } from '@switchyard/core';
import { runTransaction } from './transaction.js';
import type { AnyKysely, Migration, StoreDialect } from './types.js';

/**
 * The table that records applied migrations, one row per `(owner, name)`.
 *
 * @example
 * ```ts
 * const applied = await db.selectFrom(MIGRATIONS_TABLE).select('name').where('owner', '=', '@acme/notes').execute();
 * ```
 */
export const MIGRATIONS_TABLE = 'sy_migrations';

/**
 * Advisory lock key that serializes migrations across PostgreSQL clients ("SYmg").
 *
 * @example
 * ```ts
 * await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx); // waits for a migrating process
 * ```
 */
export const MIGRATION_LOCK_KEY = 0x53596d67;

/**
 * Applies the not-yet-applied `migrations` of `owner`, in order, in one transaction, and
 * returns their names. A failing migration rolls back the whole call.
 *
 * @example
 * ```ts
 * await runMigrations(db, 'postgres', '@acme/notes', [{ name: '001', up: (trx) => trx.schema.createTable('n').addColumn('id', 'text').execute() }]);
 * ```
 */
export async function runMigrations(db: AnyKysely, dialect: StoreDialect, owner: string, migrations: readonly Migration[]): Promise<string[]> {
  if (!owner) throw new GatewayError('GW_ERR_PLUGIN', 'store.migrate(owner, ...) needs the owning plugin name');
  const names = new Set<string>();
  for (const m of migrations) {
    if (!m.name || names.has(m.name)) {
      throw new GatewayError('GW_ERR_PLUGIN', `${owner}: migration names must be unique and non-empty (got "${m.name}")`);
    }
    names.add(m.name);
  }
  return runTransaction(db, dialect, async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable(MIGRATIONS_TABLE)
      .ifNotExists()
      .addColumn('owner', 'varchar(200)', (c) => c.notNull())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('applied_at', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${MIGRATIONS_TABLE}_pk`, ['owner', 'name'])
      .execute();
    const rows = (await trx.selectFrom(MIGRATIONS_TABLE).select('name').where('owner', '=', owner).execute()) as Array<{ name: string }>;
    const applied = new Set(rows.map((r) => r.name));
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      try {
        await m.up(trx, { dialect });
      } catch (err) {
        throw new GatewayError('GW_ERR_PLUGIN', `${owner}: migration ${m.name} failed: ${(err as Error)?.message ?? err}`, { cause: err });
      }
      await trx.insertInto(MIGRATIONS_TABLE).values({ owner, name: m.name, applied_at: Date.now() }).execute();
      done.push(m.name);
    }
    return done;
  });
}
