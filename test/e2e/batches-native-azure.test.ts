/**
 * Native Files/Batches pass-through to Azure OpenAI (the Azure emulator, which shares the
 * OpenAI emulator's Files and Batches): at the dated URLs (`/openai/files?api-version=…`) and
 * the v1 surface, each line naming the Azure deployment and Azure's `/chat/completions`, the
 * output copied back under gateway ids.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import azureProvider from '@switchyard/provider-azure';
import { batches, createTestGateway, sqliteStore, startAzureEmulator, tempDbFile, type AzureEmulator, type TestGateway } from '@switchyard/test-kit';

let emu: AzureEmulator;
let t: TestGateway;

beforeAll(async () => {
  emu = await startAzureEmulator({ batchPolls: 2 });
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), batches({ pollMs: 20, nativePollMs: 20 }), azureProvider()],
    models: [
      { name: 'az-dated', provider: 'azure', model: 'gpt-4o-mini', apiBase: emu.origin, apiKey: emu.apiKey, apiVersion: '2024-10-21' },
      { name: 'az-v1', provider: 'azure', model: 'gpt-4o', azureDeployment: 'gpt-4o-mini', apiBase: emu.origin, apiKey: emu.apiKey, apiVersion: 'v1' },
    ],
  });
});
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

async function run(model: string, n: number): Promise<OpenAI.Batches.Batch> {
  const body = Array.from({ length: n }, (_, i) => JSON.stringify({ custom_id: `${model}-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: `hi ${i}` }] } })).join('\n');
  const f = await t.client.files.create({ file: await toFile(Buffer.from(body), 'az.jsonl'), purpose: 'batch' });
  const b = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  for (;;) {
    const now = await t.client.batches.retrieve(b.id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(now.status)) return now;
    await new Promise((r) => setTimeout(r, 20));
  }
}

it.each([
  ['az-dated', /^\/openai\/files\?api-version=2024-10-21$/, /^\/openai\/batches\?api-version=2024-10-21$/],
  ['az-v1', /^\/openai\/v1\/files$/, /^\/openai\/v1\/batches$/],
])('%s: the batch runs on the Azure resource, lines naming the deployment, output copied back', async (model, filesPath, batchesPath) => {
  emu.reset();
  const b = await run(model, 5);
  expect(b).toMatchObject({ status: 'completed', request_counts: { total: 5, completed: 5, failed: 0 } });
  expect(b.output_file_id).not.toMatch(/emu/);
  const out = (await (await t.client.files.content(b.output_file_id!)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; custom_id: string; response: { body: { model: string } } });
  expect(out.map((l) => l.custom_id).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `${model}-${i}`).sort());
  for (const l of out) {
    expect(l.id).toMatch(/^batch_req_emu/);
    // the Azure deployment answered (the emulator refuses a model that is not one)
    expect(l.response.body.model).toBe('gpt-4o-mini');
  }
  const upload = emu.requests.find((r) => r.method === 'POST' && filesPath.test(r.path))!;
  expect(upload, 'the upload went to the Files API').toBeDefined();
  expect(upload.headers['api-key']).toBe(emu.apiKey);
  // Azure's lines name `/chat/completions` and the deployment (the client wrote OpenAI's `/v1/...` and the gateway's model)
  const sent = upload.text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { url: string; body: { model: string } });
  expect(sent).toHaveLength(5);
  for (const l of sent) expect(l).toMatchObject({ url: '/chat/completions', body: { model: 'gpt-4o-mini' } });
  expect((emu.requests.find((r) => r.method === 'POST' && batchesPath.test(r.path))!.body as { endpoint: string }).endpoint).toBe('/chat/completions');
  expect(emu.requests.some((r) => r.method === 'POST' && batchesPath.test(r.path))).toBe(true);
});
