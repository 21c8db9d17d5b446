/**
 * Anthropic streaming events → chat completion chunks.
 *
 * `message_start` gives the first chunk (role), text and thinking deltas become `content`
 * and `reasoning_content`, `tool_use` blocks become tool-call deltas (id and name first,
 * then argument fragments), `message_delta` the finish chunk, `message_stop` the usage
 * chunk (`choices: []`) when usage was asked for; `ping` is dropped, `error` throws.
 */
import { GatewayError, type ChatChunk, type Usage } from '@switchyard/core';
import { type EventSourceMessage } from '@switchyard/upstream';
import { anthropicStreamError } from './errors.js';
import { JSON_TOOL_NAME } from './request.js';
import { finishReasonOf, usageOf } from './response.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './wire.js';

/** Options of {@link AnthropicStreamTranslator}. */
export interface StreamMappingOptions {
  /** Emit a final usage chunk (`choices: []`) on `message_stop`. */
  includeUsage?: boolean;
  /** The request forced the JSON tool: its input streams as `content`. */
  jsonTool?: boolean;
  /** Provider id for error messages. */
  provider?: string;
  /** `created` timestamp (unix seconds); default now. */
  created?: number;
}

type Delta = ChatChunk['choices'][number]['delta'];

/**
 * A stateful translator of one Anthropic stream: feed it each event, get the chunks to send.
 *
 * @example
 * ```ts
 * const t = new AnthropicStreamTranslator({ includeUsage: true });
 * for (const event of events) for (const chunk of t.push(event)) send(chunk);
 * t.end(); // throws when the stream stopped before message_stop
 * ```
 */
export class AnthropicStreamTranslator {
  readonly #opts: StreamMappingOptions;
  #id = '';
  #model = '';
  readonly #created: number;
  #usage: AnthropicUsage = {};
  /** Anthropic block index → chat tool-call index (or -1 for the JSON tool). */
  readonly #tools = new Map<number, number>();
  readonly #thinking = new Map<number, string>();
  #toolCount = 0;
  #jsonAnswer = false;
  #started = false;
  #stopped = false;

  constructor(opts: StreamMappingOptions = {}) {
    this.#opts = opts;
    this.#created = opts.created ?? Math.floor(Date.now() / 1000);
  }

  /** Whether `message_stop` was seen. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The usage so far, in the chat shape. */
  get usage(): Usage {
    return usageOf(this.#usage);
  }

  #chunk(delta: Delta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  #mergeUsage(u: AnthropicUsage | undefined): void {
    if (!u) return;
    for (const [k, v] of Object.entries(u)) if (v != null) this.#usage[k] = v;
  }

  /** Translates one event; returns the chunks to send (often none). */
  push(event: AnthropicStreamEvent): ChatChunk[] {
    switch (event.type) {
      case 'message_start':
        this.#started = true;
        this.#id = event.message.id;
        this.#model = event.message.model;
        this.#mergeUsage(event.message.usage);
        return [this.#chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.#blockStart(event.index, event.content_block as Record<string, unknown>);
      case 'content_block_delta':
        return this.#blockDelta(event.index, event.delta as Record<string, unknown>);
      case 'message_delta': {
        this.#mergeUsage(event.usage);
        let finish = finishReasonOf(event.delta.stop_reason);
        if (finish === 'tool_calls' && this.#jsonAnswer && this.#toolCount === 0) finish = 'stop';
        return finish ? [this.#chunk({}, finish)] : [];
      }
      case 'message_stop':
        this.#stopped = true;
        if (!this.#opts.includeUsage) return [];
        return [{ id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage: this.usage }];
      case 'error':
        throw anthropicStreamError(event.error, this.#opts.provider);
      default:
        return []; // ping, content_block_stop and event types added later
    }
  }

  #blockStart(index: number, block: Record<string, unknown>): ChatChunk[] {
    if (!this.#started) throw this.#malformed('a content block before message_start');
    if (block.type === 'tool_use') {
      if (this.#opts.jsonTool && block.name === JSON_TOOL_NAME) {
        this.#jsonAnswer = true;
        this.#tools.set(index, -1);
        return [];
      }
      const k = this.#toolCount++;
      this.#tools.set(index, k);
      return [this.#chunk({ tool_calls: [{ index: k, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } }] })];
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text) return [this.#chunk({ content: block.text })];
    if (block.type === 'thinking') {
      this.#thinking.set(index, '');
      if (typeof block.thinking === 'string' && block.thinking) return this.#thinkingDelta(index, block.thinking);
    }
    if (block.type === 'redacted_thinking') return [this.#chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] })];
    return [];
  }

  #thinkingDelta(index: number, text: string): ChatChunk[] {
    this.#thinking.set(index, (this.#thinking.get(index) ?? '') + text);
    return [this.#chunk({ reasoning_content: text })];
  }

  #blockDelta(index: number, delta: Record<string, unknown>): ChatChunk[] {
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [this.#chunk({ content: String(delta.text) })] : [];
      case 'input_json_delta': {
        const k = this.#tools.get(index);
        const fragment = String(delta.partial_json ?? '');
        if (k === undefined || !fragment) return [];
        if (k === -1) return [this.#chunk({ content: fragment })];
        return [this.#chunk({ tool_calls: [{ index: k, function: { arguments: fragment } }] })];
      }
      case 'thinking_delta':
        return delta.thinking ? this.#thinkingDelta(index, String(delta.thinking)) : [];
      case 'signature_delta':
        return [this.#chunk({ thinking_blocks: [{ type: 'thinking', thinking: this.#thinking.get(index) ?? '', signature: delta.signature }] })];
      default:
        return [];
    }
  }

  #malformed(what: string): GatewayError {
    return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${this.#opts.provider ?? 'anthropic'} upstream sent ${what}.`, {
      publicCode: 'upstream_invalid_response',
      expose: true,
    });
  }

  /** Call when the upstream stream ended: throws when it ended before `message_stop`. */
  end(): void {
    if (!this.#stopped) throw this.#malformed('a stream that ended before message_stop');
  }
}

/**
 * Turns Anthropic SSE events into chat chunks; events after `message_stop` are ignored.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: toChatChunks(sseEvents(res, 'anthropic'), { includeUsage: true }) };
 * ```
 */
export async function* toChatChunks(events: AsyncIterable<EventSourceMessage>, opts: StreamMappingOptions = {}): AsyncGenerator<ChatChunk> {
  const t = new AnthropicStreamTranslator(opts);
  for await (const ev of events) {
    if (t.stopped) continue; // read to the end so the connection can be reused
    let event: AnthropicStreamEvent;
    try {
      event = JSON.parse(ev.data) as AnthropicStreamEvent;
    } catch {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${opts.provider ?? 'anthropic'} upstream sent a stream event that is not JSON.`, {
        publicCode: 'upstream_invalid_response',
        expose: true,
      });
    }
    if (ev.event === 'error' && event.type !== 'error') event = { type: 'error', error: (event as { error?: never }).error ?? { type: 'api_error', message: ev.data } };
    yield* t.push(event);
  }
  t.end();
}
