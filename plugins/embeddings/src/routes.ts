/**
 * `POST /v1/embeddings` (and `/embeddings`): the body through the call runner as the
 * `embeddings` operation, the answer as JSON with the runner's response headers.
 */
import type { PluginApi, RouteDefinition } from '@switchyard/core';
import { embeddingsCodec } from './codec.js';
import { loadTokenizer, mayExceedTokenBound } from './limits.js';

/**
 * The embeddings route.
 *
 * @example
 * ```ts
 * gateway.addRoute(embeddingsRoute(gateway));
 * ```
 */
export function embeddingsRoute(api: PluginApi): RouteDefinition {
  return {
    method: 'POST',
    path: '/v1/embeddings',
    async handler(req) {
      // only a body whose text could pass the token bound waits for the tokenizer (once)
      if (mayExceedTokenBound(req.body)) await loadTokenizer();
      const out = await api.run(embeddingsCodec, {
        body: req.body,
        headers: req.headers,
        requestId: req.requestId,
        principal: req.principal,
        signal: req.abort,
      });
      return { status: 200, headers: out.ctx.responseHeaders, body: out.type === 'completion' ? out.body : undefined };
    },
  };
}
