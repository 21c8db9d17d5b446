/**
 * Read your writes, as a new user tries it: three SDK calls with one `litellm_session_id`
 * (one of them streamed), then one GET, with no flush and no sleep in between. The session,
 * the sessions list, the spend logs and the spend report all hold the three calls, on SQLite
 * and on PostgreSQL, and through a second gateway process on the same PostgreSQL as soon as
 * the first process answered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayPlugin } from '@switchyard/core';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import postgresStore from '@switchyard/store-postgres';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, killClis, startCli, startPostgres, tempDbFile, type TestPostgres } from '@switchyard/test-kit';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  killClis();
  await pg?.stop();
});

let n = 0;
const sessionId = () => `ryw-${process.pid}-${Date.now().toString(36)}-${++n}`;

/** Three calls through the SDK (the second streamed), each awaited to its end as a client does. */
async function threeCalls(client: OpenAI, id: string): Promise<void> {
  const params = { model: 'mock/echo', metadata: { litellm_session_id: id } } as const;
  await client.chat.completions.create({ ...params, messages: [{ role: 'user', content: 'one' }] });
  const stream = await client.chat.completions.create({ ...params, stream: true, messages: [{ role: 'user', content: 'two two' }] });
  for await (const _ of stream) void _;
  await client.chat.completions.create({ ...params, messages: [{ role: 'user', content: 'three three three' }] });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const get = async (origin: string, p: string): Promise<Json> => {
  const res = await fetch(`${origin}${p}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
};

/** What a reader sees of session `id` right after the calls returned. */
async function expectThree(origin: string, id: string): Promise<void> {
  const session = await get(origin, `/v1/sessions/${id}`);
  expect(session.call_count).toBe(3);
  expect(session.calls.map((c: Json) => c.usage.output_tokens)).toEqual([1, 2, 3]);
  expect(session.calls.map((c: Json) => c.stream)).toEqual([false, true, false]);
  const list = await get(origin, '/v1/sessions?limit=100');
  expect(list.data.find((s: Json) => s.id === id)?.call_count).toBe(3);
  const logs = await get(origin, `/spend/logs?session=${id}`);
  expect(logs.data.map((r: Json) => r.output_tokens)).toEqual([3, 2, 1]); // newest first
  const report = await get(origin, `/spend/report?session=${id}&group_by=session`);
  expect(report.data).toEqual([expect.objectContaining({ group: id, requests: 3, output_tokens: 6 })]);
}

function suite(name: string, store: () => GatewayPlugin): void {
  describe(`read your writes (${name})`, () => {
    it('three SDK calls then one GET: the session, the list, spend logs and report hold all three', async () => {
      const t = await createTestGateway({ plugins: [store(), sessionTracker(), costTracker(), mockProvider()] });
      try {
        const id = sessionId();
        await threeCalls(t.client, id);
        await expectThree(t.origin, id);
      } finally {
        await t.close();
      }
    });

    it('has the calls committed when the SDK returns, before any route flushes the queue', async () => {
      const t = await createTestGateway({ plugins: [store(), sessionTracker(), costTracker(), mockProvider()] });
      try {
        const id = sessionId();
        await threeCalls(t.client, id);
        // straight to the database: nothing asked the write queue to commit
        const db = t.gateway.services.store!.db;
        const calls = await db.selectFrom('sy_calls').select('id').where('session_id', '=', id).execute();
        const spend = await db.selectFrom('sy_spend_logs').select('id').where('session_id', '=', id).execute();
        expect([calls.length, spend.length]).toEqual([3, 3]);
      } finally {
        await t.close();
      }
    });
  });
}

suite('sqlite', () => sqliteStore({ file: tempDbFile() }));
suite('postgres', () => postgresStore({ connectionString: pg.connectionString, poolSize: 4 }));

describe('read your writes across processes (two CLI processes on one PostgreSQL)', () => {
  it('a call answered by one process is in the other process the moment the answer arrives', async () => {
    const database = await pg.createDatabase('ryw_two_processes');
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-ryw-'));
    try {
      writeFileSync(path.join(dir, 'package.json'), '{}');
      const plugins = [['@switchyard/store-postgres', { connectionString: database }], '@switchyard/session-tracker', '@switchyard/cost-tracker', '@switchyard/provider-mock'];
      writeFileSync(path.join(dir, '.switchyardrc.json'), JSON.stringify({ plugins }));
      const [a, b] = [startCli(['--port', '0'], dir), startCli(['--port', '0'], dir)];
      const [originA, originB] = await Promise.all([a.url, b.url]);
      const id = sessionId();
      const started = performance.now();
      await threeCalls(new OpenAI({ apiKey: 'anything', baseURL: `${originA}/v1`, maxRetries: 0 }), id);
      const answered = performance.now();
      await expectThree(originB!, id); // read through B: its own flush commits nothing of A's
      console.log(`two processes on PostgreSQL: 3 calls through A in ${(answered - started).toFixed(0)} ms, all visible in B ${(performance.now() - answered).toFixed(0)} ms after the last answer`);
      for (const p of [a, b]) p.child.kill('SIGTERM');
      expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
