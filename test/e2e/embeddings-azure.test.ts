/**
 * POST /v1/embeddings on Azure OpenAI (deployment URLs with api-version, the v1 surface) and
 * Azure AI Foundry (`/models/embeddings`), against the Azure emulator over loopback, with the
 * official SDK: URLs, auth and bodies on the wire, answers as OpenAI's, Azure errors mapped as
 * chat's are, priced like any call.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import azureProvider from '@switchyard/provider-azure';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, emulatedEmbedding, startAzureEmulator, tempDbFile, type AzureEmulator, type TestGateway } from '@switchyard/test-kit';

describe('embeddings on Azure', () => {
  let emu: AzureEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startAzureEmulator();
    t = await createTestGateway({
      plugins: [
        sqliteStore({ file: tempDbFile() }),
        costTracker(),
        embeddings(),
        azureProvider({ apiBase: emu.origin, apiKey: emu.apiKey, azureAi: { apiBase: `${emu.origin}/models`, apiKey: emu.apiKey } }),
      ],
      models: [
        { name: 'small', provider: 'azure', model: 'text-embedding-3-small', apiVersion: '2024-10-21' },
        { name: 'small-v1', provider: 'azure', model: 'text-embedding-3-small', apiVersion: 'v1' },
        { name: 'large-bearer', provider: 'azure', model: 'text-embedding-3-large', azureAdToken: emu.bearerToken },
        { name: 'chat-deployment', provider: 'azure', model: 'gpt-4o' },
        { name: 'gone', provider: 'azure', model: 'deleted-deployment' },
        { name: 'bad-key', provider: 'azure', model: 'text-embedding-3-small', apiKey: 'wrong' },
        { name: 'cohere', provider: 'azure_ai', model: 'Cohere-embed-v3-english' },
        { name: 'llama', provider: 'azure_ai', model: 'Llama-3.3-70B-Instruct' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const last = () => emu.requests.at(-1)!;

  it('a dated deployment: /openai/deployments/{d}/embeddings?api-version, api-key, base64 through for the SDK', async () => {
    const r = await t.client.embeddings.create({ model: 'small', input: ['one', 'two words'], dimensions: 32 });
    expect(last().path).toBe('/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
    expect(last().headers['api-key']).toBe(emu.apiKey);
    expect(last().body).toMatchObject({ input: ['one', 'two words'], dimensions: 32, encoding_format: 'base64' });
    expect(r.model).toBe('small');
    expect(r.data.map((d) => d.embedding)).toEqual([emulatedEmbedding('one', 32), emulatedEmbedding('two words', 32)]);
    expect(r.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('the v1 surface with the model in the body, and an Entra ID bearer token', async () => {
    const r = await t.client.embeddings.create({ model: 'small-v1', input: 'hi', encoding_format: 'float' });
    expect(last().path).toBe('/openai/v1/embeddings');
    expect(last().body).toMatchObject({ model: 'text-embedding-3-small', input: 'hi', encoding_format: 'float' });
    expect(r.data[0]!.embedding).toEqual(emulatedEmbedding('hi', 1536));
    const b = await t.client.embeddings.create({ model: 'large-bearer', input: 'hi', dimensions: 4 });
    expect(last().headers.authorization).toBe(`Bearer ${emu.bearerToken}`);
    expect(b.data[0]!.embedding).toEqual(emulatedEmbedding('hi', 4));
  });

  it('Azure AI Foundry: /models/embeddings with the model in the body', async () => {
    const r = await t.client.embeddings.create({ model: 'cohere', input: ['doc a', 'doc b'] });
    expect(last().path).toBe('/models/embeddings?api-version=2024-05-01-preview');
    expect(last().body).toMatchObject({ model: 'Cohere-embed-v3-english', input: ['doc a', 'doc b'] });
    expect(r.model).toBe('cohere');
    expect(r.data[1]!.embedding).toEqual(emulatedEmbedding('doc b', 1024));
  });

  it('Azure errors map as chat errors do: status, Azure code, message; keys never echoed', async () => {
    const op = (await t.client.embeddings.create({ model: 'chat-deployment', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(op).toBeInstanceOf(OpenAI.BadRequestError);
    expect(op.code).toBe('OperationNotSupported');
    expect(op.message).toContain('The embeddings operation does not work with the specified model, gpt-4o.');
    const gone = (await t.client.embeddings.create({ model: 'gone', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(gone).toMatchObject({ status: 404, code: 'DeploymentNotFound' });
    const key = (await t.client.embeddings.create({ model: 'bad-key', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(key).toBeInstanceOf(OpenAI.AuthenticationError);
    const llama = (await t.client.embeddings.create({ model: 'llama', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(llama).toMatchObject({ status: 400, code: 'OperationNotSupported' });
    emu.fault({ status: 429, headers: { 'retry-after': '4' }, body: { error: { code: '429', message: 'Requests to the Embeddings_Create Operation have exceeded call rate limit.' } } });
    const limited = (await t.client.embeddings.create({ model: 'small', input: 'x' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('4');
  });

  it('is priced (Azure text-embedding-3-small) and carries the upstream request id in the call log', async () => {
    const { response } = await t.client.embeddings.create({ model: 'small', input: 'alpha beta gamma' }).withResponse();
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(3 * 0.02e-6, 14);
    await t.gateway.flush();
    const logs = (await (await fetch(`${t.origin}/spend/logs?limit=1`)).json()) as { data: Array<Record<string, unknown>> };
    expect(logs.data[0]).toMatchObject({ endpoint: '/v1/embeddings', provider: 'azure', input_tokens: 3 });
  });
});
