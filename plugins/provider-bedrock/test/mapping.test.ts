import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '@switchyard/core';
import { awsErrorType, bedrockEndpoint, bedrockErrorFor, converseChunks, finishReason, toChatCompletion, toConverseRequest, toUsage, type BedrockEvent } from '@switchyard/provider-bedrock';
import { checkConverseRequest } from '@switchyard/test-kit';

const req = (r: Partial<ChatRequest>): ChatRequest => ({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: 'hi' }], ...r });

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
    ['low', 1024],
    ['medium', 2048],
    ['high', 4096],
  ] as const)('reasoning_effort %s → thinking budget %i on Anthropic models only', (effort, budget) => {
    const claude = toConverseRequest(req({ model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', reasoning_effort: effort }));
    expect(claude.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: budget } });
    expect(claude.inferenceConfig!.maxTokens).toBeGreaterThan(budget);
    expect(toConverseRequest(req({ reasoning_effort: effort })).additionalModelRequestFields).toBeUndefined();
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
