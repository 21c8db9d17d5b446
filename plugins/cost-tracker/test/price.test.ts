import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceBatchOutput, priceUsage, windowStart } from '../src/index.js';

const usage = (prompt: number, completion: number, cached = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached },
});

describe('priceUsage', () => {
  it('batch prices of a deployment priced by configuration: its batch price, else its price less the 50% discount', () => {
    const u = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
    const d = { provider: 'mock', model: 'echo', pricing: { inputCostPerToken: 0.001, outputCostPerToken: 0.002 } };
    expect(priceUsage(u, d)).toBeCloseTo(2, 9);
    expect(priceUsage(u, d, { batch: true })).toBeCloseTo(1, 9);
    expect(priceUsage(u, { ...d, pricing: { ...d.pricing, inputCostPerTokenBatches: 0.0001, outputCostPerTokenBatches: 0.0002 } }, { batch: true })).toBeCloseTo(0.2, 9);
  });
  it('matches the price database on every kind of model, linear (per-token prices read once) or tiered', () => {
    const models: Array<[string, string, string]> = [
      ['openai', 'openai', 'gpt-4o'],
      ['openai', 'openai', 'gpt-4o-mini'],
      ['openai', 'openai', 'o3-mini'],
      ['anthropic', 'anthropic', 'claude-sonnet-4-5'],
      ['anthropic', 'anthropic', 'claude-3-5-haiku-latest'],
      ['gemini', 'google', 'gemini-2.5-pro'], // tiered above 200k input tokens
      ['gemini', 'google', 'gemini-1.5-pro'],
      ['vertex_ai', 'google', 'gemini-2.5-flash'],
      ['bedrock', 'aws', 'amazon.nova-pro-v1:0'],
    ];
    let seed = 7;
    const rand = (max: number) => ((seed = (seed * 48271) % 2147483647) % max);
    for (const [provider, providerId, model] of models) {
      for (let i = 0; i < 25; i++) {
        const input = rand(i % 5 === 0 ? 400_000 : 5_000);
        const cached = rand(input + 1);
        const output = rand(4_000);
        const u = { ...usage(input, output, cached), completion_tokens_details: { reasoning_tokens: rand(output + 1) } };
        const expected = calcPrice({ input_tokens: input, output_tokens: output, cache_read_tokens: cached || undefined }, model, { providerId });
        expect(expected, `${model} is in the price database`).not.toBeNull();
        const got = priceUsage(u, { provider, model });
        expect(Math.abs(got! - expected!.total_price), `${model} ${input}/${cached}/${output}`).toBeLessThanOrEqual(1e-12 * Math.max(1, expected!.total_price));
      }
      // the second call of a model comes from its per-token prices: still the same
      expect(priceUsage(usage(1000, 10), { provider, model })).toBeCloseTo(calcPrice({ input_tokens: 1000, output_tokens: 10 }, model, { providerId })!.total_price, 12);
    }
    expect(priceUsage(usage(10, 10), { provider: 'openai', model: 'no-such-model-anywhere' })).toBeNull();
    expect(priceUsage(usage(10, 10), { provider: 'openai', model: 'no-such-model-anywhere' })).toBeNull();
  });

  it('prices from the price database, cache reads cheaper', () => {
    expect(priceUsage(usage(1000, 500), { provider: 'openai', model: 'gpt-4o' })).toBeCloseTo(1000 * 2.5e-6 + 500 * 10e-6, 12);
    expect(priceUsage(usage(1000, 500, 200), { provider: 'openai', model: 'gpt-4o' })).toBeCloseTo(800 * 2.5e-6 + 200 * 1.25e-6 + 500 * 10e-6, 12);
  });
  it('maps provider ids (gemini → google) and applies price tiers', () => {
    const small = priceUsage(usage(1000, 0), { provider: 'gemini', model: 'gemini-2.5-pro' })!;
    const large = priceUsage(usage(300_000, 0), { provider: 'vertex_ai', model: 'gemini-2.5-pro' })!;
    expect(large / 300).toBeGreaterThan(small); // the per-token price above 200k is higher
  });
  it('lets deployment overrides win', () => {
    const pricing = { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6, cacheReadCostPerToken: 0.1e-6 };
    expect(priceUsage(usage(1000, 500, 100), { provider: 'openai', model: 'gpt-4o', pricing })).toBeCloseTo(900e-6 + 100 * 0.1e-6 + 1000e-6, 12);
  });
  it('prices cache writes at the cache-write price: from the price database, a deployment override, else the input price', () => {
    const u = { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 400 } };
    // claude-sonnet-4-5: input $3/M, cache write $3.75/M, cache read $0.30/M, output $15/M
    const claude = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
    expect(priceUsage(u, claude)).toBeCloseTo(500 * 3e-6 + 400 * 3.75e-6 + 100 * 0.3e-6 + 10 * 15e-6, 12);
    expect(priceUsage(u, claude)).toBeCloseTo(calcPrice({ input_tokens: 1000, cache_read_tokens: 100, cache_write_tokens: 400, output_tokens: 10 }, 'claude-sonnet-4-5', { providerId: 'anthropic' })!.total_price, 12);
    const pricing = { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6, cacheReadCostPerToken: 0.1e-6 };
    expect(priceUsage(u, { ...claude, pricing: { ...pricing, cacheWriteCostPerToken: 1.25e-6 } })).toBeCloseTo(500e-6 + 400 * 1.25e-6 + 100 * 0.1e-6 + 20e-6, 12);
    expect(priceUsage(u, { ...claude, pricing })).toBeCloseTo(900e-6 + 100 * 0.1e-6 + 20e-6, 12);
  });
  it('prices a call with only prompt tokens (embeddings): from the price database, and from an input-only override', () => {
    const embed = { prompt_tokens: 1000, total_tokens: 1000 } as Parameters<typeof priceUsage>[0]; // no completion_tokens at all
    expect(priceUsage(embed, { provider: 'openai', model: 'text-embedding-3-small' })).toBeCloseTo(1000 * 0.02e-6, 15);
    expect(priceUsage(usage(1000, 0), { provider: 'openai', model: 'text-embedding-3-large' })).toBeCloseTo(1000 * 0.13e-6, 15);
    // an embedding model's entry names only its input price
    expect(priceUsage(embed, { provider: 'openai', model: 'my-embedder', pricing: { inputCostPerToken: 1e-7 } })).toBeCloseTo(1000 * 1e-7, 15);
    // a call that has output still needs an output price
    expect(priceUsage(usage(1000, 5), { provider: 'openai', model: 'my-embedder', pricing: { inputCostPerToken: 1e-7 } })).toBeNull();
  });
  it('returns null (not 0) for an unknown model', () => {
    expect(priceUsage(usage(10, 10), { provider: 'mock', model: 'echo' })).toBeNull();
  });
});

