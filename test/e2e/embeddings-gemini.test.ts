/**
 * POST /v1/embeddings on Google AI Studio (`batchEmbedContents`) and Vertex AI (`predict`,
 * `embedContent`) against the Gemini emulator over loopback, with the official SDK: the
 * Gemini bodies on the wire (`dimensions` → `outputDimensionality`, batches split at the API's
 * limits), usage from the API where it reports it and Google's 4-characters-a-token estimate
 * where it does not, base64 made by the gateway, Google errors mapped as chat's are.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import geminiProvider from '@switchyard/provider-gemini';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, emulatedEmbedding, startGeminiEmulator, tempDbFile, toBase64Floats, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';

describe('embeddings on Gemini and Vertex AI', () => {
  let emu: GeminiEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startGeminiEmulator();
    const vertex = { provider: 'vertex_ai', apiBase: emu.origin, project: 'proj-1', location: 'us-central1', accessToken: 'ya29.emulator' };
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), costTracker(), embeddings(), geminiProvider({ apiBase: emu.origin, apiKey: emu.apiKey })],
      models: [
        { name: 'studio', provider: 'gemini', model: 'gemini-embedding-001' },
        { name: 'studio-bad-key', provider: 'gemini', model: 'gemini-embedding-001', apiKey: 'nope' },
        { name: 'studio-chat', provider: 'gemini', model: 'gemini-2.5-flash' },
        { name: 'vtext', model: 'text-embedding-005', ...vertex },
        { name: 'vgemini', model: 'gemini-embedding-001', ...vertex },
        { name: 'vnew', model: 'gemini-embedding-2-preview', ...vertex },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const since = (n: number) => emu.requests.slice(n);

  it('AI Studio: one batchEmbedContents call, outputDimensionality, usage estimated at 4 characters a token', async () => {
    const before = emu.requests.length;
    const input = ['twelve chars', 'abc'];
    const r = await t.client.embeddings.create({ model: 'studio', input, dimensions: 64 });
    const sent = since(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent[0]!.headers['x-goog-api-key']).toBe(emu.apiKey);
    expect(sent[0]!.body).toEqual({
      requests: input.map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, outputDimensionality: 64 })),
    });
    expect(r.model).toBe('studio');
    expect(r.data.map((d) => d.embedding)).toEqual(input.map((s) => emulatedEmbedding(s, 64)));
    expect(r.usage).toEqual({ prompt_tokens: 3 + 1, total_tokens: 4 }); // ceil(12/4) + ceil(3/4)
  });

  it('AI Studio: more than 100 inputs are split into batches of 100, answered in order', async () => {
    const before = emu.requests.length;
    const input = Array.from({ length: 230 }, (_, i) => `text ${i}`);
    const r = await t.client.embeddings.create({ model: 'studio', input, dimensions: 2, encoding_format: 'float' });
    const sent = since(before);
    expect(sent.map((s) => (s.body as { requests: unknown[] }).requests.length).sort((a, b) => b - a)).toEqual([100, 100, 30]);
    expect(r.data).toHaveLength(230);
    expect(r.data[229]!.embedding).toEqual(emulatedEmbedding('text 229', 2));
    expect(r.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
  });

  it('base64 is made by the gateway (Gemini answers floats)', async () => {
    const r = await t.client.embeddings.create({ model: 'studio', input: 'pack', dimensions: 8, encoding_format: 'base64' });
    expect(r.data[0]!.embedding as unknown).toBe(toBase64Floats(emulatedEmbedding('pack', 8)));
  });

  it('Vertex text-embedding models: one predict call for the batch, token counts from statistics', async () => {
    const before = emu.requests.length;
    const r = await t.client.embeddings.create({ model: 'vtext', input: ['alpha beta', 'gamma'], dimensions: 16 });
    const sent = since(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/v1/projects/proj-1/locations/us-central1/publishers/google/models/text-embedding-005:predict');
    expect(sent[0]!.headers.authorization).toBe('Bearer ya29.emulator');
    expect(sent[0]!.body).toEqual({ instances: [{ content: 'alpha beta' }, { content: 'gamma' }], parameters: { outputDimensionality: 16 } });
    expect(r.data[1]!.embedding).toEqual(emulatedEmbedding('gamma', 16));
    expect(r.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('Vertex gemini-embedding-001: predict with one instance per call (Vertex allows no more)', async () => {
    const before = emu.requests.length;
    const r = await t.client.embeddings.create({ model: 'vgemini', input: ['one', 'two', 'three'] });
    const sent = since(before);
    expect(sent).toHaveLength(3);
    for (const s of sent) expect((s.body as { instances: unknown[] }).instances).toHaveLength(1);
    expect(r.data.map((d) => d.embedding)).toEqual(['one', 'two', 'three'].map((s) => emulatedEmbedding(s, 3072)));
    expect(r.usage.prompt_tokens).toBe(3);
  });

  it('Vertex newer Gemini embedding models: embedContent per input, usage from usageMetadata, task_type mapped', async () => {
    const before = emu.requests.length;
    const res = await fetch(`${t.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'vnew', input: ['first one', 'second'], dimensions: 32, encoding_format: 'float', task_type: 'RETRIEVAL_DOCUMENT' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ embedding: number[] }>; usage: unknown };
    const sent = since(before);
    expect(sent.map((s) => s.path)).toEqual(Array(2).fill('/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-embedding-2-preview:embedContent'));
    expect(sent[0]!.body).toEqual({ content: { role: 'user', parts: [{ text: 'first one' }] }, embedContentConfig: { outputDimensionality: 32, taskType: 'RETRIEVAL_DOCUMENT' } });
    expect(body.data[0]!.embedding).toEqual(emulatedEmbedding('first one', 32));
    expect(body.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('token-id input is a 400 on Gemini (it embeds text); Google errors map as chat errors do', async () => {
    const ids = (await t.client.embeddings.create({ model: 'studio', input: [1, 2, 3] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(ids).toMatchObject({ status: 400, param: 'input' });
    const key = (await t.client.embeddings.create({ model: 'studio-bad-key', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(key).toBeInstanceOf(OpenAI.AuthenticationError); // Google's 400 API_KEY_INVALID, as for chat
    const chat = (await t.client.embeddings.create({ model: 'studio-chat', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(chat).toMatchObject({ status: 404, code: 'not_found' });
    expect(chat.message).toContain('is not supported for batchEmbedContents');
    const dims = (await t.client.embeddings.create({ model: 'vtext', input: 'x', dimensions: 5000 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(dims).toMatchObject({ status: 400, code: 'invalid_argument' });
    emu.fault({ status: 429, headers: { 'retry-after': '3' } });
    const limited = (await t.client.embeddings.create({ model: 'studio', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('3');
  });

  it('is priced from the price database (gemini-embedding-001)', async () => {
    const { data, response } = await t.client.embeddings.create({ model: 'vgemini', input: 'priced text here' }).withResponse();
    expect(data.usage.prompt_tokens).toBe(3);
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(3 * 0.15e-6, 14);
  });
});
