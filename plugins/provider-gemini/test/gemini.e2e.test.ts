import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { definePlugin, type CallEvent } from '@switchyard/core';
import { createTestGateway, startGeminiEmulator, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';
import gemini from '@switchyard/provider-gemini';

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' },
    strict: true,
  },
};
const timeTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
};

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('gemini (Google AI Studio) through the gateway with the openai SDK', () => {
  let emu: GeminiEmulator;
  let t: TestGateway;
  const events: CallEvent[] = [];
  const lastBody = (): Body => emu.requests.at(-1)!.body as Body;

  beforeAll(async () => {
    emu = await startGeminiEmulator();
    const recorder = definePlugin({
      name: 'test-recorder',
      version: '0.0.0',
      apply(g) {
        g.hooks.log.tapPromise('test-recorder', async (e) => void events.push(e));
      },
    });
    t = await createTestGateway({
      plugins: [gemini(), recorder],
      models: [
        { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey },
        { name: 'flash-safe', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_LOW_AND_ABOVE' }] },
        { name: 'flash-badkey', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: 'wrong-key' },
        { name: 'flash-nokey', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: `${emu.origin}/v1beta`, apiKey: '' },
        { name: 'missing', provider: 'gemini', model: 'missing-model', apiBase: emu.origin, apiKey: emu.apiKey },
        { name: 'g3', provider: 'gemini', model: 'gemini-3-pro-preview', apiBase: emu.origin, apiKey: emu.apiKey },
      ],
    });
  });
  afterEach(() => emu.reset());
  afterAll(async () => {
    await t?.close();
    await emu?.close();
  });

  it('answers text with usage, sending the key header to the AI Studio URL', async () => {
    const r = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'hello there' }], temperature: 0.3, max_tokens: 50 });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.message.content).toBe('echo: hello there');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.model).toBe('flash'); // the name the client asked for (README: one rule for model)
    expect(r.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
    const req = emu.requests.at(-1)!;
    expect(req.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.headers['x-goog-api-key']).toBe(emu.apiKey);
    expect(lastBody().generationConfig).toEqual({ temperature: 0.3, maxOutputTokens: 50 });
    await t.gateway.flush();
    const ev = events.at(-1)!;
    expect(ev.ctx.attempts.at(-1)!.upstreamRequestId).toMatch(/^emu/);
    expect(r.id).toBe(`chatcmpl-${ev.ctx.attempts.at(-1)!.upstreamRequestId}`);
  });

  it('carries a multi-turn conversation with a system prompt', async () => {
    const r = await t.client.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'echo: first' },
        { role: 'user', content: 'second' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('echo: second');
    expect(lastBody().systemInstruction).toEqual({ parts: [{ text: 'You are terse.' }] });
    expect(lastBody().contents.map((c: Body) => c.role)).toEqual(['user', 'model', 'user']);
  });

  it('sends image parts as inlineData and fileData', async () => {
    const r = await t.client.chat.completions.create({
      model: 'flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'describe' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.test/pic.png' } },
          ],
        },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('echo: describe');
    expect(lastBody().contents[0].parts).toEqual([
      { text: 'describe' },
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.test/pic.png' } },
    ]);
    expect(r.usage!.prompt_tokens).toBe(1 + 258 * 2);
  });

  it('round-trips a tool call and its result', async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Paris' }];
    const first = await t.client.chat.completions.create({ model: 'flash', messages, tools: [weatherTool, timeTool] });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ q: 'weather in Paris' });
    // sent as JSON Schema, only `$schema` dropped
    expect(lastBody().tools[0].functionDeclarations[0]).toEqual({
      name: 'get_weather',
      description: 'Weather of a city',
      parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    });

    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp_c":21}' });
    const second = await t.client.chat.completions.create({ model: 'flash', messages, tools: [weatherTool, timeTool] });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.content).toBe('tool result: {"temp_c":21}');
    expect(lastBody().contents.at(-1)).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp_c: 21 } } }] });
  });

  it('maps tool_choice to functionCallingConfig', async () => {
    const forced = await t.client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'what time' }],
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect((forced.choices[0]!.message.tool_calls![0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall).function.name).toBe('get_time');
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } });

    const none = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'just talk' }], tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]!.message.content).toBe('echo: just talk');
    expect(none.choices[0]!.finish_reason).toBe('stop');
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });

    await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }], tools: [weatherTool], tool_choice: 'required' });
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('streams text without usage unless asked, and with the same usage as non-streamed when asked', async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'one two three four' }];
    const plain = await t.client.chat.completions.create({ model: 'flash', messages });
    const stream = await t.client.chat.completions.create({ model: 'flash', messages, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(emu.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: one two three four');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    const withUsage = await t.client.chat.completions.create({ model: 'flash', messages, stream: true, stream_options: { include_usage: true } });
    const all: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of withUsage) all.push(c);
    const last = all.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    await t.gateway.flush();
    const attempt = events.at(-1)!.ctx.attempts.at(-1)!;
    expect(attempt.upstreamRequestId).toMatch(/^emu/);
    expect(last.id).toBe(`chatcmpl-${attempt.upstreamRequestId}`);
  });

  it('streams tool calls that the SDK stream helper accepts', async () => {
    const final = await t.client.chat.completions
      .stream({ model: 'flash', messages: [{ role: 'user', content: 'weather in Rome' }], tools: [weatherTool] })
      .finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_/);
    expect(call.function).toMatchObject({ name: 'get_weather', arguments: '{"q":"weather in Rome"}' });

    const text = await t.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'a b c' }] }).finalChatCompletion();
    expect(text.choices[0]!.message.content).toBe('echo: a b c');
  });

  it('maps reasoning_effort to a thinking budget and surfaces thoughts and reasoning tokens', async () => {
    const r = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'think hard' }], reasoning_effort: 'low' });
    expect(lastBody().generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    const message = r.choices[0]!.message as typeof r.choices[0]['message'] & { reasoning_content?: string };
    expect(message.content).toBe('echo: think hard');
    expect(message.reasoning_content).toBe('Considering: think hard (budget 1024)');
    const reasoning = r.usage!.completion_tokens_details!.reasoning_tokens!;
    expect(reasoning).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBe(4 + reasoning);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);

    const stream = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'think hard' }], reasoning_effort: 'low', stream: true, stream_options: { include_usage: true } });
    let thoughts = '';
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      const d = c.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      thoughts += d?.reasoning_content ?? '';
      content += d?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(thoughts).toBe('Considering: think hard (budget 1024)');
    expect(content).toBe('echo: think hard');
    expect(usage).toEqual(r.usage);
  });

  it('reports a SAFETY-blocked answer and a blocked prompt as content_filter', async () => {
    const r = await t.client.chat.completions.create({ model: 'flash-safe', messages: [{ role: 'user', content: 'something forbidden' }] });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    expect(r.choices[0]!.message.content).toBe('');
    expect(lastBody().safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_LOW_AND_ABOVE' }]);

    const blocked = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'a jailbreak attempt' }] });
    expect(blocked.choices[0]!.finish_reason).toBe('content_filter');
    expect(blocked.choices[0]!.message.content).toBe('');

    const streamed = await t.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'a jailbreak attempt' }] }).finalChatCompletion();
    expect(streamed.choices[0]!.finish_reason).toBe('content_filter');
    const streamedSafety = await t.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'forbidden' }] }).finalChatCompletion();
    expect(streamedSafety.choices[0]!.finish_reason).toBe('content_filter');
  });

  it('answers n candidates as n choices and honours stop and max tokens', async () => {
    const r = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'alpha beta gamma delta' }], n: 2, stop: ['gamma'] });
    expect(r.choices.map((c) => c.message.content)).toEqual(['echo: alpha beta ', 'echo: alpha beta ']);
    const short = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'alpha beta gamma delta' }], max_completion_tokens: 2 });
    expect(short.choices[0]!.message.content).toBe('echo: alpha');
    expect(short.choices[0]!.finish_reason).toBe('length');
  });

  it('keeps Gemini 3 tool call ids short, carries the thought signature beside them and replays it, streamed and not', async () => {
    for (const stream of [false, true]) {
      const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Oslo' }];
      const first = stream
        ? await t.client.chat.completions.stream({ model: 'g3', messages, tools: [weatherTool] }).finalChatCompletion()
        : await t.client.chat.completions.create({ model: 'g3', messages, tools: [weatherTool] });
      const message = first.choices[0]!.message;
      const call = message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall & { extra_content?: { google: { thought_signature: string } } };
      expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
      const signature = call.extra_content!.google.thought_signature;
      expect(signature).toEqual(expect.any(String));
      messages.push(message, { role: 'tool', tool_call_id: call.id, content: 'cold' });
      const second = await t.client.chat.completions.create({ model: 'g3', messages, tools: [weatherTool] });
      expect(second.choices[0]!.message.content).toBe('tool result: {"content":"cold"}');
      expect(lastBody().contents[1].parts[0].thoughtSignature).toBe(signature);
    }
  });

  it('still reads a signature from the long ids earlier versions minted', async () => {
    const first = await t.client.chat.completions.create({ model: 'g3', messages: [{ role: 'user', content: 'weather in Oslo' }], tools: [weatherTool] });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall & { extra_content: { google: { thought_signature: string } } };
    const legacy = `${call.id}__thought__${call.extra_content.google.thought_signature}`;
    const r = await t.client.chat.completions.create({
      model: 'g3',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Oslo' },
        { role: 'assistant', content: null, tool_calls: [{ id: legacy, type: 'function', function: call.function }] },
        { role: 'tool', tool_call_id: legacy, content: 'cold' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('tool result: {"content":"cold"}');
  });

  it('relays the error of a Gemini 3 model given its own tool call without the signature', async () => {
    const first = await t.client.chat.completions.create({ model: 'g3', messages: [{ role: 'user', content: 'weather in Oslo' }], tools: [weatherTool] });
    const { extra_content: _dropped, ...bare } = first.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall & { extra_content?: unknown };
    const err = await t.client.chat.completions
      .create({
        model: 'g3',
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'weather in Oslo' },
          { role: 'assistant', content: null, tool_calls: [bare] },
          { role: 'tool', tool_call_id: bare.id, content: 'cold' },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_argument' });
    expect((err as Error).message).toMatch(/missing a thought_signature/);
  });

  it("continues on Gemini 3 a conversation whose tool calls another provider made (Google's documented dummy signature)", async () => {
    const r = await t.client.chat.completions.create({
      model: 'g3',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Oslo' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_from_bedrock1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'tooluse_from_bedrock1', content: 'cold' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('tool result: {"content":"cold"}');
    expect(lastBody().contents[1].parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('asks for JSON with response_format and gets JSON back', async () => {
    const r = await t.client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'as json' }],
      response_format: { type: 'json_schema', json_schema: { name: 'echo', strict: true, schema: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false } } },
    });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual({ echo: 'as json' });
    expect(lastBody().generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false },
    });
  });
});
