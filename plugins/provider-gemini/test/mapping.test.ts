import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatMessage } from '@switchyard/core';
import { checkGenerateContentRequest } from '@switchyard/test-kit';
import { toContents, toGeminiRequest, toGenerationConfig, mimeTypeOf } from '../src/request.js';
import { toGeminiSchema } from '../src/schema.js';
import { signatureOf, toChatCompletion, toFinishReason, toolCallId, toUsage } from '../src/response.js';
import { errorTypeFor } from '../src/errors.js';

describe('request mapping', () => {
  it('maps roles, system/developer, images, tool calls and tool results', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.test/cat.webp?size=2' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }, { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"animal":"cat"}' },
      { role: 'tool', tool_call_id: 'call_2', content: 'sunny' },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'thanks' },
    ];
    const out = toContents(messages);
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] });
    expect(out.contents).toEqual([
      {
        role: 'user',
        parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }, { fileData: { mimeType: 'image/webp', fileUri: 'https://example.test/cat.webp?size=2' } }],
      },
      { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'cat' } } }, { functionCall: { name: 'weather', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { animal: 'cat' } } }, { functionResponse: { name: 'weather', response: { content: 'sunny' } } }] },
      { role: 'model', parts: [{ text: 'A cat.' }] },
      { role: 'user', parts: [{ text: 'thanks' }] },
    ]);
    // the emulator's strict checks accept the mapped body
    expect(checkGenerateContentRequest(out)).toBeUndefined();
  });

  it('rejects a tool result without a matching earlier call, and unsupported parts', () => {
    const orphan = () => toContents([{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_x', content: 'r' }]);
    expect(orphan).toThrow(GatewayError);
    expect(orphan).toThrow(/call_x/);
    try {
      orphan();
    } catch (err) {
      expect((err as GatewayError).status).toBe(400);
      expect((err as GatewayError).param).toBe('messages[1].tool_call_id');
    }
    expect(() => toContents([{ role: 'user', content: [{ type: 'video_url', video_url: 'x' }] }])).toThrow(/video_url/);
    expect(() => toContents([{ role: 'system', content: 'only system' }])).toThrow(/At least one/);
  });

  it.each([
    ['https://x.test/a.png', 'image/png'],
    ['https://x.test/a.JPG', 'image/jpeg'],
    ['https://x.test/doc.pdf#p=1', 'application/pdf'],
    ['https://x.test/noext', 'image/jpeg'],
    ['gs://bucket/clip.mp4', 'video/mp4'],
  ])('guesses the mime type of %s', (url, mime) => {
    expect(mimeTypeOf(url)).toBe(mime);
  });

  it.each([
    [{ max_tokens: 10 }, { maxOutputTokens: 10 }],
    [{ max_tokens: 10, max_completion_tokens: 20 }, { maxOutputTokens: 20 }],
    [{ temperature: 0.2, top_p: 0.9, n: 2, seed: 7 }, { temperature: 0.2, topP: 0.9, candidateCount: 2, seed: 7 }],
    [{ stop: 'END' }, { stopSequences: ['END'] }],
    [{ stop: ['a', 'b'] }, { stopSequences: ['a', 'b'] }],
    [{ presence_penalty: 0.5, frequency_penalty: -0.5 }, { presencePenalty: 0.5, frequencyPenalty: -0.5 }],
    [{ response_format: { type: 'json_object' } }, { responseMimeType: 'application/json' }],
    [
      { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } } },
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } },
    ],
    [{ reasoning_effort: 'low' }, { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } }],
    [{ reasoning_effort: 'high' }, { thinkingConfig: { thinkingBudget: 4096, includeThoughts: true } }],
    [{ reasoning_effort: 'none' }, { thinkingConfig: { thinkingBudget: 0, includeThoughts: false } }],
    [{}, undefined],
  ])('generationConfig of %j', (fields, expected) => {
    expect(toGenerationConfig({ model: 'm', messages: [], ...fields } as never)).toEqual(expected);
  });

  it('uses configured thinking budgets and rejects unknown efforts', () => {
    expect(toGenerationConfig({ model: 'm', messages: [], reasoning_effort: 'medium' }, { medium: 999 })?.thinkingConfig).toEqual({ thinkingBudget: 999, includeThoughts: true });
    expect(() => toGenerationConfig({ model: 'm', messages: [], reasoning_effort: 'extreme' as never })).toThrow(/reasoning_effort/);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'b' } }, { mode: 'ANY', allowedFunctionNames: ['b'] }],
  ] as const)('tool_choice %j', (choice, config) => {
    const body = toGeminiRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
        { type: 'function', function: { name: 'b', description: 'B', parameters: { type: 'object', properties: {}, additionalProperties: false } } },
      ],
      tool_choice: choice as never,
    });
    expect(body.toolConfig).toEqual({ functionCallingConfig: config });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'a', parameters: { type: 'object', properties: { q: { type: 'string' } } } }, { name: 'b', description: 'B' }] }]);
    expect(checkGenerateContentRequest(body)).toBeUndefined();
  });

  it('carries a function call thought signature through the tool call id and back', () => {
    const id = toolCallId({ name: 'f', signature: 'CiQBmz+/sig==' });
    expect(id).toMatch(/^call_[0-9a-f]+__thought__CiQBmz\+\/sig==$/);
    expect(signatureOf(id)).toBe('CiQBmz+/sig==');
    expect(signatureOf('call_plain')).toBeUndefined();
    const c = toChatCompletion({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'S1' }, { functionCall: { name: 'g' } }] }, finishReason: 'STOP' }] }, 'm');
    const ids = c.choices[0]!.message.tool_calls!.map((tc) => tc.id);
    expect(signatureOf(ids[0]!)).toBe('S1');
    expect(signatureOf(ids[1]!)).toBeUndefined();
    const { contents } = toContents([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: c.choices[0]!.message.tool_calls },
      { role: 'tool', tool_call_id: ids[0]!, content: 'a' },
      { role: 'tool', tool_call_id: ids[1]!, content: 'b' },
    ]);
    expect(contents[1]!.parts).toEqual([{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'S1' }, { functionCall: { name: 'g', args: {} } }]);
  });

  it('passes safety settings through', () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }];
    expect(toGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { safetySettings }).safetySettings).toEqual(safetySettings);
  });
});

