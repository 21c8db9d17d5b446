/**
 * `POST /v1/chat/completions`: the body through the call runner as the `chat` operation,
 * the answer as JSON or server-sent events.
 */
import { publicErrorBody, sseFrame, sseResponse, toGatewayError, type CallContext, type ChatChunk, type FrameEncoder, type PluginApi, type RouteDefinition } from '@switchyard/core';
import { chatCodec } from '@switchyard/chat-wire';

/** Chunks become frames as they are written (no generator of frames per stream), then `[DONE]`. */
function chatFrames(ctx: CallContext): FrameEncoder<ChatChunk> {
  return {
    frame: sseFrame,
    end: 'data: [DONE]\n\n',
    // headers are sent: the error travels as a frame the OpenAI SDK raises as APIError
    error: (err) => sseFrame(publicErrorBody(toGatewayError(err), ctx.requestId)),
  };
}

/**
 * The chat completions route.
 *
 * @example
 * ```ts
 * gateway.addRoute(chatRoute(gateway));
 * ```
 */
export function chatRoute(api: PluginApi): RouteDefinition {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    async handler(req) {
      const out = await api.run(chatCodec, {
        body: req.body,
        headers: req.headers,
        requestId: req.requestId,
        principal: req.principal,
        signal: req.abort,
      });
      if (out.type === 'stream') return sseResponse(out.chunks, out.ctx.responseHeaders, chatFrames(out.ctx));
      return { status: 200, headers: out.ctx.responseHeaders, body: out.body };
    },
  };
}
