import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatChunk, type ChatRequest, type UpstreamResponse } from '@switchyard/core';
import {
  AnthropicStreamTranslator,
  anthropicError,
  anthropicStreamError,
  finishReasonOf,
  toAnthropicRequest,
  toChatCompletion,
  usageOf,
  type AnthropicRequest,
  type AnthropicResponse,
  type AnthropicStreamEvent,
} from '@switchyard/provider-anthropic';

const req = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('toAnthropicRequest', () => {
  const cases: Array<[string, ChatRequest, Partial<AnthropicRequest>]> = [
    ['plain text, default max_tokens', req(), { model: 'claude-x', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] }],
    ['max_tokens', req({ max_tokens: 10 }), { max_tokens: 10 }],
    ['max_completion_tokens wins over max_tokens', req({ max_tokens: 10, max_completion_tokens: 20 }), { max_tokens: 20 }],
    ['stop string', req({ stop: 'END' }), { stop_sequences: ['END'] }],
    ['stop array', req({ stop: ['a', 'b'] }), { stop_sequences: ['a', 'b'] }],
    ['temperature, top_p, top_k', req({ temperature: 0.5, top_p: 0.8, top_k: 5 }), { temperature: 0.5, top_p: 0.8, top_k: 5 }],
    ['user → metadata.user_id', req({ user: 'u1' }), { metadata: { user_id: 'u1' } }],
    ['stream', req({ stream: true, stream_options: { include_usage: true } }), { stream: true }],
    ['reasoning_effort low', req({ reasoning_effort: 'low' }), { thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 }],
    ['reasoning_effort high grows max_tokens', req({ reasoning_effort: 'high', max_tokens: 1000 }), { thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 5096 }],
    ['native thinking passes through', req({ thinking: { type: 'enabled', budget_tokens: 3000 } }), { thinking: { type: 'enabled', budget_tokens: 3000 } }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toAnthropicRequest(input)).toMatchObject(expected);
  });

  it('leaves neutral OpenAI-only fields and optional ones out', () => {
    // 'none' is accepted by the gateway's schema, though not (yet) in ChatRequest's type
    const input = { ...req({ frequency_penalty: 0, presence_penalty: 0, seed: null, logprobs: false, n: 1, stream: false, prompt_cache_key: 'k' }), reasoning_effort: 'none' } as unknown as ChatRequest;
    const out = toAnthropicRequest(input);
    expect(out).toEqual({ model: 'claude-x', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] });
  });

  it.each([
    ['frequency_penalty', { frequency_penalty: 1 }],
    ['presence_penalty', { presence_penalty: 1 }],
    ['seed', { seed: 3 }],
    ['logprobs', { logprobs: true }],
    ['logit_bias', { logit_bias: { 5: 1 } }],
    ['audio', { audio: { voice: 'alloy' } }],
    ['service_tier', { service_tier: 'priority' }],
  ])('refuses %s it cannot honour with a 400 naming it', (param, extra) => {
    let err: unknown;
    try {
      toAnthropicRequest(req(extra as Partial<ChatRequest>));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 400, param });
  });

  it('honours the default max_tokens and thinking budgets options', () => {
    expect(toAnthropicRequest(req({ reasoning_effort: 'medium' }), { defaultMaxTokens: 1000, thinkingBudgets: { medium: 1500 } })).toMatchObject({
      max_tokens: 2500,
      thinking: { type: 'enabled', budget_tokens: 1500 },
    });
  });

  it('joins system and developer messages; keeps cache_control as system blocks', () => {
    const plain = toAnthropicRequest(req({ messages: [{ role: 'system', content: 'A' }, { role: 'developer', content: [{ type: 'text', text: 'B' }] }, { role: 'user', content: 'hi' }] }));
    expect(plain.system).toBe('A\n\nB');
    const cached = toAnthropicRequest(
      req({ messages: [{ role: 'system', content: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }] }, { role: 'system', content: 'B' }, { role: 'user', content: 'hi' }] }),
    );
    expect(cached.system).toEqual([{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }]);
  });

  it('merges same-role turns, puts a user turn first, and maps message-level cache_control', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: 'assistant', content: 'Hello, how can I help?' },
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b', cache_control: { type: 'ephemeral' } },
        ],
      }),
    );
    expect(out.messages).toEqual([
      { role: 'user', content: '.' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it('maps assistant tool calls (with replayed thinking blocks) and tool results, merged into one user turn', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: 'Let me look.',
            thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }],
            tool_calls: [
              { id: 't1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
              { id: 't2', type: 'function', function: { name: 'b', arguments: '' } },
            ],
          },
          { role: 'tool', tool_call_id: 't1', content: 'one' },
          { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: 'two' }] },
          { role: 'user', content: 'and?' },
        ],
      }),
    );
    expect(out.messages).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 't1', name: 'a', input: { x: 1 } },
          { type: 'tool_use', id: 't2', name: 'b', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'one' },
          { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'two' }] },
          { type: 'text', text: 'and?' },
        ],
      },
    ]);
  });

  it('maps images and PDF files', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4A==' } },
              { type: 'image_url', image_url: { url: 'http://example.com/a.png' } },
              { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
            ],
          },
        ],
      }),
    );
    expect(out.messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A==' } },
      { type: 'image', source: { type: 'url', url: 'http://example.com/a.png' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {} } } }];
  const choices: Array<[string, Partial<ChatRequest>, AnthropicRequest['tool_choice']]> = [
    ['no choice', {}, undefined],
    ['auto', { tool_choice: 'auto' }, { type: 'auto' }],
    ['required', { tool_choice: 'required' }, { type: 'any' }],
    ['none', { tool_choice: 'none' }, { type: 'none' }],
    ['named', { tool_choice: { type: 'function', function: { name: 'f' } } }, { type: 'tool', name: 'f' }],
    ['parallel off alone', { parallel_tool_calls: false }, { type: 'auto', disable_parallel_tool_use: true }],
    ['parallel off with required', { tool_choice: 'required', parallel_tool_calls: false }, { type: 'any', disable_parallel_tool_use: true }],
  ];
  it.each(choices)('tool_choice: %s', (_name, extra, expected) => {
    const out = toAnthropicRequest(req({ tools, ...extra }));
    expect(out.tools).toEqual([{ name: 'f', description: 'd', input_schema: { type: 'object', properties: {} } }]);
    expect(out.tool_choice).toEqual(expected);
  });

  it('drops tool_choice without tools', () => {
    expect(toAnthropicRequest(req({ tool_choice: 'required' })).tool_choice).toBeUndefined();
  });

  it('maps response_format json_schema to a forced tool (not forced with thinking)', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const out = toAnthropicRequest(req({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }));
    expect(out.tools).toEqual([{ name: 'json_tool_call', description: expect.any(String), input_schema: schema }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: 'json_tool_call' });
    const thinking = toAnthropicRequest(req({ reasoning_effort: 'low', response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }));
    expect(thinking.tool_choice).toBeUndefined();
  });

  const rejects: Array<[string, ChatRequest, string]> = [
    ['n > 1', req({ n: 3 }), 'n'],
    ['ftp image', req({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://a/b' } }] }] }), 'messages[0].content[0].image_url.url'],
    ['audio part', req({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] }), 'messages[0].content[0].type'],
    ['file by id', req({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }), 'messages[0].content[0].file'],
    [
      'bad tool arguments',
      req({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }),
      'messages[1].tool_calls[0].function.arguments',
    ],
  ];
  it.each(rejects)('rejects %s with a 400 naming the param', (_name, input, param) => {
    let err: unknown;
    try {
      toAnthropicRequest(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
  });
});

describe('finishReasonOf and usageOf', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, null],
  ] as const)('%s → %s', (stop, finish) => expect(finishReasonOf(stop)).toBe(finish));

  it('adds cached tokens back into the prompt total', () => {
    expect(usageOf({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 20 })).toEqual({
      prompt_tokens: 120,
      completion_tokens: 5,
      total_tokens: 125,
      prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 20 },
    });
    expect(usageOf({ input_tokens: 3, output_tokens: 1, cache_read_input_tokens: null })).toMatchObject({ prompt_tokens: 3, total_tokens: 4, prompt_tokens_details: { cached_tokens: 0 } });
  });
});

