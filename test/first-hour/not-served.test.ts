/**
 * Issue 13, item 7: a 404 on a known API path says which plugin serves it (when it is not
 * loaded) or that the OpenAI API is not supported yet, instead of "check the URL for typos".
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

describe('404s on known paths', () => {
  let bare: TestGateway;
  let withResponses: TestGateway;
  beforeAll(async () => {
    bare = await createTestGateway({ plugins: [mockProvider()] });
    withResponses = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), responses(), mockProvider()] });
  });
  afterAll(async () => {
    await bare.close();
    await withResponses.close();
  });

  const get404 = async (t: TestGateway, method: string, path: string) => {
    const res = await fetch(`${t.origin}${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
    expect(res.status).toBe(404);
    return ((await res.json()) as { error: { message: string; code: string; type: string } }).error;
  };

  it('names the plugin that serves a path when it is not loaded (SDK and curl alike)', async () => {
    const err = (await bare.client.responses.create({ model: 'mock/echo', input: 'hi' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain('POST /v1/responses: the Responses API is served by the plugin @switchyard/responses, which is not loaded; add "@switchyard/responses" to plugins in the config.');
    expect((await get404(bare, 'GET', '/v1/sessions/abc')).message).toContain('served by the plugin @switchyard/session-tracker');
    expect((await get404(bare, 'GET', '/spend/logs')).message).toContain('served by the plugin @switchyard/cost-tracker');
    expect((await get404(bare, 'POST', '/v1/conversations')).message).toContain('served by the plugin @switchyard/conversations');
    expect((await get404(bare, 'GET', '/conversations/conv_1/items')).message).toContain('served by the plugin @switchyard/conversations');
    expect((await get404(bare, 'GET', '/responses/resp_1')).message).toContain('@switchyard/responses'); // without /v1 too
    expect((await get404(bare, 'GET', '/v1/files')).message).toContain('the Files API is served by the plugin @switchyard/batches');
    expect((await get404(bare, 'POST', '/v1/batches')).message).toContain('the Batches API is served by the plugin @switchyard/batches');
    const emb = (await bare.client.embeddings.create({ model: 'mock/embed', input: 'hi' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(emb).toBeInstanceOf(OpenAI.NotFoundError);
    expect(emb.message).toContain('POST /v1/embeddings: the embeddings API is served by the plugin @switchyard/embeddings, which is not loaded; add "@switchyard/embeddings" to plugins in the config.');
  });

  it('says an OpenAI API is not supported yet', async () => {
    for (const [method, path, name] of [
      ['POST', '/v1/images/generations', 'images'],
      ['POST', '/v1/audio/transcriptions', 'audio'],
      ['POST', '/v1/moderations', 'moderations'],
      ['POST', '/v1/completions', 'legacy completions'],
      ['GET', '/v1/chat/completions/chatcmpl-1', 'stored chat completions'],
    ] as const) {
      const e = await get404(bare, method, path);
      expect(e.message).toBe(`${method} ${path}: Switchyard does not serve the OpenAI ${name} API yet.`);
      expect(e).toMatchObject({ type: 'invalid_request_error', code: 'unknown_url' });
    }
  });

  it('keeps the typo wording for unknown paths, and for unknown paths under a loaded plugin', async () => {
    expect((await get404(bare, 'GET', '/v1/nope')).message).toBe('Unknown request URL: GET /v1/nope. Please check the URL for typos.');
    expect((await get404(withResponses, 'GET', '/v1/responses/a/b/c')).message).toMatch(/^Unknown request URL: GET \/v1\/responses\/a\/b\/c\./);
  });
});
