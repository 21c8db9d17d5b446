/**
 * A gateway-executed batch survives SIGKILL: the real CLI killed in the middle of a batch and
 * started again on the same database finishes it; the output equals an uninterrupted run's
 * (compared by custom_id), and at the emulator no line recorded before the kill was sent
 * again (only lines in flight at the kill, at most the batch's concurrency, can be resent:
 * their answers were never recorded).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { batches, createTestGateway, freePort, killClis, openaiProvider, sqliteStore, startCli, startOpenAIEmulator, tempDbFile, type OpenAIEmulator } from '@switchyard/test-kit';

afterEach(killClis);
let emu: OpenAIEmulator;
beforeAll(async () => {
  emu = await startOpenAIEmulator({ latencyMs: 40 });
});
afterAll(async () => {
  await emu.close();
});

const N = 60;
const CONCURRENCY = 4;
const input = Array.from({ length: N }, (_, i) => ({ custom_id: `k${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: `line ${i}` }] } }));
const jsonl = input.map((l) => JSON.stringify(l)).join('\n') + '\n';

async function runBatch(client: OpenAI): Promise<string> {
  const f = await client.files.create({ file: await toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' });
  return (await client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
}
async function finished(client: OpenAI, id: string): Promise<OpenAI.Batches.Batch> {
  for (;;) {
    const b = await client.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) return b;
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function contents(client: OpenAI, b: OpenAI.Batches.Batch): Promise<Map<string, string>> {
  const text = await (await client.files.content(b.output_file_id!)).text();
  const out = new Map<string, string>();
  for (const l of text.split('\n').filter(Boolean)) {
    const line = JSON.parse(l) as { custom_id: string; response: { body: { choices: Array<{ message: { content: string } }> } } };
    expect(out.has(line.custom_id), `${line.custom_id} twice`).toBe(false);
    out.set(line.custom_id, line.response.body.choices[0]!.message.content);
  }
  return out;
}
const hits = () => {
  const n = new Map<string, number>();
  for (const r of emu.requests) {
    const m = /line (\d+)/.exec(r.text);
    if (r.path.endsWith('/chat/completions') && m) n.set(`k${m[1]}`, (n.get(`k${m[1]}`) ?? 0) + 1);
  }
  return n;
};

it('SIGKILL mid-batch, restart: same output as an uninterrupted run, no recorded line sent twice', { timeout: 180_000 }, async () => {
  // the uninterrupted run
  const g = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), batches({ concurrency: CONCURRENCY, pollMs: 50, mode: 'gateway' }), openaiProvider()],
    models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
  });
  const reference = await contents(g.client, await finished(g.client, await runBatch(g.client)));
  await g.close();
  expect(reference.size).toBe(N);

  emu.reset();
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-batch-k9-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(
    path.join(dir, '.switchyardrc.yaml'),
    [
      'plugins:',
      '  - ["@switchyard/store-sqlite", { file: ./batches.db }]',
      `  - ["@switchyard/batches", { leaseMs: 1000, pollMs: 100, concurrency: ${CONCURRENCY}, mode: gateway }]`,
      '  - "@switchyard/provider-openai"',
      'models:',
      `  - { name: gpt-4o, provider: openai, model: gpt-4o, apiBase: "${emu.baseURL}", apiKey: "${emu.apiKey}" }`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  let cli = startCli(['--port', String(port)], dir);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${await cli.url}/v1`, maxRetries: 2 });
  const id = await runBatch(client);
  await emu.received(N / 3);
  cli.child.kill('SIGKILL');
  await cli.exited;
  const sentBeforeKill = emu.requests.length;
  expect(sentBeforeKill).toBeLessThan(N);
  // the lines the killed process recorded
  const db = new Database(path.join(dir, '.switchyard', 'batches.db'), { fileMustExist: true });
  const recorded = (db.prepare('select line_json from sy_batch_results').all() as Array<{ line_json: string }>).map((r) => (JSON.parse(r.line_json) as { custom_id: string }).custom_id);
  db.close();
  expect(recorded.length).toBeGreaterThan(0);

  cli = startCli(['--port', String(port)], dir);
  await cli.url;
  const b = await finished(client, id);
  expect(b.status).toBe('completed');
  expect(b.request_counts).toEqual({ total: N, completed: N, failed: 0 });
  const out = await contents(client, b);
  expect(out).toEqual(reference);

  const n = hits();
  expect([...n.keys()].sort()).toEqual(input.map((l) => l.custom_id).sort());
  for (const c of recorded) expect(n.get(c), `${c} was recorded before the kill and sent again`).toBe(1);
  const twice = [...n.entries()].filter(([, c]) => c > 1);
  // only lines in flight at the kill (their answers never recorded) can have been sent again
  expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
  expect(twice.every(([, c]) => c === 2)).toBe(true);
  expect(emu.requests.length).toBeLessThanOrEqual(N + CONCURRENCY);
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});
