/**
 * The auth plugin's tables: keys (stored as a hash, never the key), users, teams, and the
 * store limiter's request and token events.
 */
import type { CreateTableBuilder } from 'kysely';
import type { AnyKysely, Migration } from '@switchyard/store';

/** Table of virtual keys. */
export const KEYS_TABLE = 'sy_keys';
/** Table of users. */
export const USERS_TABLE = 'sy_users';
/** Table of teams. */
export const TEAMS_TABLE = 'sy_teams';
/** Requests and tokens inside rate-limit windows (store limiter). */
export const RATE_EVENTS_TABLE = 'sy_rate_events';
/** One row per limited scope: the requests and tokens in its window now (kept with the events), locked while it is checked. */
export const RATE_SCOPES_TABLE = 'sy_rate_scopes';

/** Columns every key, user and team has: model access, budget and limits. */
function limits(t: CreateTableBuilder<string, string>): CreateTableBuilder<string, string> {
  return t
    .addColumn('models', 'text', (c) => c.notNull())
    .addColumn('max_budget', 'double precision')
    .addColumn('budget_duration', 'varchar(32)')
    .addColumn('budget_anchor', 'bigint', (c) => c.notNull())
    .addColumn('tpm_limit', 'bigint')
    .addColumn('rpm_limit', 'bigint')
    .addColumn('metadata', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull());
}

async function createTables(db: AnyKysely): Promise<void> {
  await limits(
    db.schema
      .createTable(KEYS_TABLE)
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('key_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('key_alias', 'varchar(256)')
      .addColumn('user_id', 'varchar(256)')
      .addColumn('team_id', 'varchar(256)')
      .addColumn('duration', 'varchar(32)')
      .addColumn('expires_at', 'bigint')
      .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'varchar(64)'),
  ).execute();
  await db.schema.createIndex(`${KEYS_TABLE}_alias`).unique().on(KEYS_TABLE).column('key_alias').execute();
  await db.schema.createIndex(`${KEYS_TABLE}_user`).on(KEYS_TABLE).column('user_id').execute();
  await db.schema.createIndex(`${KEYS_TABLE}_team`).on(KEYS_TABLE).column('team_id').execute();

  await limits(
    db.schema
      .createTable(USERS_TABLE)
      .addColumn('user_id', 'varchar(256)', (c) => c.primaryKey())
      .addColumn('user_email', 'varchar(320)')
      .addColumn('user_alias', 'varchar(256)')
      .addColumn('user_role', 'varchar(64)', (c) => c.notNull())
      .addColumn('teams', 'text', (c) => c.notNull()),
  ).execute();

  await limits(
    db.schema
      .createTable(TEAMS_TABLE)
      .addColumn('team_id', 'varchar(256)', (c) => c.primaryKey())
      .addColumn('team_alias', 'varchar(256)')
      .addColumn('members', 'text', (c) => c.notNull())
      .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0)),
  ).execute();

  await db.schema
    .createTable(RATE_EVENTS_TABLE)
    .addColumn('scope', 'varchar(300)', (c) => c.notNull())
    .addColumn('kind', 'integer', (c) => c.notNull())
    .addColumn('at', 'double precision', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${RATE_EVENTS_TABLE}_scope`).on(RATE_EVENTS_TABLE).columns(['scope', 'at']).execute();
  await db.schema.createIndex(`${RATE_EVENTS_TABLE}_at`).on(RATE_EVENTS_TABLE).column('at').execute();
  await db.schema
    .createTable(RATE_SCOPES_TABLE)
    .addColumn('scope', 'varchar(300)', (c) => c.primaryKey())
    .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

/**
 * The auth plugin's migrations (applied once per database by `store.migrate`).
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/auth', AUTH_MIGRATIONS);
 * ```
 */
export const AUTH_MIGRATIONS: readonly Migration[] = [{ name: '001_keys_users_teams_limits', up: createTables }];
