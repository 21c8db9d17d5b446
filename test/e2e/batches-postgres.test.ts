/**
 * Batches on PostgreSQL: two gateways on one database split one batch's chunks of lines
 * between them, and no line is sent upstream twice (counted at the emulator); the Files API's
 * bytes live in the database (chunked blobs) and read back through either gateway.
 */
import { toFile } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batches, createTestGateway, openaiProvider, postgresStore, startOpenAIEmulator, startPostgres, type OpenAIEmulator, type TestGateway, type TestPostgres } from '@switchyard/test-kit';

let server: TestPostgres;
let emu: OpenAIEmulator;
const gateways: TestGateway[] = [];
beforeAll(async () => {
  server = await startPostgres();
  emu = await startOpenAIEmulator({ latencyMs: 20 });
  for (let i = 0; i < 2; i++) {
    gateways.push(
      await createTestGateway({
        plugins: [postgresStore({ connectionString: server.connectionString, poolSize: 8 }), batches({ chunkLines: 10, concurrency: 4, batchConcurrency: 2, pollMs: 50, mode: 'gateway' }), openaiProvider()],
        models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  for (const g of gateways) await g.close();
  await emu.close();
  await server.stop();
});

it('two gateways split one batch: every line run once, outputs complete, both took chunks', { timeout: 120_000 }, async () => {
  const [a, b] = gateways as [TestGateway, TestGateway];
  const N = 200;
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ custom_id: `p${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: `pg line ${i}` }] } }));
  const f = await a.client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
  expect((await b.client.files.retrieve(f.id)).bytes).toBe(f.bytes);
  const created = await a.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  let batch = created;
  while (!['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) {
    await new Promise((r) => setTimeout(r, 50));
    batch = await b.client.batches.retrieve(created.id);
  }
  expect(batch.status).toBe('completed');
  expect(batch.request_counts).toEqual({ total: N, completed: N, failed: 0 });
  const out = (await (await b.client.files.content(batch.output_file_id!)).text()).split('\n').filter(Boolean);
  expect(new Set(out.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id)).size).toBe(N);
  const hits = new Map<string, number>();
  for (const r of emu.requests) {
    const m = /pg line (\d+)/.exec(r.text);
    if (m) hits.set(m[1]!, (hits.get(m[1]!) ?? 0) + 1);
  }
  expect(hits.size).toBe(N);
  expect([...hits.values()].every((n) => n === 1)).toBe(true);
  const jobs = a.gateway.services.store!.jobs;
  const workers = new Set<string>();
  for (let k = 0; k < N / 10; k++) {
    const j = await jobs.find('batches.chunk', `${created.id}:${k}`);
    expect(j?.state).toBe('done');
    if (j?.worker) workers.add(j.worker);
  }
  expect(workers.size).toBe(2);
});
