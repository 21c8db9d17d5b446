/**
 * The text of a request's prompt, for counting its tokens: chat messages and tool
 * definitions, a Responses request's instructions and input, an embeddings request's input.
 */
import type { CallContext, CallRequest } from '@switchyard/core';

const textOf = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/**
 * The prompt text of a call (empty when the operation has none).
 *
 * @example
 * ```ts
 * promptText({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, ctx); // 'hi'
 * ```
 */
export function promptText(request: CallRequest, ctx: CallContext): string {
  switch (ctx.operation) {
    case 'chat': {
      const messages = (request.messages as Array<{ content?: unknown; tool_calls?: unknown }> | undefined) ?? [];
      const parts = messages.map((m) => textOf(m.content) + (m.tool_calls ? textOf(m.tool_calls) : ''));
      if (request.tools) parts.push(textOf(request.tools));
      return parts.join('\n');
    }
    case 'responses':
      return [textOf(request.instructions), textOf(request.input), request.tools ? textOf(request.tools) : ''].join('\n');
    case 'embeddings':
      return textOf(request.input);
    default:
      return '';
  }
}