describe('toChatCompletion', () => {
  const msg = (content: AnthropicResponse['content'], stop_reason = 'end_turn'): AnthropicResponse => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content,
    stop_reason,
    stop_sequence: null,
    usage: { input_tokens: 4, output_tokens: 2 },
  });

  it('joins text blocks and maps usage', () => {
    const c = toChatCompletion(msg([{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }]), { created: 1 });
    expect(c).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1,
      model: 'claude-x',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
    });
  });

  it('maps tool_use to tool_calls and thinking to reasoning_content', () => {
    const c = toChatCompletion(
      msg(
        [
          { type: 'thinking', thinking: 'plan', signature: 's1' },
          { type: 'redacted_thinking', data: 'enc' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
        ],
        'tool_use',
      ),
    );
    expect(c.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        reasoning_content: 'plan',
        thinking_blocks: [{ type: 'thinking', thinking: 'plan', signature: 's1' }, { type: 'redacted_thinking', data: 'enc' }],
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
    });
  });

  it('returns the JSON tool input as content when the JSON tool was forced', () => {
    const c = toChatCompletion(msg([{ type: 'tool_use', id: 'toolu_1', name: 'json_tool_call', input: { a: 1 } }], 'tool_use'), { jsonTool: true });
    expect(c.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"a":1}' } });
    expect(c.choices[0]!.message.tool_calls).toBeUndefined();
  });
});

