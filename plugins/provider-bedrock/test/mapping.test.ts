import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatChunk, type ChatRequest } from '@switchyard/core';
import {
  JSON_TOOL_NAME,
  awsErrorType,
  bedrockEndpoint,
  bedrockErrorFor,
  converseChunks,
  finishReason,
  toChatCompletion,
  toConverseRequest,
  toUsage,
  toolUseIdFor,
  primeStream,
  type BedrockEvent,
} from '@switchyard/provider-bedrock';
import { checkConverseForModel, checkConverseRequest } from '@switchyard/test-kit';

const req = (r: Partial<ChatRequest>): ChatRequest => ({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: 'hi' }], ...r });

function rejection(f: () => unknown): GatewayError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  return undefined;
}

describe('toConverseRequest', () => {
  it('maps system, multi-turn, tool calls and merged tool results into alternating valid turns', () => {
    const body = toConverseRequest(
      req({
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'developer', content: [{ type: 'text', text: 'and kind' }] },
          { role: 'user', content: 'weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 't1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 't2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 't1', content: 'sunny' },
          { role: 'tool', tool_call_id: 't2', content: 'rainy' },
          { role: 'user', content: 'thanks' },
        ],
        tools: [{ type: 'function', function: { name: 'weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: 'auto',
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
      }),
    );
    expect(body.system).toEqual([{ text: 'be brief' }, { text: 'and kind' }]);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[1]!.content).toEqual([
      { toolUse: { toolUseId: 't1', name: 'weather', input: { city: 'Paris' } } },
      { toolUse: { toolUseId: 't2', name: 'weather', input: { city: 'Rome' } } },
    ]);
    expect(body.messages[2]!.content).toEqual([
      { toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } },
      { toolResult: { toolUseId: 't2', content: [{ text: 'rainy' }] } },
      { text: 'thanks' },
    ]);
    expect(body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }],
      toolChoice: { auto: {} },
    });
    expect(checkConverseRequest(body)).toBeUndefined();
  });

  it.each([
    ['auto', { auto: {} }],
    ['required', { any: {} }],
    [{ type: 'function', function: { name: 'f' } }, { tool: { name: 'f' } }],
    [undefined, undefined],
  ] as const)('tool_choice %j → toolChoice %j', (choice, expected) => {
    const body = toConverseRequest(req({ tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: choice as ChatRequest['tool_choice'] }));
    expect(body.toolConfig?.toolChoice).toEqual(expected);
    expect(body.toolConfig?.tools[0]!.toolSpec.inputSchema.json).toEqual({ type: 'object', properties: {} });
  });

  it("tool_choice 'none' omits the tools", () => {
    expect(toConverseRequest(req({ tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none' })).toolConfig).toBeUndefined();
  });

  it('images as base64 data URLs; remote URLs are a 400', () => {
    const body = toConverseRequest(req({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }] }));
    expect(body.messages[0]!.content[1]).toEqual({ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } });
    let err: unknown;
    try {
      toConverseRequest(req({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(400);
    expect((err as GatewayError).param).toBe('messages[0].content[0].image_url.url');
  });

  it.each([
    ['minimal', 1024],
    ['low', 1024],
    ['medium', 2048],
    ['high', 4096],
    ['xhigh', 8192],
  ] as const)('reasoning_effort %s → thinking budget %i on Anthropic models', (effort, budget) => {
    const claude = toConverseRequest(req({ model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', reasoning_effort: effort as ChatRequest['reasoning_effort'] }));
    expect(claude.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: budget } });
    expect(claude.inferenceConfig!.maxTokens).toBeGreaterThan(budget);
    expect(checkConverseForModel(claude as never, 'anthropic.claude-3-7-sonnet')).toBeUndefined();
  });

  it("reasoning_effort 'none' asks for no thinking; Nova 2 gets reasoningConfig; other models a 400", () => {
    const none = toConverseRequest(req({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', reasoning_effort: 'none' as never }));
    expect(none.additionalModelRequestFields).toBeUndefined();
    expect(none.inferenceConfig).toBeUndefined();
    expect(toConverseRequest(req({ reasoning_effort: 'none' as never })).additionalModelRequestFields).toBeUndefined();
    expect(toConverseRequest(req({ model: 'us.amazon.nova-2-lite-v1:0', reasoning_effort: 'minimal' })).additionalModelRequestFields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' },
    });
    expect(rejection(() => toConverseRequest(req({ reasoning_effort: 'high' })))).toMatchObject({ status: 400, param: 'reasoning_effort' });
    expect(rejection(() => toConverseRequest(req({ model: 'amazon.nova-2-lite-v1:0', reasoning_effort: 'xhigh' as never })))).toMatchObject({ status: 400, param: 'reasoning_effort' });
  });

  it('keeps max_tokens above the thinking budget and passes a native thinking object to Claude', () => {
    const body = toConverseRequest(req({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', max_tokens: 100, reasoning_effort: 'medium' }));
    expect(body.inferenceConfig!.maxTokens).toBe(2148);
    const native = toConverseRequest(req({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', max_tokens: 9000, thinking: { type: 'enabled', budget_tokens: 3000 } }));
    expect(native.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 3000 } });
    expect(native.inferenceConfig!.maxTokens).toBe(9000);
  });

  it('replays thinking_blocks as reasoningContent blocks first in the Claude turn, and only to Claude', () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'plan',
        thinking_blocks: [
          { type: 'thinking', thinking: 'plan', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' },
        ],
        tool_calls: [{ id: 'tu1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'tu1', content: 'sunny' },
    ];
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f' } }];
    const claude = toConverseRequest(req({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', messages, tools }));
    expect(claude.messages[1]!.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'plan', signature: 'sig-1' } } },
      { reasoningContent: { redactedContent: 'ZW5jcnlwdGVk' } },
      { text: 'Checking.' },
      { toolUse: { toolUseId: 'tu1', name: 'f', input: {} } },
    ]);
    expect(checkConverseRequest(claude)).toBeUndefined();
    const nova = toConverseRequest(req({ messages, tools }));
    expect(nova.messages[1]!.content.map((b) => Object.keys(b)[0])).toEqual(['text', 'toolUse']);
  });

  it('shortens tool call ids Bedrock would refuse, the same on the call and its result', () => {
    const long = `call_0123456789abcdef__thought__${'A'.repeat(680)}`;
    expect(toolUseIdFor('tooluse_abc-1')).toBe('tooluse_abc-1');
    const short = toolUseIdFor(long);
    expect(short).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(toolUseIdFor('call.with:dots')).toMatch(/^tooluse_/);
    const body = toConverseRequest(
      req({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [{ id: long, type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: long, content: 'ok' },
        ],
        tools: [{ type: 'function', function: { name: 'f' } }],
      }),
    );
    expect(body.messages[1]!.content[0]).toEqual({ toolUse: { toolUseId: short, name: 'f', input: {} } });
    expect(body.messages[2]!.content[0]).toMatchObject({ toolResult: { toolUseId: short } });
    expect(checkConverseRequest(body)).toBeUndefined();
  });

  it('forwards strict on tools', () => {
    const body = toConverseRequest(req({ tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: { type: 'object', properties: {} } } }] }));
    expect(body.toolConfig!.tools[0]!.toolSpec).toEqual({ name: 'f', inputSchema: { json: { type: 'object', properties: {} } }, strict: true });
  });

  it('maps response_format: outputConfig on Claude 4.5, a forced tool elsewhere, a 400 without tool use', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const rf = { type: 'json_schema' as const, json_schema: { name: 'place', schema } };
    const native = toConverseRequest(req({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', response_format: rf }));
    expect(native.outputConfig).toEqual({ textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'place' } } } });
    expect(native.toolConfig).toBeUndefined();
    const tool = toConverseRequest(req({ model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', response_format: rf }));
    expect(tool.outputConfig).toBeUndefined();
    expect(tool.toolConfig).toEqual({ tools: [{ toolSpec: { name: JSON_TOOL_NAME, description: expect.any(String), inputSchema: { json: schema } } }], toolChoice: { tool: { name: JSON_TOOL_NAME } } });
    expect(toConverseRequest(req({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', response_format: rf }), { structuredOutput: 'tool' }).toolConfig?.toolChoice).toEqual({ tool: { name: JSON_TOOL_NAME } });
    const object = toConverseRequest(req({ response_format: { type: 'json_object' } }));
    expect(object.toolConfig!.tools[0]!.toolSpec.inputSchema.json).toEqual({ type: 'object' });
    // not forced with thinking (Claude refuses) or next to the client's own tools
    const thinking = toConverseRequest(req({ model: 'anthropic.claude-3-7-sonnet-20250219-v1:0', reasoning_effort: 'low', response_format: rf }));
    expect(thinking.toolConfig!.toolChoice).toBeUndefined();
    expect(rejection(() => toConverseRequest(req({ model: 'meta.llama3-70b-instruct-v1:0', response_format: rf })))).toMatchObject({ status: 400, param: 'response_format' });
    expect(rejection(() => toConverseRequest(req({ response_format: { type: 'json_schema' } })))).toMatchObject({ status: 400, param: 'response_format.json_schema.schema' });
    expect(toConverseRequest(req({ response_format: { type: 'text' } })).toolConfig).toBeUndefined();
  });

  it.each([
    ['n: 2', { n: 2 }, 'n'],
    ['presence_penalty', { presence_penalty: 0.5 }, 'presence_penalty'],
    ['frequency_penalty', { frequency_penalty: 0.5 }, 'frequency_penalty'],
    ['seed', { seed: 1 }, 'seed'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['logit_bias', { logit_bias: { 1: 5 } }, 'logit_bias'],
    ['parallel_tool_calls: false', { parallel_tool_calls: false }, 'parallel_tool_calls'],
    ['an unknown field', { frobnicate: 1 }, 'frobnicate'],
    ['audio', { audio: { voice: 'x' } }, 'audio'],
    ['service_tier scale', { service_tier: 'scale' }, 'service_tier'],
    ['top_k on Nova', { top_k: 5 }, 'top_k'],
    ['a user Bedrock metadata cannot hold', { user: 'ü'.repeat(3) }, 'user'],
  ] as const)('refuses %s with a 400 naming the param', (_name, extra, param) => {
    expect(rejection(() => toConverseRequest(req(extra as Partial<ChatRequest>)))).toMatchObject({ status: 400, type: 'invalid_request_error', param });
  });

  it('accepts neutral values and maps user, safety_identifier, service_tier and top_k', () => {
    const body = toConverseRequest(
      req({ model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', n: 1, presence_penalty: 0, frequency_penalty: 0, logprobs: false, parallel_tool_calls: true, store: false, seed: null, user: 'u-1@example.com', safety_identifier: 'sid', service_tier: 'flex', top_k: 5, prompt_cache_key: 'k' }),
    );
    expect(body.requestMetadata).toEqual({ user: 'u-1@example.com', safety_identifier: 'sid' });
    expect(body.serviceTier).toEqual({ type: 'flex' });
    expect(body.additionalModelRequestFields).toEqual({ top_k: 5 });
    expect(checkConverseRequest(body)).toBeUndefined();
    expect(toConverseRequest(req({ service_tier: 'auto' })).serviceTier).toBeUndefined();
  });
});

describe('response mapping', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['something_new', 'stop'],
  ])('stopReason %s → finish_reason %s', (stop, finish) => {
    expect(finishReason(stop)).toBe(finish);
  });

  it('usage counts cache reads and writes into prompt_tokens, reads as cached_tokens', () => {
    expect(toUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 100, cacheWriteInputTokens: 3 })).toEqual({
      prompt_tokens: 113,
      completion_tokens: 5,
      total_tokens: 118,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 3 },
    });
  });

  it('a completion with reasoning, text and a tool call', () => {
    const c = toChatCompletion(
      {
        output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'hmm' } } }, { text: 'Checking.' }, { toolUse: { toolUseId: 'tu1', name: 'f', input: { a: 1 } } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      },
      'claude',
      'chatcmpl-1',
    );
    expect(c.choices[0]!.message).toMatchObject({ content: 'Checking.', reasoning_content: 'hmm', tool_calls: [{ id: 'tu1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] });
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.usage!.total_tokens).toBe(7);
  });

  it('stream events → chunks, tool-call indexes by block, usage last', async () => {
    async function* events(): AsyncGenerator<BedrockEvent> {
      const e = (type: string, payload: Record<string, unknown>): BedrockEvent => ({ messageType: 'event', type, payload });
      yield e('messageStart', { role: 'assistant' });
      yield e('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } });
      yield e('contentBlockStop', { contentBlockIndex: 0 });
      yield e('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu1', name: 'f' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '1}' } } });
      yield e('messageStop', { stopReason: 'tool_use' });
      yield e('metadata', { usage: { inputTokens: 2, outputTokens: 3, totalTokens: 5 } });
    }
    const chunks = [];
    for await (const c of converseChunks(events(), { id: 'x', model: 'm' })) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      { tool_calls: [{ index: 0, id: 'tu1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage!.total_tokens).toBe(5);
  });

  it('carries signed and redacted reasoning as thinking_blocks; the JSON tool input as content', () => {
    const c = toChatCompletion(
      {
        output: {
          message: {
            role: 'assistant',
            content: [{ reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig-1' } } }, { reasoningContent: { redactedContent: 'ZW5j' } }, { toolUse: { toolUseId: 'tu1', name: JSON_TOOL_NAME, input: { a: 1 } } }],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      },
      'claude',
      'chatcmpl-1',
      { jsonTool: true },
    );
    expect(c.choices[0]!.message).toEqual({
      role: 'assistant',
      content: '{"a":1}',
      refusal: null,
      reasoning_content: 'hmm',
      thinking_blocks: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig-1' },
        { type: 'redacted_thinking', data: 'ZW5j' },
      ],
    });
    expect(c.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams reasoning text, then its signature as a thinking_blocks delta; the JSON tool as content', async () => {
    async function* events(): AsyncGenerator<BedrockEvent> {
      const e = (type: string, payload: Record<string, unknown>): BedrockEvent => ({ messageType: 'event', type, payload });
      yield e('messageStart', { role: 'assistant' });
      yield e('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'a ' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'b' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-2' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: 'ZW5j' } } });
      yield e('contentBlockStart', { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu1', name: JSON_TOOL_NAME } } });
      yield e('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"a":' } } });
      yield e('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '1}' } } });
      yield e('messageStop', { stopReason: 'tool_use' });
    }
    const chunks = [];
    for await (const c of converseChunks(events(), { id: 'x', model: 'm', jsonTool: true })) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'a ' },
      { reasoning_content: 'b' },
      { thinking_blocks: [{ type: 'thinking', thinking: 'a b', signature: 'sig-2' }] },
      { thinking_blocks: [{ type: 'redacted_thinking', data: 'ZW5j' }] },
      { content: '{"a":' },
      { content: '1}' },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('an exception event throws the mapped error', async () => {
    async function* events(): AsyncGenerator<BedrockEvent> {
      yield { messageType: 'exception', type: 'throttlingException', payload: { message: 'slow down' } };
    }
    const err = await (async () => {
      for await (const _ of converseChunks(events(), { id: 'x', model: 'm' })) void _;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', message: 'slow down', publicCode: 'ThrottlingException' });
  });
});

describe('error mapping', () => {
  it.each([
    ['ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/', 400, 400, 'invalid_request_error'],
    ['AccessDeniedException', 403, 403, 'permission_error'],
    ['UnrecognizedClientException', 403, 401, 'authentication_error'],
    ['InvalidSignatureException', 403, 401, 'authentication_error'],
    ['ResourceNotFoundException', 404, 404, 'not_found_error'],
    ['ThrottlingException', 429, 429, 'rate_limit_error'],
    ['InternalServerException', 500, 500, 'server_error'],
    ['ServiceUnavailableException', 503, 503, 'server_error'],
    ['ModelErrorException', 424, 502, 'server_error'],
    ['modelStreamErrorException', 424, 502, 'server_error'],
    ['ModelTimeoutException', 408, 504, 'timeout_error'],
    [undefined, 418, 418, 'invalid_request_error'],
  ] as const)('%s (%i) → %i %s', (type, status, expected, openaiType) => {
    const e = bedrockErrorFor(awsErrorType(type), status, 'm');
    expect(e.status).toBe(expected);
    expect(e.type).toBe(openaiType);
  });
});

describe('bedrockEndpoint', () => {
  it('is the regional runtime endpoint', () => {
    expect(bedrockEndpoint('eu-central-1')).toBe('https://bedrock-runtime.eu-central-1.amazonaws.com');
  });
});

describe('primeStream', () => {
  const c = (delta: Record<string, unknown>, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });

  it('throws what fails before the first substantive chunk, replays what it held, and stops the upstream when the consumer does', async () => {
    async function* failing(): AsyncGenerator<ChatChunk> {
      yield c({ role: 'assistant', content: '' });
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', 'slow down', { status: 429 });
    }
    await expect(primeStream(failing())).rejects.toMatchObject({ status: 429 });

    let finished = false;
    async function* upstream(): AsyncGenerator<ChatChunk> {
      try {
        yield c({ role: 'assistant', content: '' });
        yield c({ content: 'a' });
        yield c({ content: 'b' });
        yield c({}, 'stop');
      } finally {
        finished = true;
      }
    }
    const primed = await primeStream(upstream());
    const got: unknown[] = [];
    for await (const chunk of primed) {
      got.push(chunk.choices[0]!.delta);
      if (got.length === 2) break;
    }
    expect(got).toEqual([{ role: 'assistant', content: '' }, { content: 'a' }]);
    expect(finished).toBe(true);
  });
});
