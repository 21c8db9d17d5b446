/**
 * POST /v1/embeddings on the OpenAI provider against the OpenAI emulator over loopback HTTP,
 * with the official SDK: what the SDK sees and what went over both wires (base64 passed
 * through as the SDK asks, floats when asked, `dimensions`, no gateway-only field upstream),
 * upstream errors in the OpenAI shape with their status, priced from the price database and
 * recorded in the call log, spend and session.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import openaiProvider from '@switchyard/provider-openai';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, emulatedEmbedding, freePort, startOpenAIEmulator, tempDbFile, toBase64Floats, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

describe('embeddings on the OpenAI provider', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    const deployment = { provider: 'openai', apiBase: emu.baseURL, apiKey: emu.apiKey };
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker(), embeddings(), openaiProvider()],
      models: [
        { name: 'small', model: 'text-embedding-3-small', ...deployment },
        { name: 'ada', model: 'text-embedding-ada-002', ...deployment },
        { name: 'gpt', model: 'gpt-4o', ...deployment },
        { name: 'gone', model: 'missing-embedder', ...deployment },
        { name: 'wrong-key', model: 'text-embedding-3-small', ...deployment, apiKey: 'sk-wrong' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const last = () => emu.requests.at(-1)!;

  it('single input: the SDK asks base64, the gateway passes it through, the SDK decodes the floats', async () => {
    const r = await t.client.embeddings.create({ model: 'small', input: 'The quick brown fox' });
    expect(last().path).toBe('/v1/embeddings');
    expect(last().body).toEqual({ model: 'text-embedding-3-small', input: 'The quick brown fox', encoding_format: 'base64' });
    expect(r.model).toBe('small');
    expect(r.data).toHaveLength(1);
    expect(r.data[0]!.embedding).toEqual(emulatedEmbedding('The quick brown fox', 1536));
    expect(r.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it('batched input with dimensions, in order', async () => {
    const input = ['first', 'second text', 'third'];
    const r = await t.client.embeddings.create({ model: 'small', input, dimensions: 256 });
    expect((last().body as { dimensions: number }).dimensions).toBe(256);
    expect(r.data.map((d) => d.index)).toEqual([0, 1, 2]);
    r.data.forEach((d, i) => expect(d.embedding).toEqual(emulatedEmbedding(input[i]!, 256)));
    expect(r.usage.prompt_tokens).toBe(4);
  });

  it('base64 asked explicitly reaches the SDK as base64; float is asked upstream as float', async () => {
    const b = await t.client.embeddings.create({ model: 'small', input: 'bytes', encoding_format: 'base64', dimensions: 16 });
    expect(b.data[0]!.embedding as unknown).toBe(toBase64Floats(emulatedEmbedding('bytes', 16)));
    const f = await t.client.embeddings.create({ model: 'small', input: 'bytes', encoding_format: 'float', dimensions: 16 });
    expect((last().body as { encoding_format: string }).encoding_format).toBe('float');
    expect(f.data[0]!.embedding).toEqual(emulatedEmbedding('bytes', 16));
  });

  it('the raw wire: the OpenAI body, both path forms, gateway-only fields never sent upstream', async () => {
    for (const path of ['/v1/embeddings', '/embeddings']) {
      const res = await fetch(`${t.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'small', input: [[10, 20], [30]], encoding_format: 'float', dimensions: 3, metadata: { team: 'a' }, session_id: 's-1', timeout: 30 }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-deployment')).toBe('small#0');
      expect(await res.json()).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: emulatedEmbedding([10, 20], 3) },
          { object: 'embedding', index: 1, embedding: emulatedEmbedding([30], 3) },
        ],
        model: 'small',
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
      expect(last().body).toEqual({ model: 'text-embedding-3-small', input: [[10, 20], [30]], encoding_format: 'float', dimensions: 3 });
    }
  });

  it('upstream errors keep their status, message, param and code', async () => {
    const dims = (await t.client.embeddings.create({ model: 'ada', input: 'x', dimensions: 8 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(dims).toBeInstanceOf(OpenAI.BadRequestError);
    expect(dims).toMatchObject({ status: 400, param: 'dimensions', message: '400 This model does not support specifying dimensions.' });
    const chat = (await t.client.embeddings.create({ model: 'gpt', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(chat).toMatchObject({ status: 400, message: '400 You are not allowed to generate embeddings from this model' });
    const gone = (await t.client.embeddings.create({ model: 'gone', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(gone).toMatchObject({ status: 404, code: 'model_not_found' });
    const auth = (await t.client.embeddings.create({ model: 'wrong-key', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(auth.code).toBe('invalid_api_key');
    expect(auth.message).not.toContain('sk-wrong');
    emu.fault({ status: 429, headers: { 'retry-after': '9' }, body: { error: { message: 'Rate limit reached for text-embedding-3-small', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const limited = (await t.client.embeddings.create({ model: 'small', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('9');
    expect(limited.code).toBe('rate_limit_exceeded');
  });

  it('an upstream that answers fewer vectors than inputs is a 502, not a short answer', async () => {
    emu.fault({ raw: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'm', usage: { prompt_tokens: 2, total_tokens: 2 } }) } });
    const err = (await t.client.embeddings.create({ model: 'small', input: ['a', 'b'] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toContain('answered 1 embeddings for 2 inputs');
  });

  it('is priced from the price database and recorded with its session, cost and upstream request id', async () => {
    const session = `oai-emb-${Date.now()}`;
    const { data, response } = await t.client.embeddings.create({ model: 'small', input: ['alpha beta', 'gamma'] }, { headers: { 'x-session-id': session } }).withResponse();
    expect(data.usage.prompt_tokens).toBe(3);
    // text-embedding-3-small: $0.02 per million tokens
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(3 * 0.02e-6, 14);
    await t.gateway.flush();
    const s = (await (await fetch(`${t.origin}/v1/sessions/${session}`)).json()) as { cost: number; calls: Array<Record<string, unknown>> };
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ operation: 'embeddings', model: 'small', provider: 'openai', upstream_model: 'text-embedding-3-small', status: 200, outcome: 'ok' });
    expect(s.cost).toBeCloseTo(3 * 0.02e-6, 14);
    const logs = (await (await fetch(`${t.origin}/spend/logs?session=${session}`)).json()) as { data: Array<Record<string, unknown>> };
    expect(logs.data[0]).toMatchObject({ endpoint: '/v1/embeddings', provider: 'openai', input_tokens: 3, output_tokens: 0 });
  });
});

describe('embeddings on the attempt loop', () => {
  it('a deployment that refuses connections falls back to the model group configured, as chat does', async () => {
    const emu = await startOpenAIEmulator();
    const closed = await freePort();
    const t = await createTestGateway({
      plugins: [embeddings(), openaiProvider()],
      models: [
        { name: 'broken', provider: 'openai', model: 'text-embedding-3-small', apiBase: `http://127.0.0.1:${closed}/v1`, apiKey: emu.apiKey },
        { name: 'small', provider: 'openai', model: 'text-embedding-3-small', apiBase: emu.baseURL, apiKey: emu.apiKey },
      ],
      router: { fallbacks: { broken: ['small'] } },
    });
    try {
      const { data, response } = await t.client.embeddings.create({ model: 'broken', input: 'still served', dimensions: 4 }).withResponse();
      expect(data.model).toBe('broken');
      expect(data.data[0]!.embedding).toEqual(emulatedEmbedding('still served', 4));
      expect(response.headers.get('x-switchyard-deployment')).toBe('small#1');
      expect(response.headers.get('x-switchyard-attempts')).toBe('2');
      expect(response.headers.get('x-switchyard-fallbacks')).toBe('1');
    } finally {
      await t.close();
      await emu.close();
    }
  });
});

