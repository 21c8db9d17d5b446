/**
 * Issue 13, item 13: mock models carry a documented zero price, so cost tracking shows a
 * number (0) with no keys, and no "no price known" warning per model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import mockProvider, { MOCK_PRICING } from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

describe('the mock provider is priced', () => {
  let t: TestGateway;
  const tracker = costTracker();
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), tracker, mockProvider()],
      models: [
        { name: 'demo', provider: 'mock', model: 'lorem' },
        { name: 'demo-paid', provider: 'mock', model: 'lorem', inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 },
      ],
    });
  });
  afterAll(() => t.close());

  it('documents a zero price', () => {
    expect(MOCK_PRICING).toEqual({ inputCostPerToken: 0, outputCostPerToken: 0 });
  });

  it('mock/<model> and configured mock models cost 0, a number, everywhere cost shows, with no warning', async () => {
    for (const model of ['mock/echo', 'mock/lorem', 'demo']) {
      const { response } = await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-session-id': 'priced' } }).withResponse();
      expect(Number(response.headers.get('x-switchyard-response-cost')), model).toBe(0);
    }
    const s = await t.client.chat.completions.create({ model: 'mock/lorem', stream: true, max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-session-id': 'priced' } });
    for await (const _ of s) void _;
    await t.gateway.flush();
    const spend = (await (await fetch(`${t.origin}/spend/logs?session=priced`)).json()) as { data: Array<{ cost: number | null }> };
    expect(spend.data.map((r) => r.cost)).toEqual([0, 0, 0, 0]);
    const session = (await (await fetch(`${t.origin}/v1/sessions/priced`)).json()) as { calls: Array<{ cost: number | null }> };
    expect(session.calls.map((c) => c.cost)).toEqual([0, 0, 0, 0]);
    expect(tracker.stats()).toMatchObject({ unpriced: 0, unpricedModels: [] });
    expect(t.diagnostics.messages.filter((m) => m.message.includes('no price known'))).toEqual([]);
  });

  it('a price on the model entry wins over the zero price', async () => {
    const { response } = await t.client.chat.completions.create({ model: 'demo-paid', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeGreaterThan(0);
  });
});
