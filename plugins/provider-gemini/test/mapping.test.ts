import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatMessage } from '@switchyard/core';
import { checkGenerateContentRequest } from '@switchyard/test-kit';
import { toContents, toGeminiRequest, toGenerationConfig, mimeTypeOf } from '../src/request.js';
import { toGeminiJsonSchema, toGeminiSchema } from '../src/schema.js';
import { finishError, signatureOf, toChatCompletion, toFinishReason, toolCallId, toUsage } from '../src/response.js';
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
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object', properties: { q: { type: 'string' } } } }, { name: 'b', description: 'B' }] }]);
    expect(checkGenerateContentRequest(body)).toBeUndefined();
  });

  it('carries a function call thought signature beside a short tool call id, and back', () => {
    expect(toolCallId()).toMatch(/^call_[0-9a-f]{24}$/);
    expect(signatureOf({ id: 'call_1', extra_content: { google: { thought_signature: 'S0' } } })).toBe('S0');
    expect(signatureOf({ id: 'call_1__thought__CiQBmz+/sig==' })).toBe('CiQBmz+/sig==');
    expect(signatureOf({ id: 'call_plain' })).toBeUndefined();
    const c = toChatCompletion({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'S1' }, { functionCall: { name: 'g' } }] }, finishReason: 'STOP' }] }, 'm');
    const calls = c.choices[0]!.message.tool_calls!;
    expect(calls.map((tc) => tc.id.length)).toEqual([29, 29]);
    expect(calls[0]).toMatchObject({ extra_content: { google: { thought_signature: 'S1' } } });
    expect(calls[1]).not.toHaveProperty('extra_content');
    const { contents } = toContents([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', tool_call_id: calls[0]!.id, content: 'a' },
      { role: 'tool', tool_call_id: calls[1]!.id, content: 'b' },
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

describe('JSON Schema for parametersJsonSchema', () => {
  it("inlines a $ref that has siblings, merges a one-element allOf, drops $schema, keeps the rest as written", () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { Day: { type: 'string', format: 'date' }, Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node', description: 'recursive' } } } },
      properties: {
        at: { $ref: '#/$defs/Day', description: 'When' },
        plain: { $ref: '#/$defs/Day' },
        both: { allOf: [{ type: 'integer', minimum: 1 }], description: 'count' },
        tree: { $ref: '#/$defs/Node', title: 'Tree' },
        free: { type: 'object', additionalProperties: { type: 'string' } },
      },
      additionalProperties: false,
    };
    const fixed = toGeminiJsonSchema(schema)!;
    expect(fixed.$schema).toBeUndefined();
    expect(fixed.additionalProperties).toBe(false);
    const props = fixed.properties as Record<string, Record<string, unknown>>;
    expect(props.at).toEqual({ type: 'string', format: 'date', description: 'When' });
    expect(props.plain).toEqual({ $ref: '#/$defs/Day' });
    expect(props.both).toEqual({ type: 'integer', minimum: 1, description: 'count' });
    expect(props.tree).toEqual({ type: 'object', properties: { next: { $ref: '#/$defs/Node' } }, title: 'Tree' });
    expect(props.free).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    const body = (parametersJsonSchema: unknown) => ({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema }] }] });
    expect(checkGenerateContentRequest(body(fixed))).toBeUndefined();
    expect(checkGenerateContentRequest(body(schema))).toMatch(/when \$ref is set/);
    expect(toGeminiJsonSchema({ type: 'object', properties: {} })).toBeUndefined();
  });

  it('sends tools as parametersJsonSchema by default, as parameters with toolSchemas openapi', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: { u: { type: 'string', format: 'uri' } } } } }];
    const json = toGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools });
    expect(json.tools![0]!.functionDeclarations[0]).toEqual({ name: 'f', parametersJsonSchema: tools[0]!.function.parameters });
    const openapi = toGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools }, { toolSchemas: 'openapi' });
    expect(openapi.tools![0]!.functionDeclarations[0]).toEqual({ name: 'f', parameters: { type: 'object', properties: { u: { type: 'string', description: '(format: uri)' } } } });
    expect(checkGenerateContentRequest(json)).toBeUndefined();
    expect(checkGenerateContentRequest(openapi)).toBeUndefined();
  });
});

