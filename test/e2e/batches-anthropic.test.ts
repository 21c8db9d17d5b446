/**
 * The "done when": a JSONL batch of chat requests to an (emulated) Anthropic model
 * completes through the gateway with the right output, counts and batch cost (the price
 * database's Claude price, halved), each line sent to the emulator once. `mode: 'gateway'`:
 * executed by the gateway (batches-native-anthropic.test.ts covers the Message Batches pass-through).
 */
import { toFile } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import costTracker from '@switchyard/cost-tracker';
import { batches, createTestGateway, sqliteStore, startAnthropicEmulator, tempDbFile, type AnthropicEmulator, type TestGateway } from '@switchyard/test-kit';

let t: TestGateway;
let claude: AnthropicEmulator;
beforeAll(async () => {
  claude = await startAnthropicEmulator();
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), costTracker(), batches({ concurrency: 8, pollMs: 50, mode: 'gateway' }), anthropicProvider()],
    models: [{ name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: claude.origin, apiKey: claude.apiKey }],
  });
});
afterAll(async () => {
  await t.close();
  await claude.close();
});

it('a 1,000-line chat batch to an Anthropic model completes with outputs, counts and batch cost', { timeout: 120_000 }, async () => {
  const N = 1000;
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ custom_id: `a${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'claude-sonnet', max_tokens: 64, messages: [{ role: 'user', content: `question ${i}` }] } }));
  const f = await t.client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'claude.jsonl'), purpose: 'batch' });
  const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  let b = created;
  while (!['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) {
    await new Promise((r) => setTimeout(r, 50));
    b = await t.client.batches.retrieve(created.id);
  }
  expect(b.status).toBe('completed');
  expect(b.request_counts).toEqual({ total: N, completed: N, failed: 0 });
  const out = (await (await t.client.files.content(b.output_file_id!)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: { object: string; usage: { prompt_tokens: number; completion_tokens: number } } } });
  expect(new Set(out.map((l) => l.custom_id)).size).toBe(N);
  expect(out.every((l) => l.response.status_code === 200 && l.response.body.object === 'chat.completion')).toBe(true);
  const sent = claude.requests.filter((r) => r.path.includes('/messages')).length;
  expect(sent).toBe(N);
  const rows = ((await (await fetch(`${t.origin}/spend/logs?session=${b.id}`)).json()) as { data: Array<{ cost: number; input_tokens: number; output_tokens: number }> }).data;
  expect(rows).toHaveLength(1);
  const input = out.reduce((s, l) => s + l.response.body.usage.prompt_tokens, 0);
  const output = out.reduce((s, l) => s + l.response.body.usage.completion_tokens, 0);
  expect(rows[0]).toMatchObject({ input_tokens: input, output_tokens: output });
  // Claude Sonnet 4.5: $3 / $15 per million tokens, half at batch prices
  expect(rows[0]!.cost).toBeCloseTo(((input * 3 + output * 15) / 1e6) * 0.5, 9);
});
