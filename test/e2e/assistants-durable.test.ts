/**
 * Runs are durable jobs: the real CLI killed with SIGKILL while one run is in progress and
 * another is queued behind it, started again on the same database, completes both, once
 * each (one answer, one message step, one recorded call); several gateways on one database
 * share the runs: one that only serves the API streams a run another one executes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { assistants, createTestGateway, freePort, killClis, mockProvider, sessionTracker, sqliteStore, startCli, tempDbFile } from '@switchyard/test-kit';

afterEach(killClis);

const textOf = (m: OpenAI.Beta.Threads.Message) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('');
const folded = (names: string[]) => names.filter((n, i) => !(n.endsWith('.delta') && names[i - 1] === n)).map((n) => (n.endsWith('.delta') ? `${n}+` : n));

describe('durable runs', () => {
  it('SIGKILL while a run is in progress and another queued: after a restart both complete, once', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-asst-k9-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(
      path.join(dir, '.switchyardrc.yaml'),
      [
        'plugins:',
        '  - ["@switchyard/store-sqlite", { file: ./runs.db }]',
        '  - "@switchyard/session-tracker"',
        '  - ["@switchyard/assistants", { leaseMs: 1000, pollMs: 100, pollAfterMs: 50, concurrency: 1 }]',
        '  - "@switchyard/provider-mock"',
        'models:',
        '  - { name: slow, provider: mock, model: lorem, chunkDelayMs: 60 }',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    let cli = startCli(['--port', String(port)], dir);
    const origin = await cli.url;
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${origin}/v1`, maxRetries: 2 });
    const asst = await client.beta.assistants.create({ model: 'slow', instructions: 'Talk.' });
    const t1 = await client.beta.threads.create({ messages: [{ role: 'user', content: 'first thread' }] });
    const t2 = await client.beta.threads.create({ messages: [{ role: 'user', content: 'second thread' }] });

    // run 1 streams until its first words; run 2 waits behind it (one run at a time)
    const stream = await client.beta.threads.runs.create(t1.id, { assistant_id: asst.id, stream: true });
    let run1 = '';
    for await (const ev of stream) {
      if (ev.event === 'thread.run.created') run1 = ev.data.id;
      if (ev.event === 'thread.message.delta') break;
    }
    const run2 = await client.beta.threads.runs.create(t2.id, { assistant_id: asst.id });
    expect((await client.beta.threads.runs.retrieve(run1, { thread_id: t1.id })).status).toBe('in_progress');
    expect((await client.beta.threads.runs.retrieve(run2.id, { thread_id: t2.id })).status).toBe('queued');

    cli.child.kill('SIGKILL');
    await cli.exited;
    cli = startCli(['--port', String(port)], dir);
    await cli.url;

    for (const [thread, runId] of [
      [t1.id, run1],
      [t2.id, run2.id],
    ] as const) {
      const run = await client.beta.threads.runs.poll(runId, { thread_id: thread });
      expect(run.status).toBe('completed');
      const messages = await client.beta.threads.messages.list(thread, { order: 'asc' });
      expect(messages.data.map((m) => [m.role, m.status])).toEqual([
        ['user', 'completed'],
        ['assistant', 'completed'],
      ]);
      expect(textOf(messages.data[1]!).split(' ')).toHaveLength(32);
      const steps = await client.beta.threads.runs.steps.list(runId, { thread_id: thread });
      expect(steps.data.map((s) => [s.type, s.status])).toEqual([['message_creation', 'completed']]);
      const res = await fetch(`${origin}/v1/sessions/${thread}`);
      const session = (await res.json()) as { call_count: number; calls: Array<{ status: number }> };
      expect(session.calls.filter((c) => c.status === 200)).toHaveLength(1);
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('a gateway that only serves the API streams and polls runs another gateway on its database executes', { timeout: 60_000 }, async () => {
    const file = tempDbFile();
    const models = [{ name: 'echo', provider: 'mock', model: 'echo' }];
    const api = await createTestGateway({ plugins: [sqliteStore({ file }), sessionTracker(), assistants({ worker: false, pollAfterMs: 20 }), mockProvider()], models });
    const worker = await createTestGateway({ plugins: [sqliteStore({ file }), sessionTracker(), assistants({ pollMs: 50 }), mockProvider()], models });
    try {
      const asst = await api.client.beta.assistants.create({ model: 'echo' });
      const thread = await api.client.beta.threads.create({ messages: [{ role: 'user', content: 'from elsewhere' }] });
      const names: string[] = [];
      let text = '';
      const s = api.client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
      s.on('event', (e) => names.push(e.event));
      s.on('textDelta', (d) => (text += d.value ?? ''));
      const run = await s.finalRun();
      expect(run.status).toBe('completed');
      expect(text).toBe('from elsewhere');
      expect(folded(names)).toEqual([
        'thread.run.created',
        'thread.run.queued',
        'thread.run.in_progress',
        'thread.run.step.created',
        'thread.run.step.in_progress',
        'thread.message.created',
        'thread.message.in_progress',
        'thread.message.delta+',
        'thread.message.completed',
        'thread.run.step.completed',
        'thread.run.completed',
      ]);
      const polled = await api.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
      expect(polled.status).toBe('completed');
    } finally {
      await api.close();
      await worker.close();
    }
  });
});
