/**
 * A batch passed through to Anthropic Message Batches survives SIGKILL: the real CLI killed
 * while the Message Batch runs upstream, started again on the same database, follows the same
 * Message Batch to the end (created once), copies every result once and prices it once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort, killClis, startAnthropicEmulator, startCli, type AnthropicEmulator } from '@switchyard/test-kit';

afterEach(killClis);
let emu: AnthropicEmulator;
beforeAll(async () => {
  emu = await startAnthropicEmulator({ batchPolls: 2 });
});
afterAll(async () => {
  await emu.close();
});

it('SIGKILL while the Message Batch runs upstream, restart: the same batch followed to the end, each result once, cost once', { timeout: 120_000 }, async () => {
  const N = 10;
  const input = Array.from({ length: N }, (_, i) => JSON.stringify({ custom_id: `k ${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'claude', messages: [{ role: 'user', content: `line ${i}` }] } }));
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-anth-k9-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(
    path.join(dir, '.switchyardrc.yaml'),
    [
      'plugins:',
      '  - ["@switchyard/store-sqlite", { file: ./batches.db }]',
      '  - "@switchyard/cost-tracker"',
      '  - ["@switchyard/batches", { leaseMs: 1000, pollMs: 100, nativePollMs: 50 }]',
      '  - "@switchyard/provider-anthropic"',
      'models:',
      `  - { name: claude, provider: anthropic, model: claude-sonnet-4-5, apiBase: "${emu.origin}", apiKey: "${emu.apiKey}" }`,
      '',
    ].join('\n'),
  );
  emu.batches.held = true;
  const port = await freePort();
  let cli = startCli(['--port', String(port)], dir);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${await cli.url}/v1`, maxRetries: 2 });
  const f = await client.files.create({ file: await toFile(Buffer.from(input.join('\n') + '\n'), 'in.jsonl'), purpose: 'batch' });
  const { id } = await client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  // the create answered and the batch polled once (its upstream id is recorded before the first poll)
  for (let n = 1; !emu.requests.some((r) => r.method === 'GET' && /^\/v1\/messages\/batches\/msgbatch_/.test(r.path)); n++) await emu.received(n);
  cli.child.kill('SIGKILL');
  await cli.exited;
  emu.batches.held = false;

  cli = startCli(['--port', String(port)], dir);
  await cli.url;
  let b = await client.batches.retrieve(id);
  while (!['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) {
    await new Promise((r) => setTimeout(r, 50));
    b = await client.batches.retrieve(id);
  }
  expect(b).toMatchObject({ status: 'completed', request_counts: { total: N, completed: N, failed: 0 } });
  expect(emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages/batches')).toHaveLength(1);
  expect(emu.batches.linesRun).toBe(N);
  const out = (await (await client.files.content(b.output_file_id!)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { custom_id: string; response: { body: { choices: Array<{ message: { content: string } }> } } });
  expect(out.map((l) => l.custom_id).sort()).toEqual(Array.from({ length: N }, (_, i) => `k ${i}`).sort());
  for (const l of out) expect(l.response.body.choices[0]!.message.content).toBe(`echo: line ${l.custom_id.slice(2)}`);
  for (let i = 0; i < 3; i++) await client.batches.retrieve(id);
  const spend = ((await (await fetch(`${await cli.url}/spend/logs?limit=1000`, { headers: { authorization: 'Bearer sk-test' } })).json()) as { data: Array<{ session_id: string }> }).data.filter((r) => r.session_id === id);
  expect(spend).toHaveLength(1);
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});
