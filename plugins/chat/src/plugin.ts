/**
 * The chat completions plugin: the `chat` operation on the call runner (what
 * `gateway.call()` runs by default) and `POST /v1/chat/completions`. The core loads it unless
 * a plugin provides `chat`.
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { chatCodec } from '@switchyard/chat-wire';
import { chatRoute } from './route.js';

const PLUGIN_NAME = '@switchyard/chat';
const VERSION = '0.1.0';

/** No options yet: a misspelt option fails boot instead of being ignored. */
const OptionsSchema = z.strictObject({});

/** Options of the chat plugin. */
export type ChatOptions = z.input<typeof OptionsSchema>;

/**
 * The OpenAI chat completions API.
 *
 * @example
 * ```ts
 * // loaded implicitly; listed only to replace it or to order it by hand
 * createGateway({ plugins: [chat(), mock()] });
 * // POST /v1/chat/completions { "model": "mock/echo", "messages": [{ "role": "user", "content": "hi" }] }
 * ```
 */
export function chat(options?: ChatOptions): GatewayPlugin {
  parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    provides: ['chat'],
    apply(gateway) {
      gateway.operations.register(chatCodec);
      gateway.addRoute(chatRoute(gateway));
    },
  });
}
