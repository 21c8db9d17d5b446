/**
 * Sessions end to end on PostgreSQL (a real server started for this file): the same suite as
 * on SQLite, plus two gateways, and two gateway processes started together, recording into one
 * session.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { definePlugin } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import postgresStore from '@switchyard/store-postgres';
import { createTestGateway, startCli as runCli, startPostgres, type TestPostgres } from '@switchyard/test-kit';
import { sessionsSuite } from './sessions-suite.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

sessionsSuite('postgres', async () => ({ storePlugin: () => postgresStore({ connectionString: server.connectionString, poolSize: 4 }) }));

const chat = (url: string, content: string, session: string) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': session },
    body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }),
  });

describe('several gateways on one PostgreSQL', () => {
  it('two gateway instances record into the same session, visible from either', async () => {
    const plugins = () => [postgresStore({ connectionString: server.connectionString, poolSize: 4 }), sessionTracker(), mockProvider()];
    const [a, b] = await Promise.all([createTestGateway({ plugins: plugins() }), createTestGateway({ plugins: plugins() })]);
    try {
      for (const [i, gw] of [a, b, a, b].entries()) {
        const res = await chat(gw.url, `turn ${i}`, 'shared-two-instances');
        expect(res.status).toBe(200);
        await gw.gateway.flush();
      }
      for (const gw of [a, b]) {
        const body = (await (await fetch(`${gw.url}/sessions/shared-two-instances`)).json()) as { call_count: number; calls: Array<{ usage: { output_tokens: number } }> };
        expect(body.call_count).toBe(4);
        expect(body.calls.map((c) => c.usage.output_tokens)).toEqual([2, 2, 2, 2]);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers a session read right after a call with that call, though its record is still queued', async () => {
    // hold every store write behind one that waits for `release`, and see when a route asks the
    // store to flush: the read must ask (and so wait for the call's record), not read at once
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let flushAsked: () => void = () => {};
    const asked = new Promise<void>((resolve) => (flushAsked = resolve));
    const holder = definePlugin({
      name: 'write-holder',
      dependencies: ['store'],
      apply(g) {
        const store = g.services.store!;
        store.writes.enqueue(() => released);
        const flush = store.writes.flush.bind(store.writes);
        g.services.store = Object.assign(Object.create(store) as typeof store, {
          writes: { enqueue: store.writes.enqueue.bind(store.writes), flush: () => (flushAsked(), flush()), get pending() { return store.writes.pending; } },
        });
      },
    });
    const t = await createTestGateway({ plugins: [postgresStore({ connectionString: server.connectionString, poolSize: 4 }), holder, sessionTracker(), mockProvider()] });
    try {
      expect((await chat(t.url, 'held back', 'read-your-writes')).status).toBe(200);
      const read = fetch(`${t.url}/sessions/read-your-writes`);
      await Promise.race([asked, read]); // a read that does not wait answers before the record is written
      release();
      const res = await read;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { call_count: number }).call_count).toBe(1);
    } finally {
      release();
      await t.close();
    }
  });

  it('two gateway processes started together migrate once and record into the same session', async () => {
    const database = await server.createDatabase('two_processes');
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-pg-procs-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(
      path.join(dir, '.switchyardrc.json'),
      JSON.stringify({ plugins: [['@switchyard/store-postgres', { connectionString: database }], '@switchyard/session-tracker', '@switchyard/provider-mock'] }),
    );
    const procs = [runCli(['--port', '0'], dir), runCli(['--port', '0'], dir)];
    try {
      const urls = await Promise.all(procs.map((p) => p.url));
      for (const [i, url] of [urls[0]!, urls[1]!, urls[0]!].entries()) expect((await chat(`${url}/v1`, `p${i}`, 'shared-two-processes')).status).toBe(200);
      // a session read first commits what its own process still has queued: once both have been
      // read, every call is committed, and either process shows all three
      const read = async (url: string) => ((await (await fetch(`${url}/v1/sessions/shared-two-processes`)).json()) as { call_count?: number }).call_count;
      await read(urls[1]!); // commits p1
      expect(await read(urls[0]!)).toBe(3); // commits p0 and p2
      expect(await read(urls[1]!)).toBe(3);
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      const applied = await client.query("select name from sy_migrations where owner = '@switchyard/core/call-log'");
      await client.end();
      expect(applied.rows).toEqual([{ name: '001_calls_and_sessions' }, { name: '002_partial_session_index' }, { name: '003_attempts' }, { name: '004_response_chain' }]);
      for (const p of procs) p.child.kill('SIGTERM');
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