describe('AnthropicStreamTranslator', () => {
  const start: AnthropicStreamEvent = {
    type: 'message_start',
    message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1, cache_read_input_tokens: 3 } },
  };
  const run = (events: AnthropicStreamEvent[], opts = {}) => {
    const t = new AnthropicStreamTranslator({ created: 1, ...opts });
    const chunks: ChatChunk[] = events.flatMap((e) => t.push(e));
    return { t, chunks, deltas: chunks.map((c) => c.choices[0]?.delta) };
  };

  it('translates text, finish and usage', () => {
    const { chunks, deltas } = run(
      [
        start,
        { type: 'ping' },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ],
      { includeUsage: true },
    );
    expect(deltas.slice(0, 3)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hi' }, { content: ' there' }]);
    expect(chunks[3]!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'length' });
    expect(chunks[4]).toEqual({
      id: 'msg_s',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'claude-x',
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 0 } },
    });
    expect(chunks).toHaveLength(5);
    expect(chunks.every((c) => c.id === 'msg_s' && c.created === 1)).toBe(true);
  });

  it('numbers tool calls by tool block and streams argument fragments', () => {
    const { deltas, chunks } = run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]);
    expect(deltas.slice(1)).toEqual([
      { content: 'ok' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'g', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('streams thinking as reasoning_content with the signature in thinking_blocks', () => {
    const { deltas } = run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'a ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'b' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
    ]);
    expect(deltas.slice(1)).toEqual([{ reasoning_content: 'a ' }, { reasoning_content: 'b' }, { thinking_blocks: [{ type: 'thinking', thinking: 'a b', signature: 'sig' }] }]);
  });

  it('streams the forced JSON tool as content with finish stop', () => {
    const { deltas, chunks } = run(
      [
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: 'json_tool_call', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null } },
      ],
      { jsonTool: true },
    );
    expect(deltas[1]).toEqual({ content: '{"a":1}' });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('throws on an error event and on a stream cut before message_stop', () => {
    const t = new AnthropicStreamTranslator();
    t.push(start);
    expect(() => t.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toThrow(
      expect.objectContaining({ status: 503, type: 'overloaded_error', message: 'Overloaded' }),
    );
    expect(() => t.end()).toThrow(/ended before message_stop/);
    expect(() => new AnthropicStreamTranslator().push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })).toThrow(/before message_start/);
  });
});

describe('anthropic errors', () => {
  const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: undefined }) as unknown as UpstreamResponse;
  const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body' });

  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error'],
    [401, 'authentication_error', 401, 'authentication_error'],
    [403, 'permission_error', 403, 'permission_error'],
    [404, 'not_found_error', 404, 'not_found_error'],
    [413, 'request_too_large', 413, 'invalid_request_error'],
    [429, 'rate_limit_error', 429, 'rate_limit_error'],
    [500, 'api_error', 500, 'server_error'],
    [504, 'timeout_error', 504, 'timeout_error'],
    [529, 'overloaded_error', 503, 'overloaded_error'],
  ])('%i %s → %i %s', (status, type, outStatus, outType) => {
    const e = anthropicError(res(status), body(type, 'why'));
    expect(e).toMatchObject({ status: outStatus, type: outType, message: 'why', publicCode: type, expose: true });
    expect(e.toJSON()).toEqual({ error: { message: 'why', type: outType, param: null, code: type } });
  });

  it('passes retry-after on and reports the upstream request id (header first, body second)', () => {
    expect(anthropicError(res(429, { 'retry-after': '12', 'request-id': 'req_h' }), body('rate_limit_error', 'slow')).headers).toEqual({
      'retry-after': '12',
      'x-upstream-request-id': 'req_h',
    });
    expect(anthropicError(res(500), body('api_error', 'x')).headers).toEqual({ 'x-upstream-request-id': 'req_body' });
  });

  it('copes with bodies that are not Anthropic errors', () => {
    expect(anthropicError(res(502), '<html>bad gateway</html>')).toMatchObject({ status: 502, type: 'server_error', message: '<html>bad gateway</html>' });
    expect(anthropicError(res(503), '')).toMatchObject({ status: 503, message: 'The anthropic upstream answered with status 503.' });
    expect(anthropicError(res(529), '')).toMatchObject({ status: 503, type: 'overloaded_error' });
  });

  it('gives in-stream errors a status from their type', () => {
    expect(anthropicStreamError({ type: 'rate_limit_error', message: 'm' })).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect(anthropicStreamError({ type: 'api_error', message: 'm' })).toMatchObject({ status: 500, type: 'server_error' });
    expect(anthropicStreamError({})).toMatchObject({ status: 502, message: 'The anthropic upstream failed mid-stream.' });
  });
});

describe('plugin options', () => {
  it('rejects bad plugin options at boot and bad deployment options when the model table is built', async () => {
    const { anthropicProvider } = await import('@switchyard/provider-anthropic');
    const { createGateway } = await import('@switchyard/core');
    expect(() => anthropicProvider({ defaultMaxTokens: -1 })).toThrow(/defaultMaxTokens/);
    expect(() => anthropicProvider({ nope: true } as never)).toThrow(/unknown option "nope"/);
    await expect(createGateway({ plugins: [anthropicProvider()], models: [{ name: 'c', provider: 'anthropic', model: 'm', thinkingBudgets: { high: 10 } }] })).rejects.toThrow(
      /thinkingBudgets\.high/,
    );
    await expect(createGateway({ plugins: [anthropicProvider()], models: [{ name: 'c', provider: 'anthropic', model: 'm', region: 'x' }] })).rejects.toThrow(/unknown key "region"/);
  });
});
