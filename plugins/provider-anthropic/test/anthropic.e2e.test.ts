import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import { anthropicErrorBody, createTestGateway, startAnthropicEmulator, type AnthropicEmulator, type TestGateway } from '@switchyard/test-kit';

type Sent = Record<string, unknown> & { messages: Array<{ role: string; content: unknown }> };

describe('the anthropic provider through the Anthropic emulator (openai SDK over HTTP)', () => {
  let emu: AnthropicEmulator;
  let t: TestGateway;
  const sent = (i = 0) => emu.requests[i]!.body as Sent;
  const user = (content: string) => ({ role: 'user' as const, content });
  const tools = [
    { type: 'function' as const, function: { name: 'lookup', description: 'Look a thing up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    { type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
  ];

  beforeAll(async () => {
    emu = await startAnthropicEmulator();
    const base = { provider: 'anthropic', apiBase: emu.origin, apiKey: emu.apiKey };
    t = await createTestGateway({
      plugins: [anthropicProvider()],
      models: [
        { name: 'claude', model: 'claude-sonnet-4-5', ...base },
        { name: 'claude-v1-base', model: 'claude-sonnet-4-5', ...base, apiBase: `${emu.origin}/v1/` },
        { name: 'claude-beta', model: 'claude-sonnet-4-5', ...base, beta: ['prompt-caching-2024-07-31', 'extended-cache-ttl-2025-04-11'], defaultMaxTokens: 1000 },
        { name: 'wrong-key', model: 'claude-sonnet-4-5', ...base, apiKey: 'sk-ant-wrong' },
        { name: 'gone', model: 'missing-claude', ...base },
        { name: 'slow', model: 'claude-sonnet-4-5', ...base, timeoutMs: 200 },
        { name: 'down', model: 'claude-sonnet-4-5', ...base, apiBase: 'http://127.0.0.1:9' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  it('answers text with the Anthropic headers, the default max_tokens and mapped usage', async () => {
    const { data, response } = await t.client.chat.completions.create({ model: 'claude', messages: [user('hello there')] }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^msg_emu/);
    expect(data.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'echo: hello there' });
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.completion_tokens).toBe(4); // echo : hello there
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + 4);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    const req = emu.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe(emu.apiKey);
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.headers['anthropic-beta']).toBeUndefined();
    expect(sent()).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'hello there' }] });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('accepts an apiBase ending in /v1 and sends anthropic-beta and a per-deployment max_tokens default', async () => {
    const a = await t.client.chat.completions.create({ model: 'claude-v1-base', messages: [user('x')] });
    expect(a.choices[0]!.message.content).toBe('echo: x');
    expect(emu.requests[0]!.path).toBe('/v1/messages');
    await t.client.chat.completions.create({ model: 'claude-beta', messages: [user('x')] });
    expect(emu.requests[1]!.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11');
    expect(sent(1).max_tokens).toBe(1000);
  });

  it('sends system and developer messages as the top-level system and keeps a multi-turn conversation', async () => {
    const r = await t.client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in English.' },
        user('first question'),
        { role: 'assistant', content: 'first answer' },
        user('second'),
        user('question'),
      ],
      temperature: 0.2,
      top_p: 0.9,
      user: 'user-42',
    });
    expect(r.choices[0]!.message.content).toBe('echo: second question');
    expect(sent()).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'You are terse.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'text', text: 'question' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      metadata: { user_id: 'user-42' },
    });
  });

  it('sends image parts as base64 and url sources', async () => {
    const r = await t.client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('echo: what is this');
    expect(sent().messages[0]!.content).toEqual([
      { type: 'text', text: 'what is this' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('round-trips tools: tool call out, tool result back in, merged tool results', async () => {
    const first = await t.client.chat.completions.create({ model: 'claude', tools, messages: [user('find x')] });
    const msg = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(msg.content).toBeNull();
    const call = msg.tool_calls![0]!;
    expect(call).toMatchObject({ type: 'function', function: { name: 'lookup' } });
    expect(call.id).toMatch(/^toolu_emu/);
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'find x' });
    expect(sent().tools).toEqual([
      { name: 'lookup', description: 'Look a thing up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
      { name: 'weather', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
    ]);
    expect(sent().tool_choice).toBeUndefined();

    // two parallel calls answered by two tool messages: one user turn with two tool_result blocks
    const twoCalls = { ...msg, tool_calls: [call, { id: 'toolu_other', type: 'function' as const, function: { name: 'weather', arguments: '{"q":"paris"}' } }] };
    const next = await t.client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [user('find x'), twoCalls, { role: 'tool', tool_call_id: call.id, content: '42' }, { role: 'tool', tool_call_id: 'toolu_other', content: [{ type: 'text', text: 'sunny' }] }],
    });
    expect(next.choices[0]!.message.content).toBe('tool result: 42 sunny');
    expect(next.choices[0]!.finish_reason).toBe('stop');
    expect(sent(1).messages).toEqual([
      { role: 'user', content: 'find x' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: call.id, name: 'lookup', input: { q: 'find x' } },
          { type: 'tool_use', id: 'toolu_other', name: 'weather', input: { q: 'paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: call.id, content: '42' },
          { type: 'tool_result', tool_use_id: 'toolu_other', content: [{ type: 'text', text: 'sunny' }] },
        ],
      },
    ]);
  });

  it('maps tool_choice and parallel_tool_calls', async () => {
    const forced = await t.client.chat.completions.create({
      model: 'claude',
      tools,
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      messages: [user('rain?')],
    });
    expect(forced.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'weather' } });
    expect(sent(0).tool_choice).toEqual({ type: 'tool', name: 'weather', disable_parallel_tool_use: true });

    const none = await t.client.chat.completions.create({ model: 'claude', tools, tool_choice: 'none', messages: [user('just talk')] });
    expect(none.choices[0]!.message.content).toBe('echo: just talk');
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(sent(1).tool_choice).toEqual({ type: 'none' });

    await t.client.chat.completions.create({ model: 'claude', tools, tool_choice: 'required', messages: [user('x')] });
    expect(sent(2).tool_choice).toEqual({ type: 'any' });
  });

  it('maps stop to stop_sequences (finish stop) and max_tokens to length', async () => {
    const stopped = await t.client.chat.completions.create({ model: 'claude', stop: ['STOP', 'never'], messages: [user('one two STOP three')] });
    expect(stopped.choices[0]!.message.content).toBe('echo: one two ');
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect(sent(0).stop_sequences).toEqual(['STOP', 'never']);

    const cut = await t.client.chat.completions.create({ model: 'claude', max_tokens: 3, messages: [user('a b c d e f')] });
    expect(cut.choices[0]!.message.content).toBe('echo: a b');
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(sent(1).max_tokens).toBe(3);

    await t.client.chat.completions.create({ model: 'claude', max_tokens: 3, max_completion_tokens: 50, messages: [user('x')] });
    expect(sent(2).max_tokens).toBe(50);
  });

  it('streams text chunk by chunk, with usage only when asked and equal to the non-streamed usage', async () => {
    const whole = await t.client.chat.completions.create({ model: 'claude', messages: [user('one two three')] });
    const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: [user('one two three')] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    expect(sent(1).stream).toBe(true);
    expect(emu.requests[1]!.headers.accept).toBe('text/event-stream');

    const withUsage = await t.client.chat.completions.create({ model: 'claude', stream: true, stream_options: { include_usage: true }, messages: [user('one two three')] });
    const all = [];
    for await (const c of withUsage) all.push(c);
    const last = all.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
    expect(all.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams tool calls through the strict SDK helper and sends the result back', async () => {
    const runner = t.client.chat.completions.stream({ model: 'claude', tools, messages: [user('find y')] });
    const final = await runner.finalChatCompletion();
    const msg = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const call = msg.tool_calls![0]!;
    expect(call.id).toMatch(/^toolu_emu/);
    expect(call.type === 'function' && call.function.name).toBe('lookup');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'find y' });
    const next = await t.client.chat.completions
      .stream({ model: 'claude', tools, messages: [user('find y'), msg, { role: 'tool', tool_call_id: call.id, content: 'found' }] })
      .finalChatCompletion();
    expect(next.choices[0]!.message.content).toBe('tool result: found');
  });

  it('maps reasoning_effort to a thinking budget and surfaces reasoning_content', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'medium', messages: [user('think')] });
    const msg = r.choices[0]!.message as typeof r.choices[0]['message'] & { reasoning_content?: string; thinking_blocks?: Array<{ signature: string }> };
    expect(sent(0).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(sent(0).max_tokens).toBe(4096);
    expect(msg.content).toBe('echo: think');
    expect(msg.reasoning_content).toBe('Considering: think (budget 2048)');
    expect(msg.thinking_blocks![0]!.signature).toMatch(/^sig_/);

    // max_tokens grows past the budget; streamed thinking arrives as reasoning_content deltas
    const stream = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'high', max_tokens: 100, stream: true, messages: [user('deep')] });
    let reasoning = '';
    let content = '';
    for await (const c of stream) {
      const d = c.choices[0]?.delta as { reasoning_content?: string; content?: string | null } | undefined;
      reasoning += d?.reasoning_content ?? '';
      content += d?.content ?? '';
    }
    expect(sent(1).thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(sent(1).max_tokens).toBe(4196);
    expect(reasoning).toBe('Considering: deep (budget 4096)');
    expect(content).toBe('echo: deep');
  });

  it('reports cache writes then cache reads for prompts with cache_control', async () => {
    const messages = [
      { role: 'system' as const, content: [{ type: 'text' as const, text: 'A long shared system prompt about many things.', cache_control: { type: 'ephemeral' } }] },
      user('q1'),
    ] as OpenAI.ChatCompletionMessageParam[];
    const first = await t.client.chat.completions.create({ model: 'claude', messages });
    expect(sent(0).system).toEqual([{ type: 'text', text: 'A long shared system prompt about many things.', cache_control: { type: 'ephemeral' } }]);
    const written = first.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens: number };
    expect(written.cache_write_tokens).toBeGreaterThan(0);
    expect(written.cached_tokens).toBe(0);
    const second = await t.client.chat.completions.create({ model: 'claude', messages });
    const read = second.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens: number };
    expect(read.cached_tokens).toBe(written.cache_write_tokens);
    expect(read.cache_write_tokens).toBe(0);
    expect(second.usage!.prompt_tokens).toBe(first.usage!.prompt_tokens);
  });

  it('answers response_format json_schema through a forced tool, as content', async () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const r = await t.client.chat.completions.create({
      model: 'claude',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      messages: [user('json please')],
    });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual({ q: 'json please' });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'json_tool_call' });
  });

  const expectError = async (p: Promise<unknown>, status: number, fields: Record<string, unknown> = {}) => {
    const err = (await p.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(status);
    expect(err.error).toMatchObject(fields);
    expect(Object.keys(err.error as object).sort()).toEqual(['code', 'message', 'param', 'type']);
    return err;
  };
  const ask = (model = 'claude') => t.client.chat.completions.create({ model, messages: [user('x')] });

  it('maps every upstream error class to the OpenAI shape with the right status', async () => {
    emu.fault({ status: 400, body: anthropicErrorBody('invalid_request_error', 'messages: bad thing', 'req_up1'), headers: { 'request-id': 'req_up1' } });
    const bad = await expectError(ask(), 400, { type: 'invalid_request_error', message: 'messages: bad thing', code: 'invalid_request_error' });
    expect(bad.headers?.get('x-upstream-request-id')).toBe('req_up1');
    await expectError(ask('wrong-key'), 401, { type: 'authentication_error', message: 'invalid x-api-key' });
    emu.fault({ status: 403 });
    await expectError(ask(), 403, { type: 'permission_error' });
    await expectError(ask('gone'), 404, { type: 'not_found_error', message: 'model: missing-claude' });
    emu.fault({ status: 429, headers: { 'retry-after': '7' } });
    const limited = await expectError(ask(), 429, { type: 'rate_limit_error' });
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(limited.headers?.get('x-upstream-request-id')).toMatch(/^req_emu/);
    emu.fault({ status: 500 });
    await expectError(ask(), 500, { type: 'server_error', message: 'emulated api_error' });
    emu.fault({ status: 529 });
    await expectError(ask(), 503, { type: 'overloaded_error', code: 'overloaded_error' });
  });

  it('turns upstream timeouts into 504 and connection failures into 502', async () => {
    emu.fault({ hang: true });
    await expectError(ask('slow'), 504, { code: 'upstream_timeout' });
    await expectError(ask('down'), 502, { code: 'upstream_connection_error' });
    emu.fault({ reset: true });
    await expectError(ask(), 502, { code: 'upstream_connection_error' });
  });

  it('a strict-API rejection comes back as a 400 (e.g. a temperature Anthropic does not accept)', async () => {
    await expectError(t.client.chat.completions.create({ model: 'claude', temperature: 1.5, messages: [user('x')] }), 400, {
      type: 'invalid_request_error',
      message: 'temperature: Input should be less than or equal to 1',
    });
  });

  it('ends a stream dropped mid-way with an error after the chunks already sent', async () => {
    emu.fault({ dropAfterEvents: 5 }); // message_start, ping, block start, 2 text deltas
    const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: [user('a b c d e f')] });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('echo: a ');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/anthropic upstream/);
  });

  it('turns an in-stream error event into an error the SDK raises', async () => {
    emu.fault({ streamError: { afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' } });
    const stream = await t.client.chat.completions.create({ model: 'claude', stream: true, messages: [user('a b c')] });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('echo: ');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'overloaded_error', message: 'Overloaded' });
  });

  it.each([
    ['overloaded_error before message_start', 0, 'overloaded_error', 503],
    ['overloaded_error after message_start and ping', 2, 'overloaded_error', 503],
    ['rate_limit_error after message_start', 1, 'rate_limit_error', 429],
  ] as const)('an %s is an HTTP error the SDK can retry, not a 200 with an error frame', async (_name, afterEvents, type, status) => {
    emu.fault({ streamError: { afterEvents, type, message: 'Overloaded' } });
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: 'claude', stream: true, messages: [user('x')] }),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('x-upstream-request-id')).toMatch(/^req_emu/);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ type, message: 'Overloaded', code: type });
    emu.fault({ streamError: { afterEvents: 2, type: 'overloaded_error' } });
    const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: t.url, maxRetries: 1 });
    const final = await retrying.chat.completions.stream({ model: 'claude', messages: [user('again')] }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('echo: again');
  });

  it('answers response_format json_object through a forced free-form tool, streamed and not', async () => {
    const r = await t.client.chat.completions.create({ model: 'claude', response_format: { type: 'json_object' }, messages: [user('any json')] });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual({ q: 'any json' });
    expect(sent().tools).toEqual([{ name: 'json_tool_call', description: expect.any(String), input_schema: { type: 'object' } }]);
    const streamed = await t.client.chat.completions.stream({ model: 'claude', response_format: { type: 'json_object' }, messages: [user('any json')] }).finalChatCompletion();
    expect(streamed.choices[0]!.message.content).toBe(r.choices[0]!.message.content);
  });

  it('replays thinking in a tool loop; without it the next turn is refused as Claude refuses it', async () => {
    const first = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'low', tools, messages: [user('Paris')] });
    const msg = first.choices[0]!.message as OpenAI.ChatCompletionMessage & { thinking_blocks?: unknown[] };
    const call = msg.tool_calls![0]!;
    const second = await t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'low', tools, messages: [user('Paris'), msg, { role: 'tool', tool_call_id: call.id, content: 'sunny' }] });
    expect(second.choices[0]!.message.content).toBe('tool result: sunny');
    const { thinking_blocks: _gone, ...bare } = msg;
    await expectError(
      t.client.chat.completions.create({ model: 'claude', reasoning_effort: 'low', tools, messages: [user('Paris'), bare, { role: 'tool', tool_call_id: call.id, content: 'sunny' }] }),
      400,
      { message: expect.stringMatching(/a final `assistant` message must start with a thinking block/) },
    );
  });

  it('maps user, safety_identifier and service_tier; refuses parameters Anthropic cannot honour', async () => {
    await t.client.chat.completions.create({ model: 'claude', safety_identifier: 'sid-1', service_tier: 'default', n: 1, presence_penalty: 0, messages: [user('x')] });
    expect(sent()).toMatchObject({ metadata: { user_id: 'sid-1' }, service_tier: 'standard_only' });
    for (const [extra, param] of [
      [{ seed: 3 }, 'seed'],
      [{ presence_penalty: 1 }, 'presence_penalty'],
      [{ logprobs: true }, 'logprobs'],
      [{ service_tier: 'flex' }, 'service_tier'],
      [{ frobnicate: true }, 'frobnicate'],
    ] as const) {
      await expectError(t.client.chat.completions.create({ model: 'claude', messages: [user('x')], ...(extra as object) }), 400, { param });
    }
    expect(emu.requests).toHaveLength(1);
  });

  it('rejects what Anthropic cannot serve with a 400 before calling upstream', async () => {
    await expectError(t.client.chat.completions.create({ model: 'claude', n: 2, messages: [user('x')] }), 400, { param: 'n' });
    await expectError(
      t.client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }),
      400,
      { param: 'messages[0].content[0].image_url.url' },
    );
    expect(emu.requests).toHaveLength(0);
  });
});

