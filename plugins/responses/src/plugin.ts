/**
 * The Responses API plugin: `/v1/responses` for every provider — passed through where the
 * provider has a native Responses API, bridged over chat completions everywhere else — with
 * conversation state kept in the gateway's store.
 */
import { canSee, definePlugin, GatewayError, ownerScope, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { startBackground } from './background.js';
import { responsesCodec } from './codec.js';
import { responseIds, type ResponseIds } from './ids.js';
import type { ResponsesDeps } from './deps.js';
import { recordResponse } from './record.js';
import { signingSecret } from './secret.js';
import { RESPONSES_MIGRATIONS, responsesRepo } from './repo.js';
import { responsesRoutes } from './routes.js';

const PLUGIN_NAME = '@switchyard/responses';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /**
   * Secret that signs native response ids (default: the gateway `secret`, else a key derived
   * from the auth plugin's master key, else a random key in `<dataDir>/responses-ids.key`).
   */
  secret: z.string().min(16).optional(),
  /** Background responses this process runs at once (default 16). */
  backgroundConcurrency: z.number().int().min(1).max(1000).optional(),
  /**
   * How long a background response's job stays claimed without a heartbeat, in ms (default
   * 30000): after a crash, another process (or this one restarted) runs it once this has passed.
   */
  backgroundLeaseMs: z.number().int().min(1000).max(3_600_000).optional(),
});

/** Options of the Responses plugin. */
export type ResponsesOptions = z.input<typeof OptionsSchema>;

/**
 * The Responses API.
 *
 * @example
 * ```ts
 * createGateway({ plugins: ['@switchyard/store-sqlite', '@switchyard/responses', '@switchyard/provider-mock'] });
 * ```
 */
export function responses(options?: ResponsesOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, RESPONSES_MIGRATIONS);
      const repo = responsesRepo(store.db);
      let ids: ResponseIds | undefined;
      const deps = {
        api: gateway,
        repo,
        get ids(): ResponseIds {
          if (!ids) throw new GatewayError('GW_ERR_INTERNAL', `${PLUGIN_NAME} served a request before the gateway was ready`);
          return ids;
        },
        store,
      } as unknown as ResponsesDeps;
      deps.codec = responsesCodec(deps);
      gateway.operations.register(deps.codec);
      gateway.hooks.record.tapPromise(PLUGIN_NAME, (event) => recordResponse(deps, event));
      // the deployment a response was made on (the responses-affinity check keeps a chain there)
      gateway.services.responseDeployment = async (id, principal) => {
        const ref = deps.ids.isNative(id) ? deps.ids.decode(id) : undefined;
        if (ref) return canSee(principal, ref.owner) ? ref.deployment : undefined;
        return (await repo.get(id, ownerScope(principal)))?.deploymentId || undefined;
      };
      // once every plugin is applied: an auth plugin's master key may be what the key derives from
      gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => {
        ids = responseIds(await signingSecret(gateway, store.db, opts.secret));
        // background responses queued here or by any process on the store (the store stops it at close)
        startBackground(deps, store, { concurrency: opts.backgroundConcurrency ?? 16, leaseMs: opts.backgroundLeaseMs ?? 30_000 });
      });
      // lets the session tracker put a chat call that continues a response in that response's session
      gateway.services.sessionOfResponse = async (id, principal) => (await repo.get(id, ownerScope(principal)))?.sessionId ?? undefined;
      for (const route of responsesRoutes(deps)) gateway.addRoute(route);
    },
  });
}
