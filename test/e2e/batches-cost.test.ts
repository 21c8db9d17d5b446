/**
 * A batch's cost is recorded exactly once: one spend row with the batch id as its session,
 * priced from the successful lines at batch prices (half the deployment's price when it has
 * no batch price; its batch price when it has one), none per line, never again on retrieves
 * or after a restart on the same database.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import { batches, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const IN = 0.001;
const OUT = 0.002;
interface SpendRow {
  session_id: string | null;
  cost: number | null;
  input_tokens: number;
  output_tokens: number;
  endpoint: string;
}

const gateway = (file: string) =>
  createTestGateway({
    plugins: [sqliteStore({ file }), costTracker(), batches({ pollMs: 50 }), mockProvider()],
    models: [
      { name: 'priced', provider: 'mock', model: 'echo', inputCostPerToken: IN, outputCostPerToken: OUT },
      { name: 'batch-priced', provider: 'mock', model: 'echo', inputCostPerToken: IN, outputCostPerToken: OUT, inputCostPerTokenBatches: IN / 4, outputCostPerTokenBatches: OUT / 4 },
      { name: 'bad', provider: 'mock', model: 'error-400', inputCostPerToken: IN, outputCostPerToken: OUT },
    ],
  });
async function spend(t: TestGateway): Promise<SpendRow[]> {
  const res = await fetch(`${t.origin}/spend/logs?limit=1000`);
  return ((await res.json()) as { data: SpendRow[] }).data;
}
async function runBatch(client: OpenAI, model: string, n: number): Promise<OpenAI.Batches.Batch> {
  const lines = Array.from({ length: n }, (_, i) => ({ custom_id: `c${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: i === 0 ? 'bad' : model, messages: [{ role: 'user', content: `words number ${i}` }] } }));
  const f = await client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')), 'in.jsonl'), purpose: 'batch' });
  const b = await client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  for (;;) {
    const now = await client.batches.retrieve(b.id);
    if (now.status === 'completed') return now;
    expect(['validating', 'in_progress', 'finalizing']).toContain(now.status);
    await new Promise((r) => setTimeout(r, 25));
  }
}
async function usageOf(client: OpenAI, b: OpenAI.Batches.Batch) {
  const text = await (await client.files.content(b.output_file_id!)).text();
  let input = 0;
  let output = 0;
  for (const l of text.split('\n').filter(Boolean)) {
    const u = (JSON.parse(l) as { response: { body: { usage: { prompt_tokens: number; completion_tokens: number } } } }).response.body.usage;
    input += u.prompt_tokens;
    output += u.completion_tokens;
  }
  return { input, output };
}

it('one spend row per batch at batch prices, none per line, never twice across retrieves and a restart', { timeout: 60_000 }, async () => {
  const file = tempDbFile();
  let t = await gateway(file);
  const b1 = await runBatch(t.client, 'priced', 25);
  const b2 = await runBatch(t.client, 'batch-priced', 10);
  expect(b1.request_counts).toEqual({ total: 25, completed: 24, failed: 1 });
  for (let i = 0; i < 5; i++) await t.client.batches.retrieve(b1.id);
  const u1 = await usageOf(t.client, b1);
  const u2 = await usageOf(t.client, b2);
  const check = async () => {
    const rows = await spend(t);
    expect(rows.map((r) => r.session_id).sort()).toEqual([b1.id, b2.id].sort());
    const r1 = rows.find((r) => r.session_id === b1.id)!;
    const r2 = rows.find((r) => r.session_id === b2.id)!;
    expect(r1).toMatchObject({ endpoint: '/v1/batches', input_tokens: u1.input, output_tokens: u1.output });
    expect(r1.cost).toBeCloseTo((u1.input * IN + u1.output * OUT) / 2, 9);
    expect(r2.cost).toBeCloseTo((u2.input * IN + u2.output * OUT) / 4, 9);
  };
  await check();
  await t.close();
  t = await gateway(file);
  await t.client.batches.retrieve(b1.id);
  await check();
  await t.close();
});
