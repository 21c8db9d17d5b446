/**
 * POST /v1/embeddings on Bedrock (InvokeModel, SigV4-signed) against the Bedrock emulator
 * over loopback, with the official SDK: Titan Text Embeddings v2 one call per input with
 * `dimensions`, Cohere Embed one call per 96 texts with `input_type`, usage from Titan's
 * `inputTextTokenCount` or Bedrock's token-count header, Bedrock errors mapped as chat's are.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import bedrockProvider from '@switchyard/provider-bedrock';
import sqliteStore from '@switchyard/store-sqlite';
import { bedrockErrorFault, createTestGateway, emulatedEmbedding, startBedrockEmulator, tempDbFile, type BedrockEmulator, type TestGateway } from '@switchyard/test-kit';

describe('embeddings on Bedrock', () => {
  let emu: BedrockEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startBedrockEmulator();
    t = await createTestGateway({
      plugins: [
        sqliteStore({ file: tempDbFile() }),
        costTracker(),
        embeddings(),
        bedrockProvider({ apiBase: emu.origin, region: emu.region, accessKeyId: emu.credentials.accessKeyId, secretAccessKey: emu.credentials.secretAccessKey }),
      ],
      models: [
        { name: 'titan', provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0' },
        { name: 'titan-v1', provider: 'bedrock', model: 'amazon.titan-embed-text-v1' },
        { name: 'cohere', provider: 'bedrock', model: 'cohere.embed-english-v3' },
        { name: 'cohere-v4', provider: 'bedrock', model: 'cohere.embed-v4:0' },
        { name: 'claude', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
        { name: 'bad-secret', provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', accessKeyId: emu.credentials.accessKeyId, secretAccessKey: 'wrong' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const since = (n: number) => emu.requests.slice(n);

  it('Titan v2: one signed InvokeModel call per input, dimensions and normalize, token counts from the answer', async () => {
    const before = emu.requests.length;
    const r = await t.client.embeddings.create({ model: 'titan', input: ['first text', 'second'], dimensions: 256 });
    const sent = since(before);
    expect(sent.map((s) => s.path)).toEqual(Array(2).fill('/model/amazon.titan-embed-text-v2%3A0/invoke'));
    expect(sent.map((s) => s.body)).toEqual([
      { inputText: 'first text', dimensions: 256, normalize: true },
      { inputText: 'second', dimensions: 256, normalize: true },
    ]);
    expect(sent[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR000001\//);
    expect(r.model).toBe('titan');
    expect(r.data.map((d) => d.embedding)).toEqual([emulatedEmbedding('first text', 256), emulatedEmbedding('second', 256)]);
    expect(r.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('Cohere Embed: one call for the batch (96 texts a call), input_type search_document by default or as given, usage from the header', async () => {
    const before = emu.requests.length;
    const input = Array.from({ length: 100 }, (_, i) => `doc ${i}`);
    const r = await t.client.embeddings.create({ model: 'cohere', input, encoding_format: 'float' });
    const sent = since(before);
    expect(sent.map((s) => (s.body as { texts: string[] }).texts.length).sort((a, b) => b - a)).toEqual([96, 4]);
    expect((sent[0]!.body as { input_type: string }).input_type).toBe('search_document');
    expect(r.data).toHaveLength(100);
    expect(r.data[99]!.embedding).toEqual(emulatedEmbedding('doc 99', 1024));
    expect(r.usage.prompt_tokens).toBe(200);
    const res = await fetch(`${t.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cohere', input: 'a query', input_type: 'search_query', encoding_format: 'float' }),
    });
    expect(res.status).toBe(200);
    expect(emu.requests.at(-1)!.body).toEqual({ texts: ['a query'], input_type: 'search_query' });
  });

  it('Cohere Embed v4 takes dimensions as output_dimension', async () => {
    const r = await t.client.embeddings.create({ model: 'cohere-v4', input: 'short', dimensions: 512 });
    expect(emu.requests.at(-1)!.body).toEqual({ texts: ['short'], input_type: 'search_document', output_dimension: 512 });
    expect(r.data[0]!.embedding).toEqual(emulatedEmbedding('short', 512));
  });

  it('what a model cannot take is a 400 before any call; Bedrock errors map as chat errors do', async () => {
    const before = emu.requests.length;
    const v1 = (await t.client.embeddings.create({ model: 'titan-v1', input: 'x', dimensions: 256 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(v1).toMatchObject({ status: 400, param: 'dimensions' });
    const v3 = (await t.client.embeddings.create({ model: 'cohere', input: 'x', dimensions: 256 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(v3).toMatchObject({ status: 400, param: 'dimensions' });
    const chat = (await t.client.embeddings.create({ model: 'claude', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(chat).toMatchObject({ status: 400, param: 'model' });
    expect(chat.message).toContain('anthropic.claude-3-5-sonnet-20240620-v1:0');
    const ids = (await t.client.embeddings.create({ model: 'titan', input: [1, 2] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(ids).toMatchObject({ status: 400, param: 'input' });
    expect(emu.requests.length).toBe(before);
    // the upstream's own validation, and a throttle with its status
    const dims = (await t.client.embeddings.create({ model: 'titan', input: 'x', dimensions: 300 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(dims).toMatchObject({ status: 400, code: 'ValidationException' });
    expect(dims.message).toContain('#/dimensions: 300 is not a valid enum value');
    const sig = (await t.client.embeddings.create({ model: 'bad-secret', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(sig).toMatchObject({ status: 401, code: 'InvalidSignatureException' });
    emu.fault({ status: 429, ...bedrockErrorFault('ThrottlingException', 'Too many requests, please wait before trying again.') });
    const limited = (await t.client.embeddings.create({ model: 'titan', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.code).toBe('ThrottlingException');
  });

  it('is priced from the price database (Titan embeddings) and recorded', async () => {
    const { response } = await t.client.embeddings.create({ model: 'titan', input: 'one two three four' }).withResponse();
    const cost = Number(response.headers.get('x-switchyard-response-cost'));
    expect(cost).toBeGreaterThan(0);
    await t.gateway.flush();
    const logs = (await (await fetch(`${t.origin}/spend/logs?limit=1`)).json()) as { data: Array<Record<string, unknown>> };
    expect(logs.data[0]).toMatchObject({ endpoint: '/v1/embeddings', provider: 'bedrock', model: 'titan', input_tokens: 4, output_tokens: 0 });
    expect(logs.data[0]!.cost).toBeCloseTo(cost, 9);
  });
});
