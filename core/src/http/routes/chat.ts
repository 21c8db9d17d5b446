/**
 * `POST /v1/chat/completions`: JSON or server-sent events from the chat pipeline.
 */
import { publicErrorBody, toGatewayError } from '../../errors.js';
import type { CallInput, CallOutput } from '../../runner/call-types.js';
import type { CallContext, ChatChunk } from '../../types/index.js';
import type { RouteDefinition } from '../routes-api.js';
import { sseResponse } from '../sse.js';

async function* chatFrames(chunks: AsyncIterable<ChatChunk>, ctx: CallContext): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) yield `data: ${JSON.stringify(chunk)}\n\n`;
    yield 'data: [DONE]\n\n';
  } catch (err) {
    // headers are sent: the error travels as a frame the OpenAI SDK raises as APIError
    yield `data: ${JSON.stringify(publicErrorBody(toGatewayError(err), ctx.requestId))}\n\n`;
  }
}

/**
 * The chat completions route.
 *
 * @example
 * ```ts
 * routes.push(chatRoute(pipeline));
 * ```
 */
export function chatRoute(call: (input: CallInput) => Promise<CallOutput>): RouteDefinition {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    async handler(req) {
      const out = await call({
        body: req.body,
        headers: req.headers,
        requestId: req.requestId,
        principal: req.principal,
        signal: req.signal,
      });
      if (out.type === 'stream') return sseResponse(chatFrames(out.chunks, out.ctx), out.ctx.responseHeaders);
      return { status: 200, headers: out.ctx.responseHeaders, body: out.body };
    },
  };
}