describe('schema cleaning', () => {
  it('drops rejected keys, inlines refs, maps const and nullable types', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      $defs: { Unit: { type: 'string', enum: ['c', 'f'] } },
      properties: {
        city: { type: 'string', description: 'City', minLength: 1 },
        unit: { $ref: '#/$defs/Unit' },
        kind: { const: 'weather' },
        days: { type: ['integer', 'null'], exclusiveMinimum: 0 },
        tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false } },
        when: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
      },
      required: ['city'],
    };
    const cleaned = toGeminiSchema(schema);
    expect(cleaned).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City', minLength: 1 },
        unit: { type: 'string', enum: ['c', 'f'] },
        kind: { type: 'string', enum: ['weather'] },
        days: { type: 'integer', nullable: true },
        tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        when: { type: 'string', format: 'date-time', nullable: true },
      },
      required: ['city'],
    });
    expect(checkGenerateContentRequest({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: cleaned }] }] })).toBeUndefined();
    expect(checkGenerateContentRequest({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: schema }] }] })).toMatch(/Unknown name "\$schema"/);
  });

  it('keeps a property literally named "type" or "additionalProperties"', () => {
    expect(toGeminiSchema({ type: 'object', properties: { type: { type: 'string' }, additionalProperties: { type: 'boolean' } } })).toEqual({
      type: 'object',
      properties: { type: { type: 'string' }, additionalProperties: { type: 'boolean' } },
    });
  });

  it('gives undefined for schemas without parameters', () => {
    expect(toGeminiSchema(undefined)).toBeUndefined();
    expect(toGeminiSchema({ type: 'object', properties: {} })).toBeUndefined();
  });
});

describe('response mapping', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, false, 'stop'],
  ])('finishReason %s (tool calls: %s) → %s', (reason, calls, expected) => {
    expect(toFinishReason(reason, calls)).toBe(expected);
  });

  it('maps usage with cached and thought tokens', () => {
    expect(toUsage({ promptTokenCount: 10, candidatesTokenCount: 4, thoughtsTokenCount: 6, cachedContentTokenCount: 8, totalTokenCount: 20 })).toEqual({
      prompt_tokens: 10,
      completion_tokens: 10,
      total_tokens: 20,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 6 },
    });
    expect(toUsage({ promptTokenCount: 3, candidatesTokenCount: 2 })).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('maps candidates, thoughts and function calls', () => {
    const c = toChatCompletion(
      {
        responseId: 'r1',
        modelVersion: 'gemini-2.5-flash-001',
        candidates: [
          {
            index: 0,
            finishReason: 'STOP',
            content: { role: 'model', parts: [{ text: 'Let me think.', thought: true }, { thoughtSignature: 'sig' }, { text: 'Hello ' }, { text: 'world' }] },
          },
          { index: 1, finishReason: 'STOP', content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] } },
        ],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      },
      'fallback',
    );
    expect(c.id).toBe('chatcmpl-r1');
    expect(c.model).toBe('gemini-2.5-flash-001');
    expect(c.choices[0]!.message.content).toBe('Hello world');
    expect(c.choices[0]!.message.reasoning_content).toBe('Let me think.');
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(c.choices[1]!.message.content).toBeNull();
    expect(c.choices[1]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
    expect(c.choices[1]!.finish_reason).toBe('tool_calls');
  });

  it('maps a blocked prompt to an empty content_filter choice', () => {
    const c = toChatCompletion({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } }, 'm');
    expect(c.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'content_filter', logprobs: null }]);
    expect(c.usage).toEqual({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 });
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [503, 'server_error'],
    [504, 'timeout_error'],
  ])('status %i → %s', (status, type) => {
    expect(errorTypeFor(status)).toBe(type);
  });
});
