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
      let body: { call_count?: number } = {};
      for (let i = 0; i < 100 && body.call_count !== 3; i++) {
        body = (await (await fetch(`${urls[1]}/v1/sessions/shared-two-processes`)).json()) as typeof body;
        if (body.call_count !== 3) await new Promise((r) => setTimeout(r, 20));
      }
      expect(body.call_count).toBe(3);
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      const applied = await client.query("select name from sy_migrations where owner = '@switchyard/core/call-log'");
      await client.end();
      expect(applied.rows).toEqual([{ name: '001_calls_and_sessions' }, { name: '002_partial_session_index' }]);
      for (const p of procs) p.child.kill('SIGTERM');
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
