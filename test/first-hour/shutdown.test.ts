/**
 * Issue 13, item 5 (and issue 12's shutdown budget): a stream still running at
 * `server.shutdownTimeoutMs` gets an OpenAI error frame and is logged as failed; the log says
 * how many were cut (never "drained, bye" then); background work that would run past the
 * budget is cut and said so; a background response cut by the shutdown is queued again and
 * completed by the next gateway; a second signal exits at once, saying so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, killClis, startCli, tempDbFile } from '@switchyard/test-kit';

afterEach(killClis);

function project(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-shutdown-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(path.join(dir, '.switchyardrc.yaml'), yaml);
  return dir;
}

const CONFIG = (timeoutMs: number, extra = '') => `plugins:
  - "@switchyard/store-sqlite"
  - "@switchyard/session-tracker"
  - "@switchyard/responses"
  - ["@switchyard/provider-mock", { chunkDelayMs: 200 }]
  - "@switchyard/logger-file"
${extra}models:
  - { name: slow, provider: mock, model: lorem }
  - { name: sleepy, provider: mock, model: echo, latencyMs: 600000 }
server: { shutdownTimeoutMs: ${timeoutMs} }
secret: a-test-secret-of-sufficient-length
`;

async function until<T>(what: () => T | undefined | false, label: string): Promise<T> {
  for (let i = 0; ; i++) {
    const v = what();
    if (v) return v;
    if (i > 1200) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('shutdown with work still running', () => {
  it('cuts a stream past the timeout with an error frame, logs it as failed, says how many were cut, and puts a background response back in the queue', { timeout: 90_000 }, async () => {
    const dir = project(CONFIG(2000));
    const cli = startCli(['--port', '0'], dir);
    const client = new OpenAI({ apiKey: 'x', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
    const background = await client.responses.create({ model: 'sleepy', input: 'never finishes', background: true });
    expect(background.status).toBe('queued');
    const stream = await client.chat.completions.create({ model: 'slow', stream: true, max_tokens: 500, messages: [{ role: 'user', content: 'x' }] });
    const chunks: string[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) chunks.push(chunk.choices[0]?.delta.content ?? '');
    })();
    await until(() => chunks.length > 1, 'the first chunks');
    cli.child.kill('SIGTERM');

    const err = (await consumed.then(() => undefined, (e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain('The gateway is shutting down: this call was still running after 2000 ms and was cut.');
    expect(await cli.exited).toBe(1);
    const log = cli.errors();
    expect(log).toContain('shutdown: 2 call(s) still running after 2000 ms were cut');
    expect(log).toContain('shutdown cut work: 2 call(s) still running at the shutdown timeout were cut (error sent, logged as failed)');
    expect(log).not.toContain('drained, bye');

    // logged as failed: the file logger and the call log
    const lines = readFileSync(path.join(dir, '.switchyard', 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const streamed = lines.find((l) => l.model === 'slow')!;
    expect(streamed).toMatchObject({ status: 503, outcome: 'error', stream: true, error: { code: 'GW_ERR_SHUTTING_DOWN' } });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(dir, '.switchyard', 'switchyard.db'), { readonly: true });
    const rows = db.prepare('select model, status from sy_calls order by started_at').all() as Array<{ model: string; status: number }>;
    db.close();
    expect(rows).toEqual(expect.arrayContaining([{ model: 'slow', status: 503 }, { model: 'sleepy', status: 503 }]));

    // the background response is not failed nor left in progress: it is queued again, with its
    // job, attempt not counted (a durable job), and the next gateway on the store completes it
    const db2 = new Database(path.join(dir, '.switchyard', 'switchyard.db'), { readonly: true });
    const row = db2.prepare('select status from sy_responses where id = ?').get(background.id);
    const job = db2.prepare("select state, attempts from sy_jobs where kind = 'responses.background' and key = ?").get(background.id);
    db2.close();
    expect(row).toEqual({ status: 'queued' });
    expect(job).toEqual({ state: 'queued', attempts: 0 });
    const t = await createTestGateway({
      plugins: [sqliteStore({ file: path.join(dir, '.switchyard', 'switchyard.db') }), responses(), mockProvider()],
      models: [{ name: 'sleepy', provider: 'mock', model: 'echo' }],
      secret: 'a-test-secret-of-sufficient-length',
    });
    await t.gateway.flush(); // the worker claims and runs it at start
    const after = await t.client.responses.retrieve(background.id);
    expect(after.status).toBe('completed');
    expect(after.output_text).toBe('never finishes');
    await t.close();
  });

  it('finishes within the budget when a plugin would flush for much longer, and says what it cut', { timeout: 90_000 }, async () => {
    const hole = net.createServer(() => {}); // accepts and never answers
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const port = (hole.address() as net.AddressInfo).port;
    try {
      const webhook = `  - ["@switchyard/logger-webhook", { url: "http://127.0.0.1:${port}/in", timeoutMs: 600000, closeTimeoutMs: 600000, maxAttempts: 1 }]\n`;
      const cli = startCli(['--port', '0'], project(CONFIG(1500, webhook)));
      const client = new OpenAI({ apiKey: 'x', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
      await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(1);
      expect(cli.errors()).toContain('shutdown: the close taps (plugins flushing, the store closing) did not finish in time and were cut');
      expect(cli.errors()).toContain('shutdown cut work: plugins did not finish closing');
    } finally {
      hole.close();
    }
  });

  it('a second signal exits at once and says so', { timeout: 90_000 }, async () => {
    const cli = startCli(['--port', '0'], project(CONFIG(600_000)));
    const client = new OpenAI({ apiKey: 'x', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'slow', stream: true, max_tokens: 500, messages: [{ role: 'user', content: 'x' }] });
    const consumed = (async () => {
      for await (const _ of stream) void _;
    })().catch(() => undefined);
    cli.child.kill('SIGINT');
    await until(() => /SIGINT: draining in-flight requests/.test(cli.errors()), 'the draining line');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(1);
    expect(cli.errors()).toContain('SIGINT again: exiting at once; 1 call(s) still running are cut without being logged');
    await consumed;
  });
});

describe('shutdown in process', () => {
  it('close() reports what it cut and a cut stream ends with an error frame', async () => {
    const t = await createTestGateway({ plugins: [mockProvider({ chunkDelayMs: 100 })] });
    const stream = await t.client.chat.completions.create({ model: 'mock/lorem', stream: true, max_tokens: 500, messages: [{ role: 'user', content: 'x' }] });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    const report = await t.gateway.close({ timeoutMs: 400 });
    expect(report).toEqual({ cut: 1, backgroundCut: 0, closed: true });
    const err = await (async () => {
      for (;;) if ((await it.next()).done) return undefined;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringContaining('shutting down') });
    expect(t.diagnostics.messages.map((m) => m.message)).toContain('shutdown: 1 call(s) still running after 400 ms were cut (each ended with a 503 error and is logged as failed)');
  });

  it('a bridged Responses stream past the timeout ends with response.failed', async () => {
    const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), responses(), mockProvider({ chunkDelayMs: 100 })], secret: 'a-test-secret-of-sufficient-length' });
    const stream = await t.client.responses.create({ model: 'mock/lorem', input: 'x', max_output_tokens: 500, stream: true });
    const events: Array<{ type: string; response?: { status: string; error: { code: string } | null } }> = [];
    const consumed = (async () => {
      for await (const ev of stream) events.push(ev as never);
    })();
    while (!events.some((e) => e.type === 'response.output_text.delta')) await new Promise((r) => setImmediate(r));
    expect(await t.gateway.close({ timeoutMs: 400 })).toMatchObject({ cut: 1 });
    await consumed;
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'gateway_shutting_down' } } });
  });

  it('a clean drain cuts nothing', async () => {
    const t = await createTestGateway({ plugins: [mockProvider()] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] });
    expect(await t.close()).toEqual({ cut: 0, backgroundCut: 0, closed: true });
  });
});
