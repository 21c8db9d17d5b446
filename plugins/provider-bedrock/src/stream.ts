/**
 * ConverseStream events → OpenAI chat chunks.
 */
import type { ChatChunk, ChatChunk as Chunk, UpstreamResponse } from '@switchyard/core';
import { bedrockErrorFor, awsErrorType } from './errors.js';
import { eventStream, type BedrockEvent } from './eventstream.js';
import { finishReason, toUsage } from './response.js';
import type { ConverseUsage } from './converse-types.js';
import { thinkingBlockOf } from './reasoning.js';
import { JSON_TOOL_NAME } from './structured.js';

type Delta = Chunk['choices'][number]['delta'];

/** Options of {@link converseChunks}. */
export interface ConverseChunkOptions {
  id: string;
  model: string;
  created?: number;
  /** The request offered the JSON tool: its input streams as `content`. */
  jsonTool?: boolean;
}

/**
 * Turns decoded ConverseStream events into chat chunks: `messageStart` → role chunk,
 * `contentBlockStart`/`contentBlockDelta` → content, tool-call and `reasoning_content`
 * deltas (a reasoning signature or redacted reasoning → a `thinking_blocks` delta),
 * `messageStop` → finish chunk, `metadata` → usage chunk; exceptions throw.
 *
 * @example
 * ```ts
 * for await (const chunk of converseChunks(events(), { id: 'chatcmpl-1', model: 'claude' })) send(chunk);
 * ```
 */
export async function* converseChunks(events: AsyncIterable<BedrockEvent>, meta: ConverseChunkOptions): AsyncGenerator<ChatChunk> {
  const created = meta.created ?? Math.floor(Date.now() / 1000);
  const chunk = (delta: Delta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  /** Converse block index → chat tool-call index, or -1 for the JSON tool. */
  const toolIndex = new Map<number, number>();
  const reasoning = new Map<number, string>();
  let toolCount = 0;
  let jsonAnswer = false;
  let started = false;
  for await (const ev of events) {
    if (ev.messageType !== 'event') {
      const type = awsErrorType(ev.type);
      throw bedrockErrorFor(type, 500, typeof ev.payload.message === 'string' ? ev.payload.message : `The bedrock stream failed (${ev.type}).`);
    }
    const p = ev.payload;
    const block = Number(p.contentBlockIndex ?? 0);
    switch (ev.type) {
      case 'messageStart':
        started = true;
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'contentBlockStart': {
        const start = (p.start ?? {}) as { toolUse?: { toolUseId: string; name: string } };
        if (!start.toolUse) break;
        if (meta.jsonTool && start.toolUse.name === JSON_TOOL_NAME) {
          jsonAnswer = true;
          toolIndex.set(block, -1);
          break;
        }
        const index = toolCount++;
        toolIndex.set(block, index);
        yield chunk({ tool_calls: [{ index, id: start.toolUse.toolUseId, type: 'function', function: { name: start.toolUse.name, arguments: '' } }] });
        break;
      }
      case 'contentBlockDelta': {
        const delta = (p.delta ?? {}) as { text?: string; toolUse?: { input?: string }; reasoningContent?: { text?: string; signature?: string; redactedContent?: string } };
        if (!started) {
          started = true;
          yield chunk({ role: 'assistant', content: '' });
        }
        if (typeof delta.text === 'string') yield chunk({ content: delta.text });
        else if (delta.toolUse) {
          const index = toolIndex.get(block) ?? 0;
          const input = delta.toolUse.input ?? '';
          if (index === -1) {
            if (input) yield chunk({ content: input });
          } else yield chunk({ tool_calls: [{ index, function: { arguments: input } }] });
        } else if (delta.reasoningContent) {
          const r = delta.reasoningContent;
          if (typeof r.text === 'string') {
            reasoning.set(block, (reasoning.get(block) ?? '') + r.text);
            yield chunk({ reasoning_content: r.text });
          }
          const replay = thinkingBlockOf({ reasoningText: { text: reasoning.get(block) ?? '', signature: r.signature }, redactedContent: r.redactedContent });
          if (replay) yield chunk({ thinking_blocks: [replay] });
        }
        break;
      }
      case 'messageStop': {
        let finish = finishReason(p.stopReason as string | undefined);
        if (jsonAnswer && finish === 'tool_calls' && toolCount === 0) finish = 'stop';
        yield chunk({}, finish);
        break;
      }
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
export function streamChunks(res: UpstreamResponse, meta: ConverseChunkOptions): AsyncGenerator<ChatChunk> {
  return converseChunks(eventStream(res, 'bedrock'), meta);
}
