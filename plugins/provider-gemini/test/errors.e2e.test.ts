import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createTestGateway, geminiErrorBody, startGeminiEmulator, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';
import gemini from '@switchyard/provider-gemini';

/** The OpenAI error a call raised, with the raw body the gateway sent. */
async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('Gemini and Vertex errors arrive in the OpenAI shape with the right status', () => {
  let emu: GeminiEmulator;
  let t: TestGateway;
  const ask = (model: string, content = 'hi') => t.client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

  beforeAll(async () => {
    emu = await startGeminiEmulator();
    t = await createTestGateway({
      plugins: [gemini()],
      models: [
        { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey },
        { name: 'flash-badkey', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: 'wrong-key' },
        { name: 'flash-nokey', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: `${emu.origin}/v1beta`, apiKey: '' },
        { name: 'missing', provider: 'gemini', model: 'missing-model', apiBase: emu.origin, apiKey: emu.apiKey },
        { name: 'flash-slow', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey, timeoutMs: 300 },
        { name: 'vertex-badtoken', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, project: 'p1', accessToken: 'ya29.not-issued' },
        { name: 'vertex-noproject', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, accessToken: 'ya29.emulator' },
        { name: 'vertex-denied', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, project: 'forbidden-p2', accessToken: 'ya29.emulator' },
      ],
    });
  });
  afterEach(() => emu.reset());
  afterAll(async () => {
    await t?.close();
    await emu?.close();
  });

  it('400 INVALID_ARGUMENT → 400 invalid_request_error', async () => {
    emu.fault({ status: 400, body: geminiErrorBody(400, '* GenerateContentRequest.contents: contents is not specified') });
    const e = await apiError(ask('flash'));
    expect(e.status).toBe(400);
    expect(e.error).toEqual({ message: '* GenerateContentRequest.contents: contents is not specified', type: 'invalid_request_error', param: null, code: 'invalid_argument' });
  });

  it('an invalid API key → 401 authentication_error; a missing key → 403 permission_error', async () => {
    const bad = await apiError(ask('flash-badkey'));
    expect(bad.status).toBe(401);
    expect(bad.error).toMatchObject({ type: 'authentication_error', code: 'invalid_argument', message: 'API key not valid. Please pass a valid API key.' });
    const none = await apiError(ask('flash-nokey'));
    expect(none.status).toBe(403);
    expect(none.error).toMatchObject({ type: 'permission_error', code: 'permission_denied' });
    expect(emu.requests.at(-1)!.headers['x-goog-api-key']).toBeUndefined();
  });

  it('Vertex: an unknown token → 401, a denied project → 403', async () => {
    const unauth = await apiError(ask('vertex-badtoken'));
    expect(unauth.status).toBe(401);
    expect(unauth.error).toMatchObject({ type: 'authentication_error', code: 'unauthenticated' });
    const denied = await apiError(ask('vertex-denied'));
    expect(denied.status).toBe(403);
    expect(denied.error).toMatchObject({ type: 'permission_error', code: 'permission_denied' });
    expect((denied.error as { message: string }).message).toMatch(/aiplatform.endpoints.predict/);
  });

  it('404 NOT_FOUND → 404', async () => {
    const e = await apiError(ask('missing'));
    expect(e.status).toBe(404);
    expect(e.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
    expect((e.error as { message: string }).message).toMatch(/models\/missing-model is not found/);
  });

  it('429 RESOURCE_EXHAUSTED → 429 with retry-after from the header or from RetryInfo', async () => {
    emu.fault({ status: 429, headers: { 'retry-after': '7', 'x-goog-request-id': 'goog-req-1' } });
    const e = await apiError(ask('flash'));
    expect(e.status).toBe(429);
    expect(e.error).toMatchObject({ type: 'rate_limit_error', code: 'resource_exhausted' });
    expect(e.headers.get('retry-after')).toBe('7');
    expect(e.headers.get('x-upstream-request-id')).toBe('goog-req-1');

    emu.fault({
      status: 429,
      body: geminiErrorBody(429, 'You exceeded your current quota.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.5s' }]),
    });
    const e2 = await apiError(ask('flash'));
    expect(e2.status).toBe(429);
    expect(e2.headers.get('retry-after')).toBe('37');
  });

  it.each([
    [500, 'internal'],
    [503, 'unavailable'],
  ])('%i → %i server_error', async (status, code) => {
    emu.fault({ status });
    const e = await apiError(ask('flash'));
    expect(e.status).toBe(status);
    expect(e.error).toEqual({ message: `emulated ${code.toUpperCase()}`, type: 'server_error', param: null, code });
  });

  it('a non-JSON upstream error body keeps its status', async () => {
    emu.fault({ status: 502, body: '<html>Bad Gateway</html>' });
    const e = await apiError(ask('flash'));
    expect(e.status).toBe(502);
    expect(e.error).toMatchObject({ type: 'server_error' });
  });

  it('a stream error before the first event is sent as an HTTP error', async () => {
    emu.fault({ status: 503 });
    const e = await apiError(t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }], stream: true }));
    expect(e.status).toBe(503);
  });

  it('a stream dropped mid-way ends with an error after the chunks already sent', async () => {
    emu.fault({ dropAfterEvents: 2 });
    const stream = await t.client.chat.completions.create({ model: 'flash', stream: true, messages: [{ role: 'user', content: 'a b c d e f' }] });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('echo: a ');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/gemini upstream/);
  });

  it('an upstream that never answers → 504 timeout_error', async () => {
    emu.fault({ hang: true });
    const e = await apiError(ask('flash-slow'));
    expect(e.status).toBe(504);
    expect(e.error).toMatchObject({ type: 'timeout_error' });
  });

  it('a request Gemini cannot express → 400 from the gateway, upstream not called', async () => {
    const e = await apiError(
      t.client.chat.completions.create({
        model: 'flash',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_unknown', content: 'r' },
        ],
      }),
    );
    expect(e.status).toBe(400);
    expect(e.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[1].tool_call_id' });
    expect(emu.requests).toHaveLength(0);
  });

  it('a Vertex deployment without a project fails with a named error, upstream not called', async () => {
    const saved = [process.env.GOOGLE_CLOUD_PROJECT, process.env.VERTEXAI_PROJECT];
    delete process.env.GOOGLE_CLOUD_PROJECT;
    delete process.env.VERTEXAI_PROJECT;
    try {
      const e = await apiError(ask('vertex-noproject'));
      expect(e.status).toBe(500);
      expect(e.error).toMatchObject({ code: 'vertex_project_missing' });
      expect((e.error as { message: string }).message).toMatch(/no project/);
      expect(emu.requests).toHaveLength(0);
    } finally {
      if (saved[0] !== undefined) process.env.GOOGLE_CLOUD_PROJECT = saved[0];
      if (saved[1] !== undefined) process.env.VERTEXAI_PROJECT = saved[1];
    }
  });
});
