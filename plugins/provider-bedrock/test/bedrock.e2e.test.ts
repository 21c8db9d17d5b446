import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { definePlugin } from '@switchyard/core';
import bedrockProvider from '@switchyard/provider-bedrock';
import { bedrockErrorFault, createTestGateway, startBedrockEmulator, type BedrockEmulator, type TestGateway } from '@switchyard/test-kit';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

describe('bedrock provider through the openai SDK', () => {
  let emu: BedrockEmulator;
  let t: TestGateway;
  const upstreamIds: Array<string | undefined> = [];
  beforeAll(async () => {
    emu = await startBedrockEmulator({
      credentials: [
        { accessKeyId: 'AKIDEMULATOR000001', secretAccessKey: 'emulator-secret-key' },
        { accessKeyId: 'ASIATEMPORARY00001', secretAccessKey: 'temp-secret', sessionToken: 'session-token-1' },
      ],
    });
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
      plugins: [bedrockProvider({ apiBase: emu.origin, region: 'us-east-1', accessKeyId: 'AKIDEMULATOR000001', secretAccessKey: 'emulator-secret-key' }), capture],
      models: [
        { name: 'claude', provider: 'bedrock', model: CLAUDE },
        { name: 'nova', provider: 'bedrock', model: 'amazon.nova-lite-v1:0' },
        { name: 'wrong-secret', provider: 'bedrock', model: CLAUDE, accessKeyId: 'AKIDEMULATOR000001', secretAccessKey: 'not-the-secret' },
        { name: 'unknown-key', provider: 'bedrock', model: CLAUDE, accessKeyId: 'AKIDNOBODY00000001', secretAccessKey: 'x' },
        { name: 'wrong-region', provider: 'bedrock', model: CLAUDE, region: 'eu-west-1' },
        { name: 'temporary', provider: 'bedrock', model: CLAUDE, accessKeyId: 'ASIATEMPORARY00001', secretAccessKey: 'temp-secret', sessionToken: 'session-token-1' },
        { name: 'invalid-model', provider: 'bedrock', model: 'anthropic.claude-9' },
        { name: 'denied', provider: 'bedrock', model: 'denied.some-model-v1:0' },
        { name: 'impatient', provider: 'bedrock', model: CLAUDE, timeoutMs: 300 },
        { name: 'guarded', provider: 'bedrock', model: CLAUDE, guardrailConfig: { guardrailIdentifier: 'gr-emu', guardrailVersion: '1' } },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  const user = (content: string) => [{ role: 'user' as const, content }];
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } },
  ];

  it('answers a text completion via a signed Converse call and reports the upstream request id', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', messages: user('hello bedrock') });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe(CLAUDE);
    expect(r.choices[0]!.message.content).toBe('echo: hello bedrock');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    const req = emu.requests[0]!;
    expect(req.path).toBe(`/model/${encodeURIComponent(CLAUDE)}/converse`);
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR000001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/);
    expect(upstreamIds.at(-1)).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.id).toBe(`chatcmpl-${upstreamIds.at(-1)}`);
  });

  it('sends system prompts, multi-turn history and inference settings', async () => {
    const r = await t.client.chat.completions.create({
      model: 'nova',
      max_tokens: 3,
      temperature: 0.5,
      messages: [{ role: 'system', content: 'You are terse.' }, ...user('first'), { role: 'assistant', content: 'echo: first' }, ...user('second turn now please')],
    });
    expect(r.choices[0]!.message.content).toBe('echo: second turn');
    expect(r.choices[0]!.finish_reason).toBe('length');
    const body = emu.requests[0]!.body as { system: unknown; messages: Array<{ role: string }>; inferenceConfig: unknown };
    expect(body.system).toEqual([{ text: 'You are terse.' }]);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.inferenceConfig).toEqual({ maxTokens: 3, temperature: 0.5 });
  });

  it('maps stop sequences and guardrail interventions', async () => {
    const s = await t.client.chat.completions.create({ model: 'claude', stop: ['three'], messages: user('one two three four') });
    expect(s.choices[0]!.message.content).toBe('echo: one two ');
    expect(s.choices[0]!.finish_reason).toBe('stop');
    const g = await t.client.chat.completions.create({ model: 'guarded', messages: user('trigger-guardrail') });
    expect(g.choices[0]!.finish_reason).toBe('content_filter');
    expect((emu.requests.at(-1)!.body as { guardrailConfig: unknown }).guardrailConfig).toEqual({ guardrailIdentifier: 'gr-emu', guardrailVersion: '1' });
    const streamed = await t.client.chat.completions.stream({ model: 'guarded', messages: user('trigger-guardrail') }).finalChatCompletion();
    expect(streamed.choices[0]!.finish_reason).toBe('content_filter');
  });

  it('round-trips tools: tool call, then tool result in a merged user turn', async () => {
    const first = await t.client.chat.completions.create({ model: 'claude', tools, tool_choice: 'required', messages: user('Paris') });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'Paris' });
    expect((emu.requests[0]!.body as { toolConfig: { toolChoice: unknown } }).toolConfig.toolChoice).toEqual({ any: {} });

    const second = await t.client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [...user('Paris'), first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '21 degrees' }],
    });
    expect(second.choices[0]!.message.content).toBe('tool result: 21 degrees');
    expect(second.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams text from the event stream, usage only when asked', async () => {
    const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: user('a b c') });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: a b c');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(emu.requests[0]!.path).toBe(`/model/${encodeURIComponent(CLAUDE)}/converse-stream`);

    const withUsage = await t.client.chat.completions.create({ model: 'claude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'system', content: 'cached: long prompt' }, ...user('x y')] });
    const all = [];
    for await (const c of withUsage) all.push(c);
    const last = all.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.prompt_tokens_details!.cached_tokens).toBe(10);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
  });

  it('streams tool calls; the SDK stream helper assembles the final completion', async () => {
    const final = await t.client.chat.completions.stream({ model: 'claude', tools, messages: user('Rome') }).finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'Rome' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const text = await t.client.chat.completions.stream({ model: 'nova', messages: user('streamed helper') }).finalChatCompletion();
    expect(text.choices[0]!.message.content).toBe('echo: streamed helper');
  });

  it('the same answers streamed and not', async () => {
    const plain = await t.client.chat.completions.create({ model: 'claude', messages: user('same same') });
    const streamed = await t.client.chat.completions.stream({ model: 'claude', messages: user('same same'), stream_options: { include_usage: true } }).finalChatCompletion();
    expect(streamed.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
    expect(streamed.choices[0]!.finish_reason).toBe(plain.choices[0]!.finish_reason);
    expect(streamed.usage).toEqual(plain.usage);
  });

  it('sends reasoning_effort as a thinking budget to Claude and returns reasoning_content', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'low', messages: user('think') });
    expect((emu.requests[0]!.body as { additionalModelRequestFields: unknown }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect((r.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe('Let me think about that.');
    expect(r.choices[0]!.message.content).toBe('echo: think');
  });

  it('signs with a session token', async () => {
    const r = await t.client.chat.completions.create({ model: 'temporary', messages: user('temp') });
    expect(r.choices[0]!.message.content).toBe('echo: temp');
    expect(emu.requests[0]!.headers['x-amz-security-token']).toBe('session-token-1');
  });

  describe('credentials from the default provider chain', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_PROFILE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });

    it('reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION from the environment', async () => {
      process.env.AWS_ACCESS_KEY_ID = 'AKIDEMULATOR000001';
      process.env.AWS_SECRET_ACCESS_KEY = 'emulator-secret-key';
      delete process.env.AWS_SESSION_TOKEN;
      process.env.AWS_REGION = 'us-east-1';
      const g = await createTestGateway({ plugins: [bedrockProvider({ apiBase: emu.origin })], models: [{ name: 'claude', provider: 'bedrock', model: CLAUDE }] });
      try {
        const r = await g.client.chat.completions.create({ model: 'claude', messages: user('from env') });
        expect(r.choices[0]!.message.content).toBe('echo: from env');
      } finally {
        await g.close();
      }
    });

    it('reads a named profile from the shared credentials file', async () => {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];
      const dir = await mkdtemp(join(tmpdir(), 'sy-aws-'));
      await writeFile(join(dir, 'credentials'), '[emulator]\naws_access_key_id = ASIATEMPORARY00001\naws_secret_access_key = temp-secret\naws_session_token = session-token-1\n');
      await writeFile(join(dir, 'config'), '');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      const g = await createTestGateway({
        plugins: [bedrockProvider({ apiBase: emu.origin, region: 'us-east-1' })],
        models: [{ name: 'claude', provider: 'bedrock', model: CLAUDE, profile: 'emulator' }],
      });
      try {
        const r = await g.client.chat.completions.create({ model: 'claude', messages: user('from profile') });
        expect(r.choices[0]!.message.content).toBe('echo: from profile');
        expect(emu.requests.at(-1)!.headers.authorization).toContain('Credential=ASIATEMPORARY00001/');
        expect(emu.requests.at(-1)!.headers['x-amz-security-token']).toBe('session-token-1');
      } finally {
        await g.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('errors arrive in the OpenAI shape with the right status', () => {
    async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.APIError);
      return err as InstanceType<typeof OpenAI.APIError>;
    }

    it('a wrong secret is rejected by signature verification (401)', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'wrong-secret', messages: user('x') }));
      expect(e.status).toBe(401);
      expect(e.type).toBe('authentication_error');
      expect(e.code).toBe('InvalidSignatureException');
      expect(e.message).toMatch(/signature we calculated does not match/);
    });

    it('an unknown access key (401) and a wrongly scoped region (401)', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'unknown-key', messages: user('x') }));
      expect(e.status).toBe(401);
      expect(e.code).toBe('UnrecognizedClientException');
      const r = await failure(t.client.chat.completions.create({ model: 'wrong-region', messages: user('x') }));
      expect(r.status).toBe(401);
      expect(r.message).toMatch(/scoped to a valid region/);
    });

    it('403 AccessDeniedException', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'denied', messages: user('x') }));
      expect(e.status).toBe(403);
      expect(e.type).toBe('permission_error');
      expect(e.code).toBe('AccessDeniedException');
    });

    it('400 ValidationException for an invalid model id and for a body Bedrock rejects', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'invalid-model', messages: user('x') }));
      expect(e.status).toBe(400);
      expect(e.code).toBe('ValidationException');
      expect(e.message).toBe('400 The provided model identifier is invalid.');
      const v = await failure(t.client.chat.completions.create({ model: 'claude', messages: [{ role: 'assistant', content: 'I start' }, ...user('x')] }));
      expect(v.status).toBe(400);
      expect(v.message).toMatch(/must start with a user message/);
    });

    it('400 from the gateway for an image URL Bedrock cannot fetch', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }));
      expect(e.status).toBe(400);
      expect(e.param).toBe('messages[0].content[0].image_url.url');
      expect(emu.requests).toHaveLength(0);
    });

    it.each([
      [404, 'ResourceNotFoundException', 404, 'not_found_error'],
      [429, 'ThrottlingException', 429, 'rate_limit_error'],
      [500, 'InternalServerException', 500, 'server_error'],
      [503, 'ServiceUnavailableException', 503, 'server_error'],
      [424, 'ModelErrorException', 502, 'server_error'],
    ])('%i %s → %i %s, upstream request id kept', async (status, errorType, expected, type) => {
      const f = bedrockErrorFault(errorType, `emulated ${errorType}`);
      emu.fault({ status, ...f, headers: { ...f.headers, 'retry-after': '3' } });
      const e = await failure(t.client.chat.completions.create({ model: 'claude', messages: user('x') }));
      expect(e.status).toBe(expected);
      expect(e.type).toBe(type);
      expect(e.code).toBe(errorType);
      if (expected < 500) expect(e.message).toBe(`${expected} emulated ${errorType}`);
      expect(e.headers?.get('x-upstream-request-id')).toBe(f.headers!['x-amzn-requestid']);
      if (expected === 429) expect(e.headers?.get('retry-after')).toBe('3');
    });

    it('an exception inside the event stream fails the stream with the mapped error', async () => {
      emu.streamException({ exceptionType: 'throttlingException', message: 'Too many tokens, please wait before trying again.', afterEvents: 3 });
      const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: user('one two three four') });
      const got: string[] = [];
      const err = await (async () => {
        for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(got.join('')).toBe('echo: one');
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Too many tokens/);
    });

    it('a modelStreamErrorException before any content is a 502 in the OpenAI shape', async () => {
      emu.streamException({ exceptionType: 'modelStreamErrorException', message: 'The model stream failed.', afterEvents: 0 });
      const e = await failure(t.client.chat.completions.stream({ model: 'claude', messages: user('x') }).finalChatCompletion());
      expect(e.message).toMatch(/model stream failed/);
    });

    it('an upstream that never answers is a 504 timeout_error', async () => {
      emu.fault({ hang: true });
      const e = await failure(t.client.chat.completions.create({ model: 'impatient', messages: user('x') }));
      expect(e.status).toBe(504);
      expect(e.type).toBe('timeout_error');
    });

    it('a connection dropped mid-stream ends the stream, after the chunks already sent, with an upstream_connection_error the SDK raises', async () => {
      emu.fault({ dropAfterEvents: 2 });
      const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: user('a b c d e') });
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
        message: expect.stringMatching(/^Could not reach the bedrock upstream/),
        type: 'server_error',
        param: null,
        code: 'upstream_connection_error',
      });
    });
  });
});
