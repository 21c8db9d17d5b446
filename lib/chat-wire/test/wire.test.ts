/**
 * The chat wire code on its own: a completion streamed as chunks aggregates back to itself,
 * a stream cut short is a 502, bodies are validated with `param`, and the chat views.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletion } from '@switchyard/core';
import { asChatCompletion, asChatRequest, chatCodec, checkStreamEnd, ChunkAggregator, chunksToCompletion, completionToChunks } from '../src/index.js';

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 7,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'calling', refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
};

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe('@switchyard/chat-wire', () => {
  it('a completion streamed as chunks (usage included) aggregates back to the same completion', async () => {
    const chunks = completionToChunks(completion, true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: completion.usage });
    expect(await chunksToCompletion(from(chunks))).toEqual(completion);
    expect(completionToChunks(completion, false).some((c) => c.usage)).toBe(false);
  });

  it('a stream whose choice never finished is a 502, not an answer', () => {
    const agg = new ChunkAggregator();
    agg.add({ ...completionToChunks(completion, false)[0]! });
    expect(() => checkStreamEnd(agg.result(), 'acme')).toThrow(GatewayError);
    expect(() => checkStreamEnd(agg.result(), 'acme')).toThrow(expect.objectContaining({ status: 502, publicCode: 'upstream_stream_incomplete' }));
  });

  it('validates chat bodies with the param named, and tells chat calls by their shape', () => {
    expect(() => chatCodec.validate({ model: 'm', messages: [] })).toThrow(expect.objectContaining({ status: 400, param: 'messages' }));
    const body = chatCodec.validate({ model: 'm', messages: [{ role: 'user', content: 'hi' }], extra: 1 });
    expect(body).toMatchObject({ extra: 1 });
    expect(asChatRequest(body)).toBe(body);
    expect(asChatRequest({ model: 'm', input: 'x' })).toBeUndefined();
    expect(asChatCompletion(completion)).toBe(completion);
    expect(asChatCompletion({ object: 'list', data: [] })).toBeUndefined();
  });
});