describe('priceBatchOutput', () => {
  const line = (status: number, prompt: number, completion: number) =>
    JSON.stringify({ id: 'batch_req_1', custom_id: 'x', response: { status_code: status, request_id: 'r', body: { model: 'gpt-4o', usage: usage(prompt, completion) } }, error: null });
  it('counts successful lines only, at the batch discount', () => {
    const file = [line(200, 1000, 500), line(200, 1000, 500), line(500, 1000, 500), JSON.stringify({ custom_id: 'y', response: null, error: { code: 'x', message: 'y' } }), ''].join('\n');
    const r = priceBatchOutput(file, { provider: 'openai', model: 'gpt-4o' });
    expect(r).toMatchObject({ succeeded: 2, skipped: 2, unpriced: 0 });
    expect(r.cost).toBeCloseTo(2 * 0.0075 * 0.5, 12);
  });
  it('uses configured batch prices when present', () => {
    const r = priceBatchOutput(line(200, 1000, 0), { provider: 'openai', model: 'gpt-4o', pricing: { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6, inputCostPerTokenBatches: 0.2e-6, outputCostPerTokenBatches: 0.2e-6 } });
    expect(r.cost).toBeCloseTo(1000 * 0.2e-6, 12);
  });
});

describe('windowStart', () => {
  it('understands named and numeric periods', () => {
    expect(windowStart('total', 1_000_000_000)).toBeUndefined();
    expect(windowStart('daily', 100 * 86_400_000)).toBe(99 * 86_400_000);
    expect(windowStart('weekly', 100 * 86_400_000)).toBe(93 * 86_400_000);
    expect(windowStart('monthly', 100 * 86_400_000)).toBe(70 * 86_400_000);
    expect(windowStart('12h', 86_400_000)).toBe(43_200_000);
  });
});
