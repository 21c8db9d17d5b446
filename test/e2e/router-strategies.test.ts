/**
 * The router's strategies over real deployments: OpenAI emulators on loopback as deployments
 * of one model, the official openai SDK as the client, the serving deployment read from the
 * `x-switchyard-deployment` header of each answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig, RouterConfig } from '@switchyard/core';
import openaiProvider from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

let emus: OpenAIEmulator[];
beforeAll(async () => {
  emus = await Promise.all([startOpenAIEmulator(), startOpenAIEmulator(), startOpenAIEmulator({ latencyMs: 40 })]);
});
afterAll(() => Promise.all(emus.map((e) => e.close())));

const deployment = (i: number, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  name: 'gpt',
  id: `d${i}`,
  provider: 'openai',
  model: 'gpt-4o',
  apiBase: emus[i]!.baseURL,
  apiKey: emus[i]!.apiKey,
  ...extra,
});

async function gatewayWith(models: ModelConfig[], router: RouterConfig): Promise<TestGateway> {
  return createTestGateway({ plugins: [openaiProvider()], models, router });
}

/** Which deployment served each of `n` calls (made `concurrency` at a time). */
async function served(t: TestGateway, n: number, concurrency = 8): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const { response } = await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        const id = response.headers.get('x-switchyard-deployment')!;
        counts[id] = (counts[id] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

describe('router strategies', () => {
  it('simple-shuffle (the default) follows the weights within tolerance over 1,000 calls', { timeout: 60_000 }, async () => {
    const t = await gatewayWith([deployment(0, { weight: 2 }), deployment(1, { weight: 1 }), deployment(2, { weight: 1 })], {});
    const counts = await served(t, 1000, 16);
    await t.close();
    // expected 500 / 250 / 250; the bounds are over 5 standard deviations wide
    expect(counts.d0).toBeGreaterThan(420);
    expect(counts.d0).toBeLessThan(580);
    expect(counts.d1).toBeGreaterThan(180);
    expect(counts.d1).toBeLessThan(320);
    expect(counts.d2).toBeGreaterThan(180);
    expect(counts.d2).toBeLessThan(320);
  });

  it('simple-shuffle follows rpm when no weights are set', async () => {
    const t = await gatewayWith([deployment(0, { rpm: 9000 }), deployment(1, { rpm: 1000 })], {});
    const counts = await served(t, 300);
    await t.close();
    expect(counts.d0).toBeGreaterThan(240); // 270 expected
  });

  it('least-busy sends each call to the deployment with the fewest calls in flight', async () => {
    const t = await gatewayWith([deployment(2), deployment(2, { id: 'd2b' })], { strategy: 'least-busy' });
    // ten calls at once against deployments that take 40 ms: they split evenly
    const counts = await served(t, 10, 10);
    await t.close();
    expect(counts).toEqual({ d2: 5, d2b: 5 });
  });

  it('latency-based moves traffic to the deployment that answers fastest', async () => {
    const t = await gatewayWith([deployment(0), deployment(2)], { strategy: 'latency-based' });
    await served(t, 4, 1); // each gets measured first
    const counts = await served(t, 40, 1);
    await t.close();
    expect(counts.d0).toBe(40); // d2 takes 40 ms a call
  });

  it('usage-based keeps each deployment under its rpm share this minute', async () => {
    const t = await gatewayWith([deployment(0, { rpm: 5 }), deployment(1, { rpm: 100 })], { strategy: 'usage-based' });
    const counts = await served(t, 40, 1);
    await t.close();
    // d0 (5 rpm) stays the fuller one after a call or two; d1 (100 rpm) takes the rest
    expect(counts.d0 ?? 0).toBeLessThanOrEqual(2);
    expect(counts.d1).toBeGreaterThanOrEqual(38);
  });

  it('cost-based picks the cheapest deployment, the next one once it is at its rpm', async () => {
    const t = await gatewayWith(
      [
        deployment(0, { id: 'pricey', inputCostPerToken: 5e-6, outputCostPerToken: 15e-6 }),
        deployment(1, { id: 'cheap', rpm: 10, inputCostPerToken: 1e-7, outputCostPerToken: 4e-7 }),
      ],
      { strategy: 'cost-based' },
    );
    const counts = await served(t, 14, 1);
    await t.close();
    expect(counts).toEqual({ cheap: 10, pricey: 4 });
  });
});