describe('OpenAPI schema translation', () => {
  it('moves unsupported formats and non-string enums into the description, maps oneOf, keeps int64', () => {
    const cleaned = toGeminiSchema({
      type: 'object',
      properties: {
        mail: { type: 'string', format: 'email', description: 'Who' },
        n: { type: 'integer', format: 'int64' },
        level: { type: 'integer', enum: [1, 2] },
        flag: { const: true },
        pick: { oneOf: [{ type: 'string' }, { type: 'number' }] },
      },
    })!;
    expect(cleaned.properties).toEqual({
      mail: { type: 'string', description: 'Who (format: email)' },
      n: { type: 'integer', format: 'int64' },
      level: { type: 'integer', description: '(one of: 1, 2)' },
      flag: { type: 'boolean', description: '(one of: true)' },
      pick: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    });
    expect(checkGenerateContentRequest({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: cleaned }] }] })).toBeUndefined();
  });

  it.each([
    ['a nested free-form object', { type: 'object', properties: { h: { type: 'object', additionalProperties: true } } }, 'p.properties.h'],
    ['an array without items', { type: 'object', properties: { xs: { type: 'array' } } }, 'p.properties.xs'],
    ['a free-form root', { type: 'object', additionalProperties: { type: 'string' } }, 'p'],
  ])('refuses %s with a 400 naming its path', (_name, schema, param) => {
    expect(() => toGeminiSchema(schema, 'p')).toThrow(GatewayError);
    try {
      toGeminiSchema(schema, 'p');
    } catch (e) {
      expect(e).toMatchObject({ status: 400, param });
    }
  });
});

describe('history repair and failed finishes', () => {
  it('drops empty text parts and opens a model-first history with a user turn', () => {
    const { contents } = toContents([
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'weather' }] },
    ]);
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: '.' }] },
      { role: 'model', parts: [{ text: 'Hello! How can I help?' }] },
      { role: 'user', parts: [{ text: 'weather' }] },
    ]);
    expect(checkGenerateContentRequest({ contents: [{ role: 'user', parts: [{ text: '' }] }] })).toMatch(/required oneof field 'data'/);
  });

  it('gives Gemini 3 the documented dummy signature for a foreign call only', () => {
    const history = (id: string): ChatMessage[] => [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: id, content: 'r' },
    ];
    expect(toContents(history('toolu_01abc'), { model: 'gemini-3-pro-preview' }).contents[1]!.parts[0]!.thoughtSignature).toBe('skip_thought_signature_validator');
    expect(toContents(history(toolCallId()), { model: 'gemini-3-pro-preview' }).contents[1]!.parts[0]!.thoughtSignature).toBeUndefined();
    expect(toContents(history('toolu_01abc'), { model: 'gemini-2.5-flash' }).contents[1]!.parts[0]!.thoughtSignature).toBeUndefined();
  });

  it('maps reasoning_effort none to the smallest budget on thinking-only models', () => {
    expect(toGenerationConfig({ model: 'gemini-2.5-pro', messages: [], reasoning_effort: 'none' as never })?.thinkingConfig).toEqual({ thinkingBudget: 128, includeThoughts: false });
    expect(toGenerationConfig({ model: 'gemini-2.5-flash', messages: [], reasoning_effort: 'none' as never })?.thinkingConfig).toEqual({ thinkingBudget: 0, includeThoughts: false });
  });

  it.each([
    ['MALFORMED_FUNCTION_CALL', 502],
    ['UNEXPECTED_TOOL_CALL', 502],
    ['OTHER', 502],
    ['SOMETHING_NEW', 502],
    ['LANGUAGE', 400],
  ])('finishReason %s is an error (%i), not a silent stop', (reason, status) => {
    expect(finishError({ finishReason: reason, finishMessage: 'why' }, 'gemini')).toMatchObject({ status, publicCode: reason.toLowerCase(), message: expect.stringContaining('why') });
    expect(() => toChatCompletion({ candidates: [{ finishReason: reason, index: 0 }] }, 'm')).toThrow(GatewayError);
  });

  it('an answer without candidates is an error unless the prompt was blocked', () => {
    expect(() => toChatCompletion({ usageMetadata: { promptTokenCount: 1 } }, 'm')).toThrow(/no candidate/);
    expect(toChatCompletion({ promptFeedback: { blockReason: 'SAFETY' } }, 'm').choices[0]!.finish_reason).toBe('content_filter');
    for (const r of ['STOP', 'MAX_TOKENS', 'SAFETY', 'IMAGE_SAFETY', undefined]) expect(finishError({ finishReason: r }, 'gemini')).toBeUndefined();
  });
});
