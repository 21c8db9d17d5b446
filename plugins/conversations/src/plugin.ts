/**
 * The Conversations API plugin: `/v1/conversations` for every provider, and the conversations
 * the Responses plugin's `conversation` parameter continues (through `services.conversations`;
 * neither plugin imports the other). A conversation is a session: its calls carry its id as
 * `ctx.sessionId`. A conversation made upstream on a native deployment keeps its turns there
 * (the `candidates` tap below is that affinity).
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import type { ConversationsDeps } from './deps.js';
import { CONVERSATIONS_MIGRATIONS, conversationsRepo } from './repo.js';
import { conversationsRoutes } from './routes.js';
import { conversationsService } from './turn.js';

const PLUGIN_NAME = '@switchyard/conversations';
const VERSION = '0.1.0';

/**
 * Stage of the `preCall` tap: right after the session tracker's (-1000), so the
 * conversation, not a header, names the call's session and later taps see it.
 */
export const CONVERSATION_SESSION_STAGE = -999;

const OptionsSchema = z.strictObject({});

/** Options of the Conversations plugin (none yet). */
export type ConversationsOptions = z.input<typeof OptionsSchema>;

/**
 * The Conversations API.
 *
 * @example
 * ```ts
 * createGateway({ plugins: ['@switchyard/store-sqlite', '@switchyard/responses', '@switchyard/conversations', '@switchyard/provider-mock'] });
 * ```
 */
export function conversations(options?: ConversationsOptions): GatewayPlugin {
  parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, CONVERSATIONS_MIGRATIONS);
      const deps: ConversationsDeps = { api: gateway, repo: conversationsRepo(store), diagnostics: gateway.diagnostics, noNativeApi: new Set() };
      gateway.services.conversations = conversationsService(deps);

      // one conversation = one session, whatever session header the client also sent
      // sync taps (no promise per call): every call of every operation passes through them
      gateway.hooks.preCall.tap({ name: PLUGIN_NAME, stage: CONVERSATION_SESSION_STAGE }, (_request, ctx) => {
        const turn = ctx.state.conversation;
        if (turn) {
          ctx.sessionId = turn.id;
          ctx.responseHeaders['x-session-id'] = turn.id;
        }
        return undefined;
      });
      // affinity: a conversation held upstream is continued on the deployment that holds it,
      // when the model asked for has it among its candidates (else another deployment gets
      // the history read from there as input)
      gateway.hooks.candidates.tap(PLUGIN_NAME, (deployments, _request, ctx) => {
        const held = ctx.operation === 'responses' ? ctx.state.conversation?.deploymentId : undefined;
        if (!held) return deployments;
        const pinned = deployments.filter((d) => d.id === held);
        return pinned.length > 0 ? pinned : deployments;
      });
      for (const route of conversationsRoutes(deps)) gateway.addRoute(route);
    },
  });
}
