import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import { createTestGateway, tempDbFile, startOpenAIEmulator, type OpenAIEmulator, type TestGateway, mockProvider, openaiProvider, sessionTracker, sqliteStore } from '@switchyard/test-kit';
import costTracker, { priceUsage } from '../src/index.js';

// a stand-in for the auth plugin: keys from the bearer token (sessions: the session tracker)
const keysAndSessions = definePlugin({
  name: 'test-keys-sessions',
  apply(g) {
    g.hooks.authenticate.tapPromise('test-keys-sessions', async (r) => ({ keyId: String(r.headers.authorization ?? '').slice(7) }));
  },
});

describe('cost tracker end to end', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  const tracker = costTracker({ budgets: [{ scope: 'key', id: 'sk-poor', maxBudget: 0.000001, period: 'daily' }] });
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ apiKey: 'up' });
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), keysAndSessions, tracker, mockProvider(), openaiProvider()],
      models: [
        { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: 'up' },
        { name: 'cheap', provider: 'mock', model: 'lorem', inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 },
        { name: 'mystery', provider: 'openai', model: 'mystery-model-x', apiBase: emu.baseURL, apiKey: 'up' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it('returns the cost of a call in a header, priced from its usage', async () => {
    const { data, response } = await t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'price me' }] }).withResponse();
    const expected = priceUsage(data.usage!, { provider: 'openai', model: 'gpt-4o' })!;
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(expected, 10);
  });

  it('prices streams from their final usage even when the client did not ask for it', async () => {
    const s = await t.client.chat.completions.create({ model: 'cheap', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }], user: 'end-user-1' });
    for await (const _ of s);
    await t.gateway.flush();
    const logs = (await (await fetch(`${t.origin}/spend/logs?end_user=end-user-1`, { headers: { authorization: 'Bearer sk-test-client' } })).json()) as { data: Array<{ cost: number; output_tokens: number }> };
    expect(logs.data).toHaveLength(1);
    expect(logs.data[0]!.output_tokens).toBe(10);
    expect(logs.data[0]!.cost).toBeGreaterThan(0);
  });

  it('records an unknown price as null and counts it', async () => {
    const before = tracker.stats().unpriced;
    const { response } = await t.client.chat.completions.create({ model: 'mystery', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-switchyard-response-cost')).toBeNull();
    expect(tracker.stats().unpriced).toBe(before + 1);
    expect(tracker.stats().unpricedModels).toContain('openai/mystery-model-x');
  });

  it('totals a session in /spend/report and pages /spend/logs', async () => {
    const client = new OpenAI({ apiKey: 'sk-team', baseURL: t.url, maxRetries: 0 });
    const costs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions
        .create({ model: 'cheap', max_tokens: 5 + i, messages: [{ role: 'user', content: 'x' }], metadata: { litellm_session_id: 'sess-cost' } })
        .withResponse();
      costs.push(Number(response.headers.get('x-switchyard-response-cost')));
    }
    const auth = { headers: { authorization: 'Bearer sk-team' } };
    const report = (await (await fetch(`${t.origin}/spend/report?group_by=session`, auth)).json()) as { data: Array<{ group: string; requests: number; cost: number }>; total: { cost: number } };
    const row = report.data.find((r) => r.group === 'sess-cost')!;
    expect(row.requests).toBe(3);
    expect(row.cost).toBeCloseTo(costs.reduce((a, b) => a + b, 0), 9);
    const page1 = (await (await fetch(`${t.origin}/spend/logs?limit=2`, auth)).json()) as { data: Array<{ id: string }>; has_more: boolean; last_id: string };
    expect(page1.data).toHaveLength(2);
    expect(page1.has_more).toBe(true);
    const page2 = (await (await fetch(`${t.origin}/spend/logs?limit=2&after=${page1.last_id}`, auth)).json()) as { data: Array<{ id: string }>; has_more: boolean };
    expect(page2.data).toHaveLength(1);
    expect(page2.has_more).toBe(false);
    const byDay = (await (await fetch(`${t.origin}/spend/report`, auth)).json()) as { data: Array<{ group: string }> };
    expect(byDay.data[0]!.group).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('refuses a call over budget with 429 budget_exceeded before it reaches the provider', async () => {
    const poor = new OpenAI({ apiKey: 'sk-poor', baseURL: t.url, maxRetries: 0 });
    await poor.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'first' }] });
    await t.gateway.flush();
    const sent = emu.requests.length;
    const err = await poor.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'second' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect(emu.requests.length).toBe(sent);
  });

  it('rejects bad spend queries with a param', async () => {
    const res = await fetch(`${t.origin}/spend/report?group_by=planet`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('group_by');
  });
});
