/**
 * The call log: one row per call through the gateway (`sy_calls`) and one summary row per
 * session (`sy_sessions`, kept in the same transaction as the calls). Owned by the core store
 * module so that every store plugin records the same way; the session tracker reads it.
 */
import type { Migration } from '@switchyard/store';

/** Migration owner name of the call log tables. */
export const CALL_LOG_OWNER = '@switchyard/core/call-log';
/** Table of calls. */
export const CALLS_TABLE = 'sy_calls';
/** Table of session summaries. */
export const SESSIONS_TABLE = 'sy_sessions';

/** A row of `sy_calls`. Times are epoch milliseconds (fractional). */
export interface CallRow {
  id: string;
  request_id: string;
  operation: string;
  endpoint: string;
  model: string | null;
  deployment_id: string | null;
  provider: string | null;
  upstream_model: string | null;
  upstream_request_id: string | null;
  stream: number;
  outcome: string;
  status: number;
  error_code: string | null;
  error_message: string | null;
  started_at: number;
  first_token_at: number | null;
  ended_at: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  owner: string;
  key_id: string | null;
  user_id: string | null;
  team_id: string | null;
  end_user: string | null;
  session_id: string | null;
  /** JSON text of the call's metadata. */
  metadata: string | null;
  /** JSON text of the call's upstream attempts (deployment, status, error, times), when it made more than one. */
  attempts: string | null;
  /** JSON text of the full request body, when prompts are stored. */
  request_body: string | null;
  /** JSON text of the full response body, when prompts are stored. */
  response_body: string | null;
  /** Id of the answer (`resp_...`, `chatcmpl-...`): the link a later call's `previous_response_id` names. */
  response_id: string | null;
  /** The request's `previous_response_id`: with `response_id`, a session's chain of responses, with or without stored prompts. */
  previous_response_id: string | null;
}

/** A row of `sy_sessions`: totals over the session's calls, per owner. */
export interface SessionRow {
  owner: string;
  id: string;
  key_id: string | null;
  team_id: string | null;
  user_id: string | null;
  end_user: string | null;
  first_at: number;
  last_at: number;
  call_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost: number | null;
}

/** The call log tables, for `db.withTables<CallLogTables>()`. */
export type CallLogTables = {
  sy_calls: CallRow;
  sy_sessions: SessionRow;
};

/**
 * Migrations of the call log tables. Indexes: a session's calls in order
 * (`owner, session_id, started_at`), sessions newest first per owner (`owner, last_at, id`),
 * calls by time and by request id.
 *
 * @example
 * ```ts
 * await store.migrate(CALL_LOG_OWNER, CALL_LOG_MIGRATIONS);
 * ```
 */
export const CALL_LOG_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_calls_and_sessions',
    async up(db) {
      await db.schema
        .createTable(CALLS_TABLE)
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(200)', (c) => c.notNull())
        .addColumn('operation', 'varchar(64)', (c) => c.notNull())
        .addColumn('endpoint', 'varchar(200)', (c) => c.notNull())
        .addColumn('model', 'varchar(256)')
        .addColumn('deployment_id', 'varchar(256)')
        .addColumn('provider', 'varchar(100)')
        .addColumn('upstream_model', 'varchar(256)')
        .addColumn('upstream_request_id', 'varchar(256)')
        .addColumn('stream', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('error_code', 'varchar(100)')
        .addColumn('error_message', 'text')
        .addColumn('started_at', 'double precision', (c) => c.notNull())
        .addColumn('first_token_at', 'double precision')
        .addColumn('ended_at', 'double precision')
        .addColumn('input_tokens', 'integer')
        .addColumn('output_tokens', 'integer')
        .addColumn('cached_tokens', 'integer')
        .addColumn('reasoning_tokens', 'integer')
        .addColumn('total_tokens', 'integer')
        .addColumn('cost', 'double precision')
        .addColumn('owner', 'varchar(256)', (c) => c.notNull())
        .addColumn('key_id', 'varchar(256)')
        .addColumn('user_id', 'varchar(256)')
        .addColumn('team_id', 'varchar(256)')
        .addColumn('end_user', 'varchar(256)')
        .addColumn('session_id', 'varchar(256)')
        .addColumn('metadata', 'text')
        .addColumn('request_body', 'text')
        .addColumn('response_body', 'text')
        .execute();
      await db.schema.createIndex(`${CALLS_TABLE}_session`).on(CALLS_TABLE).columns(['owner', 'session_id', 'started_at']).execute();
      await db.schema.createIndex(`${CALLS_TABLE}_started`).on(CALLS_TABLE).column('started_at').execute();
      await db.schema.createIndex(`${CALLS_TABLE}_request`).on(CALLS_TABLE).column('request_id').execute();
      await db.schema
        .createTable(SESSIONS_TABLE)
        .addColumn('owner', 'varchar(256)', (c) => c.notNull())
        .addColumn('id', 'varchar(256)', (c) => c.notNull())
        .addColumn('key_id', 'varchar(256)')
        .addColumn('team_id', 'varchar(256)')
        .addColumn('user_id', 'varchar(256)')
        .addColumn('end_user', 'varchar(256)')
        .addColumn('first_at', 'double precision', (c) => c.notNull())
        .addColumn('last_at', 'double precision', (c) => c.notNull())
        .addColumn('call_count', 'integer', (c) => c.notNull())
        .addColumn('error_count', 'integer', (c) => c.notNull())
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cached_tokens', 'bigint', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cost', 'double precision')
        .addPrimaryKeyConstraint(`${SESSIONS_TABLE}_pk`, ['owner', 'id'])
        .execute();
      await db.schema.createIndex(`${SESSIONS_TABLE}_recent`).on(SESSIONS_TABLE).columns(['owner', 'last_at', 'id']).execute();
    },
  },
  {
    // a call without a session writes no entry in the session index (one 4 KB page less in
    // SQLite's WAL per commit); `session_id = ?` implies `is not null`, so lookups still use it
    name: '002_partial_session_index',
    async up(db) {
      await db.schema.dropIndex(`${CALLS_TABLE}_session`).ifExists().execute();
      await db.schema
        .createIndex(`${CALLS_TABLE}_session`)
        .on(CALLS_TABLE)
        .columns(['owner', 'session_id', 'started_at'])
        .where('session_id', 'is not', null)
        .execute();
    },
  },
  {
    // every attempt of a call that took several (retries, fallbacks): which deployment, how it ended
    name: '003_attempts',
    async up(db) {
      await db.schema.alterTable(CALLS_TABLE).addColumn('attempts', 'text').execute();
    },
  },
  {
    // the chain of a session's responses, drawn without the bodies (prompts need not be stored)
    name: '004_response_chain',
    async up(db) {
      await db.schema.alterTable(CALLS_TABLE).addColumn('response_id', 'varchar(256)').execute();
      await db.schema.alterTable(CALLS_TABLE).addColumn('previous_response_id', 'varchar(256)').execute();
    },
  },
];
