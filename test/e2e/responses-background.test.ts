/**
 * Background responses are durable jobs: a gateway process killed with SIGKILL while its
 * background response waits on a slow upstream is restarted and the new process completes it
 * (the call log has it once); a cancel made through one gateway stops the run in another.
 * Real gateway processes (the CLI), a real SQLite file, the Anthropic emulator on loopback (a
 * bridged provider: the gateway runs the background response itself), the
 * official SDK as the client.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import responses from '@switchyard/responses';
import { createJobQueue } from '@switchyard/store';
import { createTestGateway, killClis, sqliteStore, startAnthropicEmulator, startCli, type AnthropicEmulator } from '@switchyard/test-kit';

// a bridged provider (Anthropic has no Responses API: the gateway runs background responses itself)
let emu: AnthropicEmulator;
beforeAll(async () => {
  emu = await startAnthropicEmulator();
});
afterAll(async () => {
  await emu.close();
});
afterEach(killClis);

function project(leaseMs = 2000): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-bg-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(
    path.join(dir, '.switchyardrc.yaml'),
    `plugins:
  - "@switchyard/store-sqlite"
  - "@switchyard/session-tracker"
  - ["@switchyard/responses", { backgroundLeaseMs: ${leaseMs} }]
  - "@switchyard/provider-anthropic"
models:
  - { name: slow, provider: anthropic, model: claude-sonnet-4-5, apiBase: "${emu.origin}", apiKey: ${emu.apiKey} }
secret: a-test-secret-of-sufficient-length
`,
  );
  return dir;
}

/** Retrieves until the response is no longer queued or in progress (each call an HTTP round trip). */
async function settled(client: OpenAI, id: string): Promise<OpenAI.Responses.Response> {
  for (let i = 0; i < 10_000; i++) {
    const r = await client.responses.retrieve(id);
    if (r.status !== 'queued' && r.status !== 'in_progress') return r;
  }
  throw new Error(`response ${id} never settled`);
}

describe('background responses survive a restart', () => {
  it('kill -9 while the upstream call is held, restart: the new process completes it, logged once', { timeout: 120_000 }, async () => {
    emu.reset();
    emu.fault({ hang: true }); // the first attempt waits on the upstream until its process dies
    const dir = project();
    const first = startCli(['--port', '0'], dir);
    const client1 = new OpenAI({ apiKey: 'x', baseURL: `${await first.url}/v1`, maxRetries: 0 });
    const queued = await client1.responses.create({ model: 'slow', input: 'survive the crash', background: true });
    expect(queued.status).toBe('queued');
    await emu.received(1);
    expect((await client1.responses.retrieve(queued.id)).status).toBe('in_progress');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startCli(['--port', '0'], dir);
    const client2 = new OpenAI({ apiKey: 'x', baseURL: `${await second.url}/v1`, maxRetries: 0 });
    // claimed again once the dead process's lease (2 s here) runs out
    await emu.received(2);
    const done = await settled(client2, queued.id);
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe('echo: survive the crash');
    expect(emu.requests.length).toBe(2);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const db = new Database(path.join(dir, '.switchyard', 'switchyard.db'), { readonly: true });
    try {
      const calls = db.prepare("select status, outcome from sy_calls where response_id = ? or endpoint = '/v1/responses'").all(queued.id);
      expect(calls).toEqual([{ status: 200, outcome: 'ok' }]);
      expect(db.prepare("select state, attempts from sy_jobs where kind = 'responses.background' and key = ?").get(queued.id)).toEqual({ state: 'done', attempts: 2 });
    } finally {
      db.close();
    }
  });

  it('a response whose job ran out of attempts (its process died each time) reads as failed, not in progress forever', { timeout: 120_000 }, async () => {
    emu.reset();
    emu.fault({ hang: true });
    const dir = project(600_000); // a lease no real clock here reaches: only the test's claims take it over
    const cli = startCli(['--port', '0'], dir);
    const client = new OpenAI({ apiKey: 'x', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
    const queued = await client.responses.create({ model: 'slow', input: 'doomed', background: true });
    await emu.received(1);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const file = path.join(dir, '.switchyard', 'switchyard.db');
    const t = await createTestGateway({ plugins: [sqliteStore({ file }), responses(), anthropicProvider()], secret: 'a-test-secret-of-sufficient-length' });
    try {
      // the later attempts die too: claimed and abandoned on a clock past each lease
      let now = Date.now();
      const jobs = createJobQueue(t.gateway.services.store!, { now: () => now, migrated: true });
      for (let i = 0; i < 5; i++) {
        now += 3_600_000;
        await jobs.claim('responses.background', { leaseMs: 1000, worker: `dead-${i}` });
      }
      expect(await jobs.find('responses.background', queued.id)).toMatchObject({ state: 'failed', attempts: 5, error: { code: 'job_lease_expired' } });
      const r = await t.client.responses.retrieve(queued.id);
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'job_lease_expired' });
      expect((await t.client.responses.retrieve(queued.id)).status).toBe('failed');
    } finally {
      await t.close();
    }
  });

  it('a cancel through one gateway stops the run in another and nothing overwrites it', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.fault({ hang: true });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sy-bg-cancel-')), 'switchyard.db');
    const plugins = () => [sqliteStore({ file }), responses({ backgroundLeaseMs: 1000 }), anthropicProvider()];
    const models = [{ name: 'slow', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: emu.origin, apiKey: emu.apiKey }];
    const a = await createTestGateway({ plugins: plugins(), models, secret: 'a-test-secret-of-sufficient-length' });
    const queued = await a.client.responses.create({ model: 'slow', input: 'cancel me elsewhere', background: true });
    await emu.received(1); // gateway A runs it
    // gateway B on the same store: its job queue is another process's as far as A can tell
    const b = await createTestGateway({ plugins: plugins(), models, secret: 'a-test-secret-of-sufficient-length' });
    try {
      expect((await b.client.responses.cancel(queued.id)).status).toBe('cancelled');
      // A sees the cancel at its next heartbeat, aborts the upstream call and writes nothing
      await a.gateway.flush();
      expect((await a.client.responses.retrieve(queued.id)).status).toBe('cancelled');
      expect(emu.requests.length).toBe(1);
      const job = b.gateway.services.store!.jobs;
      expect((await job.find('responses.background', queued.id))?.state).toBe('cancelled');
      // a finished one is returned as it is
      expect((await b.client.responses.cancel(queued.id)).status).toBe('cancelled');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
