/**
 * Conversions between whole completions and chunk streams, for when the client asked for
 * one and the provider (or a short-circuiting plugin) produced the other.
 */
import type { ChatChunk, ChatCompletion } from '@switchyard/core';
import { ChunkAggregator } from './aggregate.js';

/**
 * The chunks a completion would have streamed as: role + content, tool calls, finish,
 * then a usage chunk when `includeUsage`.
 *
 * @example
 * ```ts
 * for (const chunk of completionToChunks(completion, true)) send(chunk);
 * ```
 */
export function completionToChunks(completion: ChatCompletion, includeUsage: boolean): ChatChunk[] {
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const chunks: ChatChunk[] = [];
  for (const choice of completion.choices) {
    const m = choice.message;
    chunks.push({
      ...base,
      choices: [
        {
          index: choice.index,
          delta: {
            role: 'assistant',
            content: m.content ?? '',
            ...(m.tool_calls?.length
              ? { tool_calls: m.tool_calls.map((tc, index) => ({ index, id: tc.id, type: 'function' as const, function: tc.function })) }
              : {}),
          },
          finish_reason: null,
          logprobs: null,
        },
      ],
    });
    chunks.push({ ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason ?? 'stop', logprobs: null }] });
  }
  if (includeUsage && completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}

/**
 * Drains a chunk stream into one completion.
 *
 * @example
 * ```ts
 * const completion = await chunksToCompletion(result.chunks);
 * ```
 */
export async function chunksToCompletion(chunks: AsyncIterable<ChatChunk>): Promise<ChatCompletion> {
  const agg = new ChunkAggregator();
  for await (const chunk of chunks) agg.add(chunk);
  return agg.result();
}
