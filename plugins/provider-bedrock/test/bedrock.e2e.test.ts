import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { definePlugin, z } from '@switchyard/core';
import bedrockProvider from '@switchyard/provider-bedrock';
import { bedrockErrorFault, createTestGateway, reasoningSignature, startBedrockEmulator, type BedrockEmulator, type TestGateway } from '@switchyard/test-kit';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const CLAUDE45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

type Converse = { messages: Array<{ role: string; content: Array<Record<string, unknown>> }>; [key: string]: unknown };
type ReasoningMessage = OpenAI.ChatCompletionMessage & { reasoning_content?: string; thinking_blocks?: Array<{ type: string; thinking?: string; signature?: string }> };

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
        { name: 'claude45', provider: 'bedrock', model: CLAUDE45 },
        { name: 'claude45-tool', provider: 'bedrock', model: CLAUDE45, structuredOutput: 'tool' },
        { name: 'llama', provider: 'bedrock', model: 'meta.llama3-70b-instruct-v1:0' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  const user = (content: string) => [{ role: 'user' as const, content }];
  async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return err as InstanceType<typeof OpenAI.APIError>;
  }
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } },
  ];

  it('answers a text completion via a signed Converse call and reports the upstream request id', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', messages: user('hello bedrock') });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('claude'); // the name the client asked for (README: one rule for model)
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

  it('sends reasoning_effort as a thinking budget to Claude and returns reasoning_content with its signature', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'low', messages: user('think') });
    expect((emu.requests[0]!.body as { additionalModelRequestFields: unknown }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    const msg = r.choices[0]!.message as ReasoningMessage;
    expect(msg.reasoning_content).toBe('Considering: think (budget 1024)');
    expect(msg.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'Considering: think (budget 1024)', signature: reasoningSignature('Considering: think (budget 1024)') }]);
    expect(r.choices[0]!.message.content).toBe('echo: think');
  });

  describe('agent loops with extended thinking and tools', () => {
    it.each([false, true])('turn 2 replays the signed reasoning before the toolUse (stream: %s)', async (stream) => {
      const ask = { model: 'claude45', reasoning_effort: 'low' as const, tools, messages: user('Paris') };
      const first = stream ? await t.client.chat.completions.stream(ask).finalChatCompletion() : await t.client.chat.completions.create(ask);
      const msg = first.choices[0]!.message as ReasoningMessage;
      const thought = 'Considering: Paris (budget 1024)';
      expect(msg.thinking_blocks).toEqual([{ type: 'thinking', thinking: thought, signature: reasoningSignature(thought) }]);
      const call = msg.tool_calls![0]!;
      const next = { model: 'claude45', reasoning_effort: 'low' as const, tools, messages: [...user('Paris'), msg, { role: 'tool' as const, tool_call_id: call.id, content: '21 degrees' }] };
      const second = stream ? await t.client.chat.completions.stream(next).finalChatCompletion() : await t.client.chat.completions.create(next);
      expect(second.choices[0]!.message.content).toBe('tool result: 21 degrees');
      expect(second.choices[0]!.finish_reason).toBe('stop');
      const replayed = (emu.requests.at(-1)!.body as Converse).messages[1]!.content;
      expect(replayed[0]).toEqual({ reasoningContent: { reasoningText: { text: thought, signature: reasoningSignature(thought) } } });
      expect(Object.keys(replayed[1]!)).toEqual(['toolUse']);
    });

    it('without the reasoning, turn 2 is refused with the error Bedrock relays from Claude', async () => {
      const first = await t.client.chat.completions.create({ model: 'claude45', reasoning_effort: 'low', tools, messages: user('Rome') });
      const { thinking_blocks: _dropped, ...bare } = first.choices[0]!.message as ReasoningMessage;
      const e = await failure(
        t.client.chat.completions.create({ model: 'claude45', reasoning_effort: 'low', tools, messages: [...user('Rome'), bare, { role: 'tool', tool_call_id: bare.tool_calls![0]!.id, content: 'sunny' }] }),
      );
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/a final `assistant` message must start with a thinking block/);
      const forged = { ...(first.choices[0]!.message as ReasoningMessage), thinking_blocks: [{ type: 'thinking', thinking: 'Considering: Rome (budget 1024)', signature: 'forged' }] };
      const f = await failure(t.client.chat.completions.create({ model: 'claude45', reasoning_effort: 'low', tools, messages: [...user('Rome'), forged, { role: 'tool', tool_call_id: forged.tool_calls![0]!.id, content: 'sunny' }] }));
      expect(f.message).toMatch(/Invalid `signature` in `thinking` block/);
    });
  });

  it("reasoning_effort 'none' sends no thinking, 'xhigh' an 8192 budget; an effort a model cannot take is a 400 before upstream", async () => {
    const none = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'none', messages: user('quick') });
    expect(none.choices[0]!.message.content).toBe('echo: quick');
    expect((emu.requests[0]!.body as Converse).additionalModelRequestFields).toBeUndefined();
    const xhigh = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'xhigh', messages: user('deep') });
    expect((xhigh.choices[0]!.message as ReasoningMessage).reasoning_content).toBe('Considering: deep (budget 8192)');
    expect((emu.requests[1]!.body as Converse).inferenceConfig).toEqual({ maxTokens: 4096 + 8192 });
    const e = await failure(t.client.chat.completions.create({ model: 'llama', reasoning_effort: 'high', messages: user('x') }));
    expect(e.status).toBe(400);
    expect(e.param).toBe('reasoning_effort');
    expect(e.message).toMatch(/meta\.llama3-70b-instruct-v1:0/);
    expect(emu.requests).toHaveLength(2);
  });

  describe('structured output', () => {
    const Trip = z.object({ city: z.string(), days: z.number().int() });
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'], additionalProperties: false };

    it.each([
      ['claude45', 'outputConfig'],
      ['claude45-tool', 'toolConfig'],
      ['claude', 'toolConfig'],
    ])('%s answers json_schema as JSON content (through %s), and the SDK parse() reads it', async (model, field) => {
      const parsed = await t.client.chat.completions.parse({ model, messages: user('Lisbon'), response_format: zodResponseFormat(Trip, 'trip') });
      expect(parsed.choices[0]!.message.parsed).toEqual({ city: 'Lisbon', days: 1 });
      expect(parsed.choices[0]!.finish_reason).toBe('stop');
      expect(parsed.choices[0]!.message.tool_calls ?? []).toEqual([]);
      expect(emu.requests[0]!.body).toHaveProperty(field);
      const streamed = await t.client.chat.completions.stream({ model, messages: user('Lisbon'), response_format: { type: 'json_schema', json_schema: { name: 'trip', schema } } }).finalChatCompletion();
      expect(JSON.parse(streamed.choices[0]!.message.content!)).toEqual({ city: 'Lisbon', days: 1 });
      expect(streamed.choices[0]!.finish_reason).toBe('stop');
    });

    it('answers json_object as a JSON object, streamed and not', async () => {
      const plain = await t.client.chat.completions.create({ model: 'nova', messages: user('any json'), response_format: { type: 'json_object' } });
      expect(JSON.parse(plain.choices[0]!.message.content!)).toEqual({ q: 'any json' });
      const streamed = await t.client.chat.completions.stream({ model: 'nova', messages: user('any json'), response_format: { type: 'json_object' } }).finalChatCompletion();
      expect(streamed.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
    });

    it('keeps structured output, tools and thinking together on Claude 4.5', async () => {
      const first = await t.client.chat.completions.create({ model: 'claude45', reasoning_effort: 'low', tools, messages: user('Oslo'), response_format: { type: 'json_schema', json_schema: { name: 'trip', schema } } });
      const msg = first.choices[0]!.message as ReasoningMessage;
      expect(msg.tool_calls![0]!.type === 'function' && msg.tool_calls![0]!.function.name).toBe('get_weather');
      const second = await t.client.chat.completions.create({
        model: 'claude45',
        reasoning_effort: 'low',
        tools,
        response_format: { type: 'json_schema', json_schema: { name: 'trip', schema } },
        messages: [...user('Oslo'), msg, { role: 'tool', tool_call_id: msg.tool_calls![0]!.id, content: 'cold' }],
      });
      expect(JSON.parse(second.choices[0]!.message.content!)).toEqual({ city: 'tool result: cold', days: 1 });
    });

    it('a model with neither structured output nor tool use gets a 400 naming the parameter and the model', async () => {
      const e = await failure(t.client.chat.completions.create({ model: 'llama', messages: user('x'), response_format: { type: 'json_schema', json_schema: { name: 'trip', schema } } }));
      expect(e.status).toBe(400);
      expect(e.param).toBe('response_format');
      expect(e.message).toMatch(/meta\.llama3-70b-instruct-v1:0/);
      expect(emu.requests).toHaveLength(0);
    });
  });

  it('forwards strict on tools: Claude 4.5 takes it, Claude 3.5 refuses it upstream', async () => {
    const strictTools = [{ ...tools[0]!, function: { ...(tools[0] as OpenAI.ChatCompletionFunctionTool).function, strict: true } }];
    const r = await t.client.chat.completions.create({ model: 'claude45', tools: strictTools, messages: user('Paris') });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect((emu.requests[0]!.body as { toolConfig: { tools: Array<{ toolSpec: { strict?: boolean } }> } }).toolConfig.tools[0]!.toolSpec.strict).toBe(true);
    const e = await failure(t.client.chat.completions.create({ model: 'claude', tools: strictTools, messages: user('Paris') }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('ValidationException');
  });

  it('continues a conversation whose tool call ids another provider made too long for Bedrock', async () => {
    const longId = `call_4f2a9c__thought__${'Q2lRQm'.repeat(115)}`;
    const r = await t.client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [...user('Paris'), { role: 'assistant', content: null, tool_calls: [{ id: longId, type: 'function', function: { name: 'get_weather', arguments: '{"q":"Paris"}' } }] }, { role: 'tool', tool_call_id: longId, content: 'warm' }],
    });
    expect(r.choices[0]!.message.content).toBe('tool result: warm');
    const sent = (emu.requests[0]!.body as Converse).messages[1]!.content[0] as { toolUse: { toolUseId: string } };
    expect(sent.toolUse.toolUseId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it('refuses n > 1 and parameters Converse cannot honour with a 400 naming them, upstream not called', async () => {
    for (const [extra, param] of [
      [{ n: 2 }, 'n'],
      [{ seed: 7 }, 'seed'],
      [{ presence_penalty: 1 }, 'presence_penalty'],
      [{ logprobs: true }, 'logprobs'],
    ] as const) {
      const e = await failure(t.client.chat.completions.create({ model: 'claude', messages: user('x'), ...extra }));
      expect(e.status).toBe(400);
      expect(e.param).toBe(param);
    }
    expect(emu.requests).toHaveLength(0);
    const ok = await t.client.chat.completions.create({ model: 'claude', messages: user('x'), n: 1, user: 'user-42', service_tier: 'priority' });
    expect(ok.choices).toHaveLength(1);
    expect(emu.requests[0]!.body).toMatchObject({ requestMetadata: { user: 'user-42' }, serviceTier: { type: 'priority' } });
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

    it('a modelStreamErrorException before any content is an HTTP 502 in the OpenAI shape', async () => {
      emu.streamException({ exceptionType: 'modelStreamErrorException', message: 'The model stream failed.', afterEvents: 0 });
      const e = await failure(t.client.chat.completions.stream({ model: 'claude', messages: user('x') }).finalChatCompletion());
      expect(e.status).toBe(502);
      expect(e.message).toMatch(/model stream failed/);
    });

    it.each([
      ['throttlingException', 429, 'rate_limit_error', 'Too many requests, please wait before trying again.', 0],
      ['serviceUnavailableException', 503, 'server_error', 'Bedrock is unable to process your request.', 1],
    ])('a %s as the first stream event is an HTTP %i, not a 200 with an error frame', async (exceptionType, status, type, message, afterEvents) => {
      emu.streamException({ exceptionType, message, afterEvents });
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'claude', stream: true, messages: user('x') }),
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.headers.get('x-upstream-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error).toMatchObject({ type, message });
    });

    it('so the SDK retries a throttled stream and gets the answer', async () => {
      emu.streamException({ exceptionType: 'throttlingException', message: 'Too many requests, please wait before trying again.', afterEvents: 1 });
      const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: t.url, maxRetries: 1 });
      const final = await retrying.chat.completions.stream({ model: 'claude', messages: user('retry me') }).finalChatCompletion();
      expect(final.choices[0]!.message.content).toBe('echo: retry me');
      expect(emu.requests).toHaveLength(2);
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
