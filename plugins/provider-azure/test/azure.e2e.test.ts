import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createCallContext, createGateway, definePlugin } from '@switchyard/core';
import { readJson } from '@switchyard/upstream';
import azureProvider from '@switchyard/provider-azure';
import { azureErrorBody, createTestGateway, startAzureEmulator, type AzureEmulator, type TestGateway } from '@switchyard/test-kit';

describe('azure provider through the openai SDK', () => {
  let emu: AzureEmulator;
  let t: TestGateway;
  const upstreamIds: Array<string | undefined> = [];
  beforeAll(async () => {
    emu = await startAzureEmulator({ deployments: ['gpt-4o', 'prod-4o'] });
    const capture = definePlugin({
      name: 'capture-upstream-id',
      apply(g) {
        g.hooks.postCall.tapPromise('capture-upstream-id', async (c, _r, ctx) => {
          upstreamIds.push(ctx.attempts.at(-1)?.upstreamRequestId);
          return c;
        });
      },
    });
    t = await createTestGateway({
      plugins: [azureProvider({ apiBase: emu.origin, apiKey: emu.apiKey, azureAi: { apiBase: `${emu.origin}/models`, apiKey: emu.apiKey } }), capture],
      models: [
        { name: 'gpt-4o', provider: 'azure', model: 'gpt-4o' },
        { name: 'renamed', provider: 'azure', model: 'gpt-4o', azureDeployment: 'prod-4o' },
        { name: 'bearer', provider: 'azure', model: 'gpt-4o', azureAdToken: emu.bearerToken },
        { name: 'bad-key', provider: 'azure', model: 'gpt-4o', apiKey: 'wrong' },
        { name: 'bad-token', provider: 'azure', model: 'gpt-4o', azureAdToken: 'expired' },
        { name: 'v1', provider: 'azure', model: 'gpt-4o', apiVersion: 'v1' },
        { name: 'old-version', provider: 'azure', model: 'gpt-4o', apiVersion: 'banana' },
        { name: 'gone', provider: 'azure', model: 'deleted-deployment' },
        { name: 'llama', provider: 'azure_ai', model: 'Llama-3.3-70B-Instruct' },
        { name: 'llama-serverless', provider: 'azure_ai', model: 'Llama-3.3-70B-Instruct', apiBase: emu.origin },
        { name: 'unknown-ai', provider: 'azure_ai', model: 'Phi-99' },
        { name: 'impatient', provider: 'azure', model: 'gpt-4o', timeoutMs: 300 },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  const user = (content: string) => [{ role: 'user' as const, content }];

  it('answers a completion through the deployment URL with api-key auth and reports the upstream request id', async () => {
    const r = await t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'be brief' }, ...user('hello azure')] });
    expect(r.choices[0]!.message.content).toBe('echo: hello azure');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    const req = emu.requests[0]!;
    expect(req.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(req.headers['api-key']).toBe(emu.apiKey);
    expect(req.headers.authorization).toBeUndefined();
    expect(upstreamIds.at(-1)).toMatch(/^azreq-\d+$/);
  });

  it('uses azureDeployment for the URL when it differs from the model', async () => {
    const r = await t.client.chat.completions.create({ model: 'renamed', messages: user('x') });
    expect(r.choices[0]!.message.content).toBe('echo: x');
    expect(emu.requests[0]!.path).toMatch(/^\/openai\/deployments\/prod-4o\/chat\/completions\?api-version=/);
  });

  it('authenticates with an Entra ID bearer token', async () => {
    const r = await t.client.chat.completions.create({ model: 'bearer', messages: user('token') });
    expect(r.choices[0]!.message.content).toBe('echo: token');
    expect(emu.requests[0]!.headers.authorization).toBe(`Bearer ${emu.bearerToken}`);
    expect(emu.requests[0]!.headers['api-key']).toBeUndefined();
  });

  it('asks an azureAdTokenProvider for a token per request when no key is configured', async () => {
    let calls = 0;
    const g = await createTestGateway({
      plugins: [azureProvider({ apiBase: emu.origin, azureAdTokenProvider: async () => (++calls, emu.bearerToken) })],
      models: [{ name: 'gpt-4o', provider: 'azure', model: 'gpt-4o' }],
    });
    try {
      await g.client.chat.completions.create({ model: 'gpt-4o', messages: user('a') });
      await g.client.chat.completions.create({ model: 'gpt-4o', messages: user('b') });
      expect(calls).toBe(2);
      expect(emu.requests.every((r) => r.headers.authorization === `Bearer ${emu.bearerToken}`)).toBe(true);
    } finally {
      await g.close();
    }
  });

  it('uses the v1 GA URL with the model in the body', async () => {
    const r = await t.client.chat.completions.create({ model: 'v1', messages: user('v one') });
    expect(r.choices[0]!.message.content).toBe('echo: v one');
    expect(emu.requests[0]!.path).toBe('/openai/v1/chat/completions');
    expect((emu.requests[0]!.body as { model: string }).model).toBe('gpt-4o');
  });

  it('streams without the prompt_filter_results preamble, usage only when asked', async () => {
    const stream = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: user('one two three') });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.choices.length === 1 && c.id.startsWith('chatcmpl-azure'))).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(emu.requests[0]!.headers.accept).toBe('text/event-stream');

    const withUsage = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: user('one two') });
    const all = [];
    for await (const c of withUsage) all.push(c);
    expect(all.filter((c) => c.choices.length === 0)).toHaveLength(1);
    expect(all.at(-1)!.choices).toEqual([]);
    expect(all.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
    expect(all.some((c) => 'prompt_filter_results' in c)).toBe(false);
  });

  it('works with the SDK stream helper', async () => {
    const final = await t.client.chat.completions.stream({ model: 'gpt-4o', messages: user('helper') }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('echo: helper');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('round-trips tools, streamed and not', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const first = await t.client.chat.completions.create({ model: 'gpt-4o', tools, messages: user('weather') });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('lookup');
    const second = await t.client.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [...user('weather'), first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
    });
    expect(second.choices[0]!.message.content).toBe('tool result: sunny');

    const streamed = await t.client.chat.completions.stream({ model: 'gpt-4o', tools, messages: user('rain') }).finalChatCompletion();
    const sc = streamed.choices[0]!.message.tool_calls![0]!;
    expect(sc.type === 'function' && JSON.parse(sc.function.arguments)).toEqual({ q: 'rain' });
    expect(streamed.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('keeps a content_filter finish reason', async () => {
    const r = await t.client.chat.completions.create({ model: 'gpt-4o', messages: user('filter-completion please') });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    const final = await t.client.chat.completions.stream({ model: 'gpt-4o', messages: user('filter-completion please') }).finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('content_filter');
  });

  it('serves azure_ai on the Foundry /models route and on a serverless endpoint, model in the body', async () => {
    const r = await t.client.chat.completions.create({ model: 'llama', messages: user('foundry') });
    expect(r.choices[0]!.message.content).toBe('echo: foundry');
    expect(emu.requests[0]!.path).toBe('/models/chat/completions?api-version=2024-05-01-preview');
    expect((emu.requests[0]!.body as { model: string }).model).toBe('Llama-3.3-70B-Instruct');
    const s = await t.client.chat.completions.stream({ model: 'llama-serverless', messages: user('serverless') }).finalChatCompletion();
    expect(s.choices[0]!.message.content).toBe('echo: serverless');
    expect(emu.requests[1]!.path).toBe('/chat/completions?api-version=2024-05-01-preview');
  });

  describe('errors arrive in the OpenAI shape with the upstream status', () => {
    async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.APIError);
      return err as InstanceType<typeof OpenAI.APIError>;
    }

    it('401 for a wrong key and for a rejected token', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'bad-key', messages: user('x') }));
      expect(e.status).toBe(401);
      expect(e.type).toBe('authentication_error');
      expect(e.message).toMatch(/Access denied due to invalid subscription key/);
      const e2 = await failure(t.client.chat.completions.create({ model: 'bad-token', messages: user('x') }));
      expect(e2.status).toBe(401);
      expect(e2.code).toBe('PermissionDenied');
    });

    it('404 DeploymentNotFound', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'gone', messages: user('x') }));
      expect(e.status).toBe(404);
      expect(e.code).toBe('DeploymentNotFound');
      expect(e.type).toBe('not_found_error');
    });

    it('400 for an unsupported api-version', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'old-version', messages: user('x') }));
      expect(e.status).toBe(400);
      expect(e.message).toBe('400 API version not supported');
      expect(e.error).toMatchObject({ message: 'API version not supported', type: 'invalid_request_error' });
    });

    it('400 content_filter for a filtered prompt, param kept', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'gpt-4o', messages: user('trigger-content-filter') }));
      expect(e.status).toBe(400);
      expect(e.code).toBe('content_filter');
      expect(e.param).toBe('prompt');
      expect(e.type).toBe('invalid_request_error');
    });

    it('429 keeps retry-after and the upstream request id', async () => {
      emu.fault({ status: 429, headers: { 'retry-after': '7', 'apim-request-id': 'apim-rl-1' }, body: azureErrorBody('429', 'Requests to the ChatCompletions_Create Operation have exceeded token rate limit.') });
      const e = await failure(t.client.chat.completions.create({ model: 'gpt-4o', messages: user('x') }));
      expect(e.status).toBe(429);
      expect(e.type).toBe('rate_limit_error');
      expect(e.message).toMatch(/exceeded token rate limit/);
      expect(e.headers?.get('retry-after')).toBe('7');
      expect(e.headers?.get('x-upstream-request-id')).toBe('apim-rl-1');
    });

    it('500 and 503 keep their status; a stream fails before it starts', async () => {
      emu.fault({ status: 500, body: azureErrorBody('InternalServerError', 'The server had an error while processing your request.') });
      const e = await failure(t.client.chat.completions.create({ model: 'gpt-4o', messages: user('x') }));
      expect(e.status).toBe(500);
      expect(e.type).toBe('server_error');
      emu.fault({ status: 503, body: azureErrorBody('ServiceUnavailable', 'The service is temporarily unable to process your request.') });
      const e2 = await failure(t.client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: user('x') }));
      expect(e2.status).toBe(503);
    });

    it('azure_ai unknown model is a 400 with the Foundry code', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'unknown-ai', messages: user('x') }));
      expect(e.status).toBe(400);
      expect(e.code).toBe('unknown_model');
    });

    it('a connection dropped mid-stream ends the stream, after the chunks already sent, with an upstream_connection_error the SDK raises', async () => {
      emu.fault({ dropAfterEvents: 3 });
      const stream = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: user('a b c d e f') });
      const got: string[] = [];
      const err = await (async () => {
        for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(got).toEqual(['', 'echo:']); // the role chunk and the first word arrived before the drop
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({
        message: expect.stringMatching(/^Could not reach the azure upstream/),
        type: 'server_error',
        param: null,
        code: 'upstream_connection_error',
      });
    });
  });

  it('the emulator is as strict as Azure: no credentials → 401, no api-version → 404', async () => {
    const url = `${emu.origin}/openai/deployments/gpt-4o/chat/completions`;
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x' }] });
    const noAuth = await fetch(`${url}?api-version=2024-10-21`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(noAuth.status).toBe(401);
    const noVersion = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'api-key': emu.apiKey } });
    expect(noVersion.status).toBe(404);
    expect(await noVersion.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  it('passthrough forwards native APIs to the resource-level URL with the deployment auth', async () => {
    const adapter = t.gateway.providers.get('azure')!;
    const call = (name: string) => {
      const deployment = t.gateway.models.lookup(name)[0]!;
      return { deployment, ctx: createCallContext({ operation: 'files', endpoint: '/v1/files' }), signal: new AbortController().signal };
    };
    const res = await adapter.passthrough!({ method: 'GET', path: '/files' }, call('bearer'));
    expect(res.status).toBe(200);
    expect(await readJson<{ object: string }>(res, 'azure')).toMatchObject({ object: 'list', data: [] });
    expect(emu.requests[0]!.path).toBe('/openai/files?api-version=2024-10-21');
    expect(emu.requests[0]!.headers.authorization).toBe(`Bearer ${emu.bearerToken}`);
    const v1 = await adapter.passthrough!({ method: 'GET', path: '/files' }, call('v1'));
    expect(v1.status).toBe(200);
    await v1.body.text();
    expect(emu.requests[1]!.path).toBe('/openai/v1/files');
    const err = await adapter.passthrough!({ method: 'GET', path: '/batches/batch_1' }, call('gpt-4o')).catch((e: unknown) => e);
    // the emulator serves Files and Batches now: an unknown batch is its 404, mapped with the upstream's message
    expect(err).toMatchObject({ status: 404, type: 'invalid_request_error', message: "No batch found with id 'batch_1'." });
  });

  it('refuses to boot a deployment without an endpoint', async () => {
    const saved = { base: process.env.AZURE_API_BASE, endpoint: process.env.AZURE_OPENAI_ENDPOINT };
    delete process.env.AZURE_API_BASE;
    delete process.env.AZURE_OPENAI_ENDPOINT;
    try {
      await expect(createGateway({ plugins: [azureProvider({ apiKey: 'k' })], models: [{ name: 'x', provider: 'azure', model: 'gpt-4o' }] })).rejects.toThrow(/has no apiBase/);
    } finally {
      if (saved.base !== undefined) process.env.AZURE_API_BASE = saved.base;
      if (saved.endpoint !== undefined) process.env.AZURE_OPENAI_ENDPOINT = saved.endpoint;
    }
  });

  it('takes the API version from AZURE_API_VERSION when no option names one', async () => {
    const saved = process.env.AZURE_API_VERSION;
    process.env.AZURE_API_VERSION = '2025-04-01-preview';
    const g = await createTestGateway({ plugins: [azureProvider({ apiBase: emu.origin, apiKey: emu.apiKey })], models: [{ name: 'gpt-4o', provider: 'azure', model: 'gpt-4o' }] });
    try {
      await g.client.chat.completions.create({ model: 'gpt-4o', messages: user('env version') });
      expect(emu.requests.at(-1)!.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2025-04-01-preview');
    } finally {
      await g.close();
      if (saved === undefined) delete process.env.AZURE_API_VERSION;
      else process.env.AZURE_API_VERSION = saved;
    }
  });

  it('an upstream that never answers is a 504 timeout_error', async () => {
    emu.fault({ hang: true });
    const err = await t.client.chat.completions.create({ model: 'impatient', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, type: 'timeout_error', code: 'upstream_timeout' });
  });
});
