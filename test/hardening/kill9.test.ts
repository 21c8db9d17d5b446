/**
 * The kill -9 run: sustained load against the real CLI (SQLite and PostgreSQL), the gateway
 * killed with SIGKILL in the middle and started again on the same port, the load going on.
 * Every call either succeeded or got an error; every call the client saw succeed is in the
 * call log and in spend exactly once. `KILL9_SECONDS=30` makes the long variant.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, killClis, startCli, startPostgres, type CliProcess, type TestPostgres } from '@switchyard/test-kit';

const SECONDS = Number(process.env.KILL9_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.KILL9_CONCURRENCY ?? 16);

afterEach(killClis);

interface Outcome {
  ok: Set<string>;
  failed: number;
}

/** Calls the gateway from `CONCURRENCY` clients until `stop()`; each call has its own request id. */
function load(origin: () => string) {
  const out: Outcome = { ok: new Set(), failed: 0 };
  let running = true;
  let n = 0;
  const one = async (): Promise<void> => {
    const id = `k9-${++n}`;
    const stream = n % 2 === 0;
    try {
      const res = await fetch(`${origin()}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id, 'x-session-id': `s-${n % 7}` },
        body: JSON.stringify({ model: 'priced', stream, messages: [{ role: 'user', content: `call ${n} of the kill -9 run` }] }),
      });
      const text = await res.text();
      // a stream counts as seen-to-succeed only with its [DONE]; a 200 JSON only when whole
      const ok = res.status === 200 && (stream ? text.endsWith('data: [DONE]\n\n') && !text.includes('"error"') : text.includes('"chat.completion"'));
      if (ok) out.ok.add(id);
      else out.failed++;
    } catch {
      out.failed++;
      await new Promise((r) => setTimeout(r, 20)); // the port is down: do not spin
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (running) await one();
  });
  return {
    out,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return out;
    },
  };
}

const seconds = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function config(dir: string, storePlugin: string): void {
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(
    path.join(dir, '.switchyardrc.yaml'),
    [
      'plugins:',
      `  - ${storePlugin}`,
      '  - "@switchyard/session-tracker"',
      '  - "@switchyard/cost-tracker"',
      '  - ["@switchyard/provider-mock", { latencyMs: 2, chunkDelayMs: 1 }]',
      'models:',
      '  - { name: priced, provider: mock, model: echo, inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 }',
      '',
    ].join('\n'),
  );
}

async function run(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ outcome: Outcome; cli: CliProcess }> {
  const port = await freePort();
  let cli = startCli(['--port', String(port)], dir, env);
  const origin = await cli.url;
  const l = load(() => origin);
  await seconds(SECONDS);
  cli.child.kill('SIGKILL');
  await cli.exited;
  cli = startCli(['--port', String(port)], dir, env);
  await cli.url;
  await seconds(SECONDS);
  const outcome = await l.stop();
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  return { outcome, cli };
}

/** Counts per request id, for the calls and spend tables. */
function duplicates(rows: Array<{ request_id: string }>): string[] {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.request_id, (seen.get(r.request_id) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

function check(outcome: Outcome, calls: Array<{ request_id: string; status: number }>, spend: Array<{ request_id: string }>): void {
  const okCalls = new Set(calls.filter((c) => Number(c.status) === 200).map((c) => c.request_id));
  const spent = new Set(spend.map((s) => s.request_id));
  const missingCalls = [...outcome.ok].filter((id) => !okCalls.has(id));
  const missingSpend = [...outcome.ok].filter((id) => !spent.has(id));
  console.log(`kill -9 run: ${outcome.ok.size} calls succeeded, ${outcome.failed} failed; ${calls.length} call rows, ${spend.length} spend rows; missing ${missingCalls.length} calls, ${missingSpend.length} spend rows`);
  expect(outcome.ok.size).toBeGreaterThan(20);
  expect(missingCalls).toEqual([]);
  expect(missingSpend).toEqual([]);
  expect(duplicates(calls)).toEqual([]);
  expect(duplicates(spend)).toEqual([]);
}

describe('kill -9 under load loses no call the client saw succeed', () => {
  it('SQLite', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-kill9-'));
    config(dir, '["@switchyard/store-sqlite", { file: ./k9.db }]');
    const { outcome } = await run(dir);
    const db = new Database(path.join(dir, '.switchyard', 'k9.db'), { readonly: true }); // relative to dataDir
    try {
      check(outcome, db.prepare('select request_id, status from sy_calls').all() as never, db.prepare('select request_id from sy_spend_logs').all() as never);
    } finally {
      db.close();
    }
  });

  describe('PostgreSQL', () => {
    let server: TestPostgres;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it('PostgreSQL', { timeout: 180_000 }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sy-kill9-pg-'));
      config(dir, `["@switchyard/store-postgres", { connectionString: "${server.connectionString}" }]`);
      const { outcome } = await run(dir);
      const client = new pg.Client({ connectionString: server.connectionString });
      await client.connect();
      try {
        const calls = (await client.query('select request_id, status from sy_calls')).rows as Array<{ request_id: string; status: number }>;
        const spend = (await client.query('select request_id from sy_spend_logs')).rows as Array<{ request_id: string }>;
        check(outcome, calls, spend);
      } finally {
        await client.end();
      }
    });
  });
});