describe('anthropic/<model> without configuration', () => {
  let emu: AnthropicEmulator;
  let t: TestGateway;
  const saved = { key: process.env.ANTHROPIC_API_KEY, base: process.env.ANTHROPIC_BASE_URL };
  beforeAll(async () => {
    emu = await startAnthropicEmulator();
    process.env.ANTHROPIC_API_KEY = emu.apiKey;
    process.env.ANTHROPIC_BASE_URL = emu.origin;
    t = await createTestGateway({ plugins: [anthropicProvider()] });
  });
  afterAll(async () => {
    for (const [name, value] of [['ANTHROPIC_API_KEY', saved.key], ['ANTHROPIC_BASE_URL', saved.base]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await t.close();
    await emu.close();
  });

  it('resolves anthropic/<model> with the key and base URL from the environment, and lists the models', async () => {
    const r = await t.client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hey' }] });
    expect(r.choices[0]!.message.content).toBe('echo: hey');
    expect(emu.requests[0]!.headers['x-api-key']).toBe(emu.apiKey);
    expect((emu.requests[0]!.body as { model: string }).model).toBe('claude-haiku-4-5');
    const ids = [];
    for await (const m of t.client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['anthropic/claude-sonnet-4-5', 'anthropic/claude-haiku-4-5']));
  });
});
