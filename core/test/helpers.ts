import { definePlugin, type ChatCompletion, type ChatRequest, type GatewayPlugin, type PluginApi } from '../src/index.js';

/** A provider that answers `fixed:<last user text>` in-process. */
export function fixedProvider(id = 'fixed'): GatewayPlugin {
  return definePlugin({
    name: `test-provider-${id}`,
    apply(gateway: PluginApi) {
      gateway.providers.register({
        id,
        async chat(request: ChatRequest) {
          const text = String(request.messages.at(-1)?.content ?? '');
          const body: ChatCompletion = {
            id: 'chatcmpl-fixed',
            object: 'chat.completion',
            created: 1,
            model: request.model,
            choices: [{ index: 0, message: { role: 'assistant', content: `fixed:${text}` }, finish_reason: 'stop', logprobs: null }],
            usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
          };
          if (!request.stream) return { type: 'completion', body };
          return {
            type: 'stream',
            chunks: (async function* () {
              yield { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: request.model, choices: [{ index: 0, delta: { role: 'assistant' as const, content: 'fixed:' }, finish_reason: null }] };
              yield { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: request.model, choices: [{ index: 0, delta: { content: text }, finish_reason: 'stop' as const }] };
              yield { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: request.model, choices: [], usage: body.usage! };
            })(),
          };
        },
      });
    },
  });
}

export const hi = (content = 'hi', model = 'fixed/x') => ({ model, messages: [{ role: 'user', content }] });
