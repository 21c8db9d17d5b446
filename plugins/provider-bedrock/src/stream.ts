/**
 * ConverseStream events → OpenAI chat chunks.
 */
import type { ChatChunk, ChatChunk as Chunk, UpstreamResponse } from '@switchyard/core';
import { bedrockErrorFor, awsErrorType } from './errors.js';
import { eventStream, type BedrockEvent } from './eventstream.js';
import { finishReason, toUsage } from './response.js';
import type { ConverseUsage } from './converse-types.js';

type Delta = Chunk['choices'][number]['delta'];

/**
 * Turns decoded ConverseStream events into chat chunks: `messageStart` → role chunk,
 * `contentBlockStart`/`contentBlockDelta` → content, tool-call and `reasoning_content`
 * deltas, `messageStop` → finish chunk, `metadata` → usage chunk; exceptions throw.
 *
 * @example
 * ```ts
 * for await (const chunk of converseChunks(events(), { id: 'chatcmpl-1', model: 'claude' })) send(chunk);
 * ```
 */
export async function* converseChunks(events: AsyncIterable<BedrockEvent>, meta: { id: string; model: string; created?: number }): AsyncGenerator<ChatChunk> {
  const created = meta.created ?? Math.floor(Date.now() / 1000);
  const chunk = (delta: Delta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const toolIndex = new Map<number, number>();
  let started = false;
  for await (const ev of events) {
    if (ev.messageType !== 'event') {
      const type = awsErrorType(ev.type);
      throw bedrockErrorFor(type, 500, typeof ev.payload.message === 'string' ? ev.payload.message : `The bedrock stream failed (${ev.type}).`);
    }
    const p = ev.payload;
    switch (ev.type) {
      case 'messageStart':
        started = true;
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'contentBlockStart': {
        const start = (p.start ?? {}) as { toolUse?: { toolUseId: string; name: string } };
        if (start.toolUse) {
          const index = toolIndex.size;
          toolIndex.set(Number(p.contentBlockIndex ?? 0), index);
          yield chunk({ tool_calls: [{ index, id: start.toolUse.toolUseId, type: 'function', function: { name: start.toolUse.name, arguments: '' } }] });
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = (p.delta ?? {}) as { text?: string; toolUse?: { input?: string }; reasoningContent?: { text?: string } };
        if (!started) {
          started = true;
          yield chunk({ role: 'assistant', content: '' });
        }
        if (typeof delta.text === 'string') yield chunk({ content: delta.text });
        else if (delta.toolUse) {
          const index = toolIndex.get(Number(p.contentBlockIndex ?? 0)) ?? 0;
          yield chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input ?? '' } }] });
        } else if (typeof delta.reasoningContent?.text === 'string') yield chunk({ reasoning_content: delta.reasoningContent.text });
        break;
      }
      case 'messageStop':
        yield chunk({}, finishReason(p.stopReason as string | undefined));
        break;
      case 'metadata':
        yield { id: meta.id, object: 'chat.completion.chunk', created, model: meta.model, choices: [], usage: toUsage(p.usage as ConverseUsage | undefined) };
        break;
      default:
        break;
    }
  }
}

/**
 * The chat chunks of a ConverseStream HTTP response.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: streamChunks(res, { id, model: request.model }) };
 * ```
 */
export function streamChunks(res: UpstreamResponse, meta: { id: string; model: string }): AsyncGenerator<ChatChunk> {
  return converseChunks(eventStream(res, 'bedrock'), meta);
}
