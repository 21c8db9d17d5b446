/**
 * The embeddings plugin: the `embeddings` operation on the call runner and its HTTP route,
 * for every provider whose adapter has `embeddings()` (a model of another provider is a 400
 * naming the model).
 */
import { definePlugin, parsePluginOptions, z, type CallEvent, type CallResponse, type EmbeddingsResponse, type GatewayPlugin } from '@switchyard/core';
import { embeddingsCodec } from './codec.js';
import { embeddingsRoute } from './routes.js';

const PLUGIN_NAME = '@switchyard/embeddings';
const VERSION = '0.1.0';

/** No options yet: a misspelt option fails boot instead of being ignored. */
const OptionsSchema = z.strictObject({});

/** Options of the embeddings plugin. */
export type EmbeddingsOptions = z.input<typeof OptionsSchema>;

/**
 * What call records keep of an embeddings answer: everything but the vectors, each replaced by
 * its length (a batch of 2048 × 3072 floats would otherwise be a 100 MB row in the call log).
 *
 * @example
 * ```ts
 * recordedAnswer({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: 'm', usage });
 * // { object: 'list', data: [{ object: 'embedding', index: 0, dimensions: 2 }], model: 'm', usage }
 * ```
 */
export function recordedAnswer(response: EmbeddingsResponse): CallResponse {
  if (!Array.isArray(response.data)) return response;
  const data = response.data.map((e) => {
    const v = (e as { embedding?: unknown }).embedding;
    if (typeof v === 'string') return { object: e.object, index: e.index, dimensions: Math.floor((v.length * 3) / 16) };
    return Array.isArray(v) ? { object: e.object, index: e.index, dimensions: v.length } : e;
  });
  return { ...response, data };
}

/** Swaps the vectors of a finished embeddings call's answer for their lengths, for every observer. */
function slim(event: CallEvent): void {
  if (event.ctx.operation === 'embeddings' && event.response) event.response = recordedAnswer(event.response as EmbeddingsResponse);
}

/**
 * The OpenAI embeddings API.
 *
 * @example
 * ```ts
 * createGateway({ plugins: ['@switchyard/embeddings', '@switchyard/provider-mock'] });
 * // POST /v1/embeddings { "model": "mock/embed", "input": ["a", "b"] }
 * ```
 */
export function embeddings(options?: EmbeddingsOptions): GatewayPlugin {
  parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.operations.register(embeddingsCodec);
      gateway.addRoute(embeddingsRoute(gateway));
      // first of the observers: the client's answer is another object and keeps its vectors
      gateway.hooks.record.tapPromise({ name: PLUGIN_NAME, stage: -1000 }, async (event) => slim(event));
      gateway.hooks.log.tapPromise({ name: PLUGIN_NAME, stage: -1000 }, async (event) => slim(event));
    },
  });
}
