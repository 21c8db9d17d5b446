/**
 * The embeddings plugin: the `embeddings` operation on the call runner and its HTTP route,
 * for every provider whose adapter has `embeddings()` (a model of another provider is a 400
 * naming the model).
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { embeddingsCodec } from './codec.js';
import { embeddingsRoute } from './routes.js';

const PLUGIN_NAME = '@switchyard/embeddings';
const VERSION = '0.1.0';

/** No options yet: a misspelt option fails boot instead of being ignored. */
const OptionsSchema = z.strictObject({});

/** Options of the embeddings plugin. */
export type EmbeddingsOptions = z.input<typeof OptionsSchema>;

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
      gateway.hooks.routes.tap(PLUGIN_NAME, (routes) => routes.add(embeddingsRoute(gateway)));
    },
  });
}
