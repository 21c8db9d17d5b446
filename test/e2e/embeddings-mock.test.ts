/**
 * POST /v1/embeddings on the mock provider, through the official SDK and on the raw wire:
 * the OpenAI answer shape, floats and base64, `dimensions`, both path forms, validation
 * errors in the OpenAI shape, a model whose provider has no embeddings, priced and recorded
 * in the call log, spend and sessions like any call.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import anthropicProvider from '@switchyard/provider-anthropic';
import mockProvider, { mockVector } from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

// a provider with chat only: its models have no embeddings
const chatOnly = definePlugin({
  name: 'test-chat-only',
  apply: (g) =>
    g.providers.register({
      id: 'chatonly',
      chat: async () => {
        throw new Error('not called');
      },
    }),
});

const f32 = (values: number[]) => values.map((v) => Math.fround(v));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('embeddings on the mock provider', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker(), embeddings(), mockProvider(), anthropicProvider(), chatOnly],
      models: [
        { name: 'embedder', provider: 'mock', model: 'embed', inputCostPerToken: 1e-6 },
        { name: 'chatty', provider: 'chatonly', model: 'x' },
        { name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-unused', apiBase: 'http://127.0.0.1:9' },
      ],
      storePrompts: true,
    });
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers one input as OpenAI does (SDK default: base64 on the wire, floats to the caller)', async () => {
    const r = await t.client.embeddings.create({ model: 'mock/embed', input: 'hello world' });
    expect(r.object).toBe('list');
    expect(r.model).toBe('mock/embed');
    expect(r.data).toHaveLength(1);
    expect(r.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(r.data[0]!.embedding).toHaveLength(1536);
    expect(r.data[0]!.embedding).toEqual(mockVector('hello world'));
    expect(norm(r.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect(r.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('answers a batch in input order, the same text the same vector, and honours dimensions', async () => {
    const r = await t.client.embeddings.create({ model: 'mock/embed', input: ['alpha', 'beta gamma', 'alpha'], dimensions: 64, encoding_format: 'float' });
    expect(r.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const d of r.data) expect(d.embedding).toHaveLength(64);
    expect(r.data[0]!.embedding).toEqual(r.data[2]!.embedding);
    expect(r.data[0]!.embedding).not.toEqual(r.data[1]!.embedding);
    expect(r.data[1]!.embedding).toEqual(mockVector('beta gamma', 64));
    expect(r.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it('sends base64 of little-endian float32 when asked: the SDK hands it over as is, and it decodes to the float answer', async () => {
    const b = await t.client.embeddings.create({ model: 'mock/embed', input: 'pack me', encoding_format: 'base64', dimensions: 8 });
    const text = b.data[0]!.embedding as unknown as string;
    expect(typeof text).toBe('string');
    const bytes = Buffer.from(text, 'base64');
    expect(bytes.length).toBe(8 * 4);
    const decoded = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
    const floats = await t.client.embeddings.create({ model: 'mock/embed', input: 'pack me', encoding_format: 'float', dimensions: 8 });
    expect(decoded).toEqual(f32(floats.data[0]!.embedding));
  });

  it('serves token-id inputs and both path forms, with the raw OpenAI body on the wire', async () => {
    for (const path of ['/v1/embeddings', '/embeddings']) {
      const res = await post(path, { model: 'mock/embed', input: [[1, 2, 3], [4, 5]], encoding_format: 'float', dimensions: 4 });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-deployment')).toBe('mock/embed');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['data', 'model', 'object', 'usage']);
      expect(body).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: mockVector([1, 2, 3], 4) },
          { object: 'embedding', index: 1, embedding: mockVector([4, 5], 4) },
        ],
        model: 'mock/embed',
        usage: { prompt_tokens: 5, total_tokens: 5 },
      });
    }
  });

  it('takes null optional fields as not given (the answer is floats, full size)', async () => {
    const res = await post('/embeddings', { model: 'mock/embed', input: 'x', encoding_format: null, dimensions: null, user: null });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ embedding: number[] }> };
    expect(body.data[0]!.embedding).toEqual(mockVector('x'));
  });

  it.each([
    [{ model: 'mock/embed' }, 'input', 'missing_required_parameter'],
    [{ model: 'mock/embed', input: '' }, 'input', 'invalid_value'],
    [{ model: 'mock/embed', input: [] }, 'input', 'invalid_value'],
    [{ model: 'mock/embed', input: ['a', ''] }, 'input[1]', 'invalid_value'],
    [{ model: 'mock/embed', input: ['a', 3] }, 'input[1]', 'invalid_value'],
    [{ model: 'mock/embed', input: [[1, 2], [-1]] }, 'input[1][0]', 'invalid_value'],
    [{ model: 'mock/embed', input: [1.5] }, 'input[0]', 'invalid_value'],
    [{ model: 'mock/embed', input: { text: 'x' } }, 'input', 'invalid_type'],
    [{ model: 'mock/embed', input: Array.from({ length: 2049 }, () => 'x') }, 'input', 'invalid_value'],
    [{ model: 'mock/embed', input: 'x', encoding_format: 'int8' }, 'encoding_format', 'invalid_value'],
    [{ model: 'mock/embed', input: 'x', dimensions: 0 }, 'dimensions', 'invalid_value'],
    [{ model: 'mock/embed', input: 'x', dimensions: 2.5 }, 'dimensions', 'invalid_type'],
    [{ model: 'mock/embed', input: 'x', user: 7 }, 'user', 'invalid_type'],
    [{ model: 'mock/embed', input: 'x', stream: true }, 'stream', 'invalid_value'],
    [{ input: 'x' }, 'model', 'missing_required_parameter'],
  ])('%j is a 400 with param %s', async (body, param, code) => {
    const res = await post('/v1/embeddings', body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(typeof error.message).toBe('string');
  });

  it('refuses more than 300,000 tokens summed across inputs, counted exactly (token ids) or with the tokenizer (text)', async () => {
    const ids = await post('/v1/embeddings', { model: 'mock/embed', input: Array.from({ length: 40 }, () => Array.from({ length: 8000 }, (_, i) => i)) });
    expect(ids.status).toBe(400);
    expect(((await ids.json()) as { error: unknown }).error).toEqual({
      message: 'Requested 320000 tokens, max 300000 tokens per request',
      type: 'max_tokens_per_request',
      param: 'input',
      code: 'max_tokens_per_request',
    });
    // 2,000 texts of 160 one-token words: 320,000 tokens in 640 kB
    const text = Array.from({ length: 2000 }, () => ' dog'.repeat(160));
    const big = await post('/v1/embeddings', { model: 'mock/embed', input: text });
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: { message: string } }).error.message).toBe('Requested 320000 tokens, max 300000 tokens per request');
    // under the bound in tokens although over it in bytes: served
    const ok = await post('/v1/embeddings', { model: 'mock/embed', input: Array.from({ length: 100 }, () => ' dog'.repeat(1000)), dimensions: 2, encoding_format: 'float' });
    expect(ok.status).toBe(200);
  });

  it('a model whose provider has no embeddings is a 400 naming the model; an unknown model a 404', async () => {
    const err = (await t.client.embeddings.create({ model: 'chatty', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('`chatty`');
    expect(err).toMatchObject({ status: 400, code: 'model_not_supported', param: 'model' });
    // Anthropic has no embeddings API: refused before any upstream call (its apiBase listens nowhere)
    const claude = (await t.client.embeddings.create({ model: 'claude', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(claude).toMatchObject({ status: 400, code: 'model_not_supported', param: 'model', message: '400 The model `claude` does not support /v1/embeddings.' });
    const missing = (await t.client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
    // a mock chat model: the mock says so, in the OpenAI shape
    const chat = (await t.client.embeddings.create({ model: 'mock/echo', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(chat).toMatchObject({ status: 400, code: 'model_not_supported', param: 'model' });
    // and an upstream error keeps its status
    const limited = (await t.client.embeddings.create({ model: 'mock/error-429', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('is priced, recorded in the call log and the session, and counted in spend, like any call', async () => {
    const session = `emb-${Date.now()}`;
    const { data, response } = await t.client.embeddings
      .create({ model: 'embedder', input: ['one two three', 'four'], user: 'end-user-1' }, { headers: { 'x-session-id': session } })
      .withResponse();
    expect(data.model).toBe('embedder');
    expect(data.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(4e-6, 12);
    await t.gateway.flush();
    const s = (await (await fetch(`${t.origin}/v1/sessions/${session}`)).json()) as { call_count: number; cost: number; calls: Array<Record<string, unknown>> };
    expect(s.call_count).toBe(1);
    expect(s.cost).toBeCloseTo(4e-6, 12);
    expect(s.calls[0]).toMatchObject({ operation: 'embeddings', endpoint: '/v1/embeddings', model: 'embedder', provider: 'mock', upstream_model: 'embed', status: 200, outcome: 'ok', end_user: 'end-user-1' });
    expect(s.calls[0]!.usage).toMatchObject({ input_tokens: 4, output_tokens: 0 });
    expect(s.calls[0]!.cost).toBeCloseTo(4e-6, 12);
    expect((s.calls[0]!.request as { input: string[] }).input).toEqual(['one two three', 'four']);
    // the call log keeps the answer without its vectors (each one's length instead); the client got them all
    expect(s.calls[0]!.response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, dimensions: 1536 },
        { object: 'embedding', index: 1, dimensions: 1536 },
      ],
      model: 'embedder',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(data.data[1]!.embedding).toEqual(mockVector('four'));
    const logs = (await (await fetch(`${t.origin}/spend/logs?session=${session}`)).json()) as { data: Array<Record<string, unknown>> };
    expect(logs.data).toHaveLength(1);
    expect(logs.data[0]).toMatchObject({ endpoint: '/v1/embeddings', model: 'embedder', input_tokens: 4, output_tokens: 0 });
    expect(logs.data[0]!.cost).toBeCloseTo(4e-6, 12);
  });

  it('a failed call is recorded as failed', async () => {
    const session = `emb-fail-${Date.now()}`;
    await t.client.embeddings.create({ model: 'mock/error-500', input: 'x' }, { headers: { 'x-session-id': session } }).catch(() => undefined);
    await t.gateway.flush();
    const s = (await (await fetch(`${t.origin}/v1/sessions/${session}`)).json()) as { calls: Array<Record<string, unknown>> };
    expect(s.calls[0]).toMatchObject({ operation: 'embeddings', status: 500, outcome: 'error' });
  });

  it('runs in-process by operation name (gateway.call)', async () => {
    const out = (await t.gateway.call({ operation: 'embeddings', body: { model: 'mock/embed', input: 'in process', dimensions: 3 } })) as unknown as {
      type: string;
      body: { data: Array<{ embedding: number[] }> };
    };
    expect(out.type).toBe('completion');
    expect(out.body.data[0]!.embedding).toEqual(mockVector('in process', 3));
  });
});
