/**
 * Sparse dimensions (session, key, user, team, end user) are indexed only where present: a
 * call without them writes no entry in those indexes, and the lookups by them still use the
 * indexes (checked on SQLite with EXPLAIN QUERY PLAN; PostgreSQL plans the same way for
 * `col = $1` against `where col is not null`).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

describe('partial indexes for sparse dimensions (SQLite)', () => {
  const file = tempDbFile();
  let t: TestGateway;
  let db: Database.Database;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [sqliteStore({ file }), sessionTracker(), costTracker(), mockProvider()] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'no session' }] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'in a session' }] }, { headers: { 'x-session-id': 's-partial' } });
    await t.gateway.flush();
    db = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await t?.close();
  });

  const plan = (q: string, ...args: unknown[]) =>
    (db.prepare(`explain query plan ${q}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');

  it('index only the rows that have the dimension', () => {
    for (const index of ['sy_calls_session', 'sy_spend_logs_key_id', 'sy_spend_logs_user_id', 'sy_spend_logs_session_id', 'sy_spend_logs_end_user', 'sy_spend_logs_team_id']) {
      const sql = (db.prepare('select sql from sqlite_master where name = ?').get(index) as { sql: string }).sql;
      expect(sql.toLowerCase()).toMatch(/ where .* is not null/);
    }
    // both calls are in the calls table, only the one with a session is in its index
    expect(db.prepare('select count(*) as n from sy_calls').get()).toEqual({ n: 2 });
    expect(db.prepare('select count(*) as n from sy_calls indexed by sy_calls_session where session_id is not null').get()).toEqual({ n: 1 });
  });

  it('lookups by session, key or user still use them', () => {
    expect(plan('select * from sy_calls where owner = ? and session_id = ? order by started_at', 'o', 's')).toContain('sy_calls_session');
    for (const col of ['key_id', 'user_id', 'session_id', 'end_user', 'team_id']) {
      expect(plan(`select sum(cost) from sy_spend_logs where ${col} = ? and created_at >= ?`, 'x', 0)).toContain(`sy_spend_logs_${col}`);
    }
  });
});
