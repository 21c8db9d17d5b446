import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatChunk } from '@switchyard/core';
import { ChunkAggregator } from '@switchyard/chat-wire';
import { type EventSourceMessage } from '@switchyard/upstream';
import { toChatChunks } from '../src/stream.js';
import type { GeminiResponse } from '../src/wire.js';

async function* events(list: Array<GeminiResponse | Record<string, unknown> | string>): AsyncGenerator<EventSourceMessage> {
  for (const e of list) yield { data: typeof e === 'string' ? e : JSON.stringify(e), event: undefined, id: undefined };
}

async function collect(list: Array<GeminiResponse | Record<string, unknown> | string>, includeUsage = true): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of toChatChunks(events(list), { includeUsage, model: 'gemini-x', provider: 'gemini' })) out.push(c);
  return out;
}

const text = (t: string, extra: Record<string, unknown> = {}) => ({ candidates: [{ index: 0, content: { role: 'model', parts: [{ text: t }] }, ...extra }], responseId: 'r1', modelVersion: 'gemini-x-001' });

describe('stream mapping', () => {
  it('sends the role first, content deltas, one finish chunk and a final usage chunk', async () => {
    const chunks = await collect([
      { ...text('Hel'), usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } },
      text('lo'),
      { ...text('', { finishReason: 'STOP' }), usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } },
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: 'assistant', content: 'Hel' }, { content: 'lo' }, {}, undefined]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, 'stop', null]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-r1']));
    expect(chunks[0]!.model).toBe('gemini-x-001');
  });

  it('leaves the usage chunk out unless asked', async () => {
    const chunks = await collect([{ ...text('x', { finishReason: 'STOP' }), usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 } }], false);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
  });

  it('numbers tool calls per choice and finishes with tool_calls; thoughts go to reasoning_content', async () => {
    const chunks = await collect([
      { candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'hmm', thought: true }] } }] },
      { candidates: [{ index: 0, content: { role: 'model', parts: [{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b' } }] } }] },
      { candidates: [{ index: 0, content: { role: 'model', parts: [{ functionCall: { name: 'c', args: {} } }] }, finishReason: 'STOP' }] },
    ]);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '', reasoning_content: 'hmm' });
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.function?.name, c.function?.arguments])).toEqual([
      [0, 'a', '{"x":1}'],
      [1, 'b', '{}'],
      [2, 'c', '{}'],
    ]);
    expect(calls.every((c) => c.id?.startsWith('call_') && c.type === 'function')).toBe(true);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls']);
    const agg = new ChunkAggregator();
    for (const c of chunks) agg.add(c);
    expect(agg.result().choices[0]!.message.tool_calls).toHaveLength(3);
  });

  it('keeps candidates apart by index', async () => {
    const chunks = await collect([
      { candidates: [{ index: 0, content: { parts: [{ text: 'a' }] } }, { index: 1, content: { parts: [{ text: 'b' }] } }] },
      { candidates: [{ index: 0, content: { parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS' }, { index: 1, content: { parts: [{ text: '' }] }, finishReason: 'SAFETY' }] },
    ]);
    const finishes = chunks.flatMap((c) => c.choices.filter((ch) => ch.finish_reason).map((ch) => [ch.index, ch.finish_reason]));
    expect(finishes).toEqual([
      [0, 'length'],
      [1, 'content_filter'],
    ]);
  });

  it('turns a blocked prompt into an empty content_filter choice', async () => {
    const chunks = await collect([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }]);
    expect(chunks.map((c) => [c.choices[0]?.delta, c.choices[0]?.finish_reason ?? null])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{}, 'content_filter'],
      [undefined, null],
    ]);
  });

  it('finishes a choice the upstream left open', async () => {
    const chunks = await collect([text('only')], false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('raises an error event and non-JSON data as gateway errors', async () => {
    const err = await collect([text('a'), { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 503, type: 'server_error', publicCode: 'unavailable', message: 'The model is overloaded.' });
    await expect(collect(['not json'])).rejects.toMatchObject({ publicCode: 'upstream_invalid_response' });
    await expect(collect([])).rejects.toThrow(/without an answer/);
  });

  it('a failed finish after content throws mid-stream; a stream with no candidate throws', async () => {
    const got: ChatChunk[] = [];
    const err = await (async () => {
      for await (const c of toChatChunks(events([text('partial'), { candidates: [{ index: 0, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: x(' }] }]), { includeUsage: false, model: 'm', provider: 'gemini' })) got.push(c);
    })().catch((e: unknown) => e);
    expect(got.map((c) => c.choices[0]!.delta.content)).toEqual(['partial']);
    expect(err).toMatchObject({ status: 502, publicCode: 'malformed_function_call', message: expect.stringContaining('Malformed function call: x(') });
    await expect(collect([{ usageMetadata: { promptTokenCount: 2, totalTokenCount: 2 }, responseId: 'r9' }])).rejects.toMatchObject({ status: 502, publicCode: 'upstream_empty_response' });
  });

  it('streams a tool call with a short id and its thought signature beside it', async () => {
    const chunks = await collect([{ candidates: [{ index: 0, content: { role: 'model', parts: [{ functionCall: { name: 'a', args: {} }, thoughtSignature: 'SIG' }] }, finishReason: 'STOP' }] }], false);
    const call = chunks[0]!.choices[0]!.delta.tool_calls![0]!;
    expect(call).toMatchObject({ index: 0, type: 'function', function: { name: 'a', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG' } } });
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
  });
});
