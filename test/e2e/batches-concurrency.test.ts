/**
 * Per-deployment concurrency of gateway-executed batches: lines of several batches on one
 * deployment never exceed its `deploymentConcurrency` limit (the emulator counts the requests
 * in flight), while a deployment without a limit takes each chunk's `concurrency`. A limit
 * that names nothing configured fails boot.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batches, createTestGateway, openaiProvider, sqliteStore, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

let limited: OpenAIEmulator;
let free: OpenAIEmulator;
let t: TestGateway;

beforeAll(async () => {
  limited = await startOpenAIEmulator({ latencyMs: 40 });
  free = await startOpenAIEmulator({ latencyMs: 40 });
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), batches({ mode: 'gateway', concurrency: 8, batchConcurrency: 4, chunkLines: 10, pollMs: 20, deploymentConcurrency: { capped: 3 } }), openaiProvider()],
    models: [
      { name: 'capped', provider: 'openai', model: 'gpt-4o', apiBase: limited.baseURL, apiKey: limited.apiKey },
      { name: 'open', provider: 'openai', model: 'gpt-4o', apiBase: free.baseURL, apiKey: free.apiKey },
    ],
  });
});
afterAll(async () => {
  await t?.close();
  await limited?.close();
  await free?.close();
});

async function start(model: string, n: number): Promise<string> {
  const body = Array.from({ length: n }, (_, i) => JSON.stringify({ custom_id: `${model}-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: `x ${i}` }] } })).join('\n');
  const f = await t.client.files.create({ file: await toFile(Buffer.from(body), 'c.jsonl'), purpose: 'batch' });
  return (await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
}
async function end(id: string): Promise<OpenAI.Batches.Batch> {
  for (;;) {
    const b = await t.client.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) return b;
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('lines of three batches on a capped deployment never exceed its limit; an uncapped one runs wider', { timeout: 60_000 }, async () => {
  limited.reset();
  free.reset();
  const ids = await Promise.all([start('capped', 30), start('capped', 30), start('capped', 30), start('open', 30)]);
  const done = await Promise.all(ids.map(end));
  for (const b of done) expect(b).toMatchObject({ status: 'completed', request_counts: { total: 30, completed: 30, failed: 0 } });
  expect(limited.requests).toHaveLength(90);
  expect(limited.peakInFlight()).toBeLessThanOrEqual(3);
  expect(limited.peakInFlight()).toBeGreaterThanOrEqual(2);
  expect(free.peakInFlight()).toBeGreaterThan(3);
});

it('a limit naming no deployment or model fails boot with a clear error', async () => {
  await expect(
    createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), batches({ deploymentConcurrency: { nope: 2 } }), openaiProvider()],
      models: [{ name: 'capped', provider: 'openai', model: 'gpt-4o', apiBase: limited.baseURL, apiKey: limited.apiKey }],
    }),
  ).rejects.toThrow(/deploymentConcurrency names 'nope'/);
});
