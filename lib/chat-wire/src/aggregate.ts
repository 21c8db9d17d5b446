/**
 * Builds the completion a stream amounts to, so `postCall`, `log` and `cost` see a
 * streamed call exactly like a non-streamed one.
 */
import type { ChatChunk, ChatCompletion, ChatToolCall, FinishReason, Usage } from '@switchyard/core';

interface ChoiceAcc {
  content: string[];
  refusal: string[];
  toolCalls: Array<{ id: string; name: string; args: string[] }>;
  finish: FinishReason | null;
}

/**
 * Accumulates chunks into a `chat.completion`.
 *
 * @example
 * ```ts
 * const agg = new ChunkAggregator();
 * for await (const chunk of stream) agg.add(chunk);
 * const completion = agg.result();
 * ```
 */
export class ChunkAggregator {
  #id = '';
  #model = '';
  #created = 0;
  #fingerprint: string | null | undefined;
  #usage: Usage | undefined;
  readonly #choices: ChoiceAcc[] = [];
  /** Number of chunks seen. */
  count = 0;

  add(chunk: ChatChunk): void {
    this.count++;
    if (!this.#id) {
      this.#id = chunk.id;
      this.#model = chunk.model;
      this.#created = chunk.created;
      this.#fingerprint = chunk.system_fingerprint as string | null | undefined;
    }
    if (chunk.usage) this.#usage = chunk.usage;
    for (const choice of chunk.choices) {
      let acc = this.#choices[choice.index];
      if (!acc) acc = this.#choices[choice.index] = { content: [], refusal: [], toolCalls: [], finish: null };
      const d = choice.delta;
      if (d) {
        if (typeof d.content === 'string' && d.content) acc.content.push(d.content);
        if (typeof d.refusal === 'string' && d.refusal) acc.refusal.push(d.refusal);
        if (d.tool_calls) {
          for (const tc of d.tool_calls) {
            let call = acc.toolCalls[tc.index];
            if (!call) call = acc.toolCalls[tc.index] = { id: '', name: '', args: [] };
            if (tc.id) call.id = tc.id;
            if (tc.function?.name) call.name += tc.function.name;
            if (tc.function?.arguments) call.args.push(tc.function.arguments);
          }
        }
      }
      if (choice.finish_reason) acc.finish = choice.finish_reason;
    }
  }

  /** The usage reported by the stream, if any chunk carried it. */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  /** The aggregated completion. */
  result(): ChatCompletion {
    const completion: ChatCompletion = {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices: this.#choices.map((acc, index) => {
        const toolCalls: ChatToolCall[] = acc.toolCalls
          .filter(Boolean)
          .map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args.join('') } }));
        return {
          index,
          message: {
            role: 'assistant',
            content: acc.content.length ? acc.content.join('') : null,
            refusal: acc.refusal.length ? acc.refusal.join('') : null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: acc.finish,
          logprobs: null,
        };
      }),
    };
    if (this.#usage) completion.usage = this.#usage;
    if (this.#fingerprint !== undefined) completion.system_fingerprint = this.#fingerprint;
    return completion;
  }
}
