/**
 * Issue 13, item 2: every session-id form LiteLLM accepts (header, body top level, `metadata`,
 * `litellm_metadata`), one precedence, none of them forwarded upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openaiProvider from '@switchyard/provider-openai';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

const GATEWAY_FIELDS = ['litellm_session_id', 'session_id', 'litellm_metadata', 'metadata'];

describe('session ids in every LiteLLM form', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), responses(), mockProvider(), openaiProvider()],
      models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
      secret: 'a-test-secret-of-sufficient-length',
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  const calls = async (id: string) => {
    await t.gateway.flush();
    const res = await fetch(`${t.origin}/v1/sessions/${id}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { calls: unknown[] }).calls.length;
  };
  const lastUpstreamBody = () => emu.requests.at(-1)!.body as Record<string, unknown>;

  it.each([
    ['body top level litellm_session_id (extra_body)', { litellm_session_id: 'top-litellm' }, 'top-litellm'],
    ['body top level session_id', { session_id: 'top-plain' }, 'top-plain'],
    ['metadata.litellm_session_id', { metadata: { litellm_session_id: 'meta-litellm' } }, 'meta-litellm'],
    ['metadata.session_id', { metadata: { session_id: 'meta-plain' } }, 'meta-plain'],
    ['litellm_metadata.session_id', { litellm_metadata: { session_id: 'lm-plain' } }, 'lm-plain'],
    ['litellm_metadata.litellm_session_id', { litellm_metadata: { litellm_session_id: 'lm-litellm' } }, 'lm-litellm'],
  ])('%s groups the call and is not forwarded to the provider', async (_label, extra, id) => {
    // the openai SDK sends unknown body fields as they are, like Python's extra_body
    const { response } = await t.client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...(extra as object) } as never)
      .withResponse();
    expect(response.headers.get('x-session-id')).toBe(id);
    expect(await calls(id)).toBe(1);
    for (const f of GATEWAY_FIELDS) expect(lastUpstreamBody()).not.toHaveProperty(f);
  });

  it.each([
    ['x-session-id', 'x-session-id'],
    ['x-litellm-session-id', 'x-litellm-session-id'],
  ])('header %s groups the call', async (header) => {
    const id = `hdr-${header}`;
    const { response } = await t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, { headers: { [header]: id } }).withResponse();
    expect(response.headers.get('x-session-id')).toBe(id);
    expect(await calls(id)).toBe(1);
  });

  it('one precedence: header, then the top level, then metadata, then litellm_metadata', async () => {
    const everything = { session_id: 'p-top', metadata: { session_id: 'p-meta' }, litellm_metadata: { session_id: 'p-lm' } };
    const ask = (body: object, headers: Record<string, string> = {}) =>
      t.client.chat.completions
        .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }], ...body } as never, { headers })
        .withResponse()
        .then((r) => r.response.headers.get('x-session-id'));
    expect(await ask(everything, { 'x-litellm-session-id': 'p-header' })).toBe('p-header');
    expect(await ask(everything)).toBe('p-top');
    expect(await ask({ metadata: everything.metadata, litellm_metadata: everything.litellm_metadata })).toBe('p-meta');
    expect(await ask({ litellm_metadata: everything.litellm_metadata })).toBe('p-lm');
    expect(await ask({ litellm_session_id: 'p-top-litellm', metadata: { session_id: 'p-meta' } })).toBe('p-top-litellm');
  });

  it('Responses: a top-level litellm_session_id names the session and never reaches the native upstream', async () => {
    const r = await t.client.responses.create({ model: 'gpt-4o', input: 'hi', litellm_session_id: 'resp-native' } as never);
    expect(r.status).toBe('completed');
    expect(await calls('resp-native')).toBe(1);
    for (const f of ['litellm_session_id', 'session_id', 'litellm_metadata']) expect(lastUpstreamBody()).not.toHaveProperty(f);
    const b = await t.client.responses.create({ model: 'mock/echo', input: 'hi', litellm_metadata: { session_id: 'resp-bridged' } } as never);
    expect(b.status).toBe('completed');
    expect(await calls('resp-bridged')).toBe(1);
  });
});
