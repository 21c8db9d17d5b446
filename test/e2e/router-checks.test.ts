/**
 * Deployment checks on the router: a Responses chain stays on the deployment that holds its
 * state (two Azure emulators as deployments of one model), a session sticks to its
 * deployment, an oversized prompt skips the small-window deployment, full deployments are
 * skipped, and native Responses calls go through preCall (a budget refusal stops them).
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import deploymentChecks from '@switchyard/deployment-checks';
import azureProvider from '@switchyard/provider-azure';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startAzureEmulator, startOpenAIEmulator, tempDbFile, type OpenAIEmulator } from '@switchyard/test-kit';

describe('responses-affinity over two Azure deployments of one model', () => {
  let east: Awaited<ReturnType<typeof startAzureEmulator>>;
  let west: Awaited<ReturnType<typeof startAzureEmulator>>;
  beforeAll(async () => {
    [east, west] = await Promise.all([startAzureEmulator(), startAzureEmulator()]);
  });
  afterAll(() => Promise.all([east.close(), west.close()]));

  const gatewayWith = (checks: boolean) =>
    createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), azureProvider(), ...(checks ? [deploymentChecks({ checks: ['responses-affinity'] })] : [])],
      models: [
        { name: 'gpt-4o', id: 'east', provider: 'azure', model: 'gpt-4o', apiBase: east.origin, apiKey: east.apiKey, apiVersion: 'v1' },
        { name: 'gpt-4o', id: 'west', provider: 'azure', model: 'gpt-4o', apiBase: west.origin, apiKey: west.apiKey, apiVersion: 'v1' },
      ],
    });

  it('10 follow-ups with previous_response_id all land on the first call deployment, passing the upstream id; calls without it spread', async () => {
    const t = await gatewayWith(true);
    const first = await t.client.responses.create({ model: 'gpt-4o', input: 'turn one' }).withResponse();
    const home = first.response.headers.get('x-switchyard-deployment')!;
    let previous = first.data.id;
    for (let i = 0; i < 10; i++) {
      const next = await t.client.responses.create({ model: 'gpt-4o', input: `follow-up ${i}`, previous_response_id: previous }).withResponse();
      expect(next.response.headers.get('x-switchyard-deployment')).toBe(home);
      expect(next.data.output_text).toBe(`echo: follow-up ${i} (turn ${i + 2})`); // the upstream kept the chain
      previous = next.data.id;
    }
    const upstream = home === 'east' ? east : west;
    expect(upstream.requests.filter((r) => r.path.includes('/responses') && (r.body as { previous_response_id?: string }).previous_response_id).length).toBe(10);
    const spread = new Set<string>();
    for (let i = 0; i < 20; i++) spread.add((await t.client.responses.create({ model: 'gpt-4o', input: 'fresh' }).withResponse()).response.headers.get('x-switchyard-deployment')!);
    expect(spread).toEqual(new Set(['east', 'west']));
    await t.close();
  });

  it('without the check, follow-ups spread, and a chain that moved deployments is sent as history (never loses its state)', async () => {
    const t = await gatewayWith(false);
    let previous = (await t.client.responses.create({ model: 'gpt-4o', input: 'one' })).id;
    const homes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const next = await t.client.responses.create({ model: 'gpt-4o', input: `f${i}`, previous_response_id: previous }).withResponse();
      homes.add(next.response.headers.get('x-switchyard-deployment')!);
      previous = next.data.id;
    }
    expect(homes.size).toBe(2);
    const chain = await t.client.responses.inputItems.list(previous);
    expect(chain.data.length).toBeGreaterThan(0);
    await t.close();
  });
});

describe('session-affinity, context-window and rate-limits', () => {
  let small: OpenAIEmulator;
  let large: OpenAIEmulator;
  beforeAll(async () => {
    [small, large] = await Promise.all([startOpenAIEmulator(), startOpenAIEmulator()]);
  });
  afterAll(() => Promise.all([small.close(), large.close()]));

  it('calls of one session stick to one deployment; other sessions still spread', async () => {
    const t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), openaiProvider(), deploymentChecks({ checks: ['session-affinity'] })],
      models: [
        { name: 'gpt', id: 's', provider: 'openai', model: 'gpt-4o', apiBase: small.baseURL, apiKey: small.apiKey },
        { name: 'gpt', id: 'l', provider: 'openai', model: 'gpt-4o', apiBase: large.baseURL, apiKey: large.apiKey },
      ],
    });
    const homes = new Map<string, Set<string>>();
    for (let s = 0; s < 8; s++) {
      for (let i = 0; i < 5; i++) {
        const { response } = await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-session-id': `sess-${s}` } }).withResponse();
        if (!homes.has(`sess-${s}`)) homes.set(`sess-${s}`, new Set());
        homes.get(`sess-${s}`)!.add(response.headers.get('x-switchyard-deployment')!);
      }
    }
    for (const served of homes.values()) expect(served.size).toBe(1);
    expect(new Set([...homes.values()].map((s) => [...s][0]))).toEqual(new Set(['s', 'l'])); // 8 sessions: both used
    await t.close();
  });

  it('an oversized prompt skips the deployment whose context window is too small', async () => {
    const t = await createTestGateway({
      plugins: [openaiProvider(), deploymentChecks({ checks: ['context-window'] })],
      models: [
        { name: 'gpt', id: 'small', provider: 'openai', model: 'gpt-4o', apiBase: small.baseURL, apiKey: small.apiKey, maxInputTokens: 100 },
        { name: 'gpt', id: 'large', provider: 'openai', model: 'gpt-4o', apiBase: large.baseURL, apiKey: large.apiKey, maxInputTokens: 100_000 },
      ],
    });
    const long = 'lorem ipsum dolor sit amet '.repeat(100); // ~500 tokens
    for (let i = 0; i < 10; i++) {
      const { response } = await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: long }] }).withResponse();
      expect(response.headers.get('x-switchyard-deployment')).toBe('large');
    }
    const short = new Set<string>();
    for (let i = 0; i < 20; i++) short.add((await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers.get('x-switchyard-deployment')!);
    expect(short).toEqual(new Set(['small', 'large']));
    await t.close();
  });

  it('rate-limits skips a deployment at its rpm; when all are full the call is a 503 (or goes to a fallback)', async () => {
    const t = await createTestGateway({
      plugins: [openaiProvider(), deploymentChecks({ checks: ['rate-limits'] })],
      models: [
        { name: 'gpt', id: 'three', provider: 'openai', model: 'gpt-4o', apiBase: small.baseURL, apiKey: small.apiKey, rpm: 3 },
        { name: 'gpt', id: 'two', provider: 'openai', model: 'gpt-4o', apiBase: large.baseURL, apiKey: large.apiKey, rpm: 2 },
        { name: 'spare', id: 'spare', provider: 'openai', model: 'gpt-4o', apiBase: large.baseURL, apiKey: large.apiKey },
      ],
      router: { fallbacks: { gpt: ['spare'] } },
    });
    const served: string[] = [];
    for (let i = 0; i < 7; i++) served.push((await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] }).withResponse()).response.headers.get('x-switchyard-deployment')!);
    expect(served.filter((d) => d === 'three')).toHaveLength(3);
    expect(served.filter((d) => d === 'two')).toHaveLength(2);
    expect(served.slice(5)).toEqual(['spare', 'spare']);
    await t.close();
  });
});

describe('native Responses calls on the runner', () => {
  it('run preCall like chat calls: a budget refusal stops them before the upstream', async () => {
    const emu = await startOpenAIEmulator();
    const t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), openaiProvider(), costTracker({ budgets: [{ scope: 'global', maxBudget: 0.000001, period: 'total' }] })],
      models: [{ name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey, inputCostPerToken: 0.001, outputCostPerToken: 0.001 }],
    });
    await t.client.responses.create({ model: 'native', input: 'spend it all' }); // priced, now over budget
    const before = emu.requests.length;
    const err = (await t.client.responses.create({ model: 'native', input: 'one more' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.code).toBe('budget_exceeded');
    expect(emu.requests.length).toBe(before);
    await t.close();
    await emu.close();
  });
});
