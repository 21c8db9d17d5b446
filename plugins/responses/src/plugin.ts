/**
 * The Responses API plugin: `/v1/responses` for every provider — passed through where the
 * provider has a native Responses API, bridged over chat completions everywhere else — with
 * conversation state kept in the gateway's store.
 */
import { randomBytes } from 'node:crypto';
import { definePlugin, GatewayError, parsePluginOptions, z, type AnyKysely, type GatewayPlugin } from '@switchyard/core';
import { responseIds } from './ids.js';
import { ownerOf, type ResponsesEnv } from './env.js';
import { responsesCodec } from './codec.js';
import { recordResponse } from './record.js';
import { RESPONSES_MIGRATIONS, responsesRepo } from './repo.js';
import { responsesRoutes } from './routes.js';

const PLUGIN_NAME = '@switchyard/responses';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Secret that signs native response ids (default: the gateway `secret`, else one kept in the store). */
  secret: z.string().min(16).optional(),
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
      const store = gateway.services.store;
      if (!store) throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME} needs a store plugin (e.g. @switchyard/store-sqlite)`);
      await store.migrate(PLUGIN_NAME, RESPONSES_MIGRATIONS);
      const secret = opts.secret ?? (gateway.settings.secret || (await persistentSecret(store.db)));
      const repo = responsesRepo(store.db);
      const env = { api: gateway, repo, ids: responseIds(secret), running: new Map() } as unknown as ResponsesEnv;
      env.codec = responsesCodec(env);
      gateway.operations.register(env.codec);
      gateway.hooks.record.tapPromise(PLUGIN_NAME, (event) => recordResponse(env, event));
      // the deployment a response was made on (the responses-affinity check keeps a chain there)
      gateway.services.responseDeployment = async (id, principal) => {
        const owner = ownerOf(principal);
        const ref = env.ids.isNative(id) ? env.ids.decode(id) : undefined;
        if (ref) return ref.owner === owner ? ref.deployment : undefined;
        return (await repo.get(id, owner))?.deploymentId || undefined;
      };
      // lets the session tracker put a chat call that continues a response in that response's session
      gateway.services.sessionOfResponse = async (id, principal) => (await repo.get(id, ownerOf(principal)))?.sessionId ?? undefined;
      gateway.hooks.routes.tap(PLUGIN_NAME, (routes) => {
        for (const route of responsesRoutes(env)) routes.add(route);
      });
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        for (const ac of env.running.values()) ac.abort();
      });
    },
  });
}

/** A signing secret generated once and kept in the store, so ids survive restarts. */
async function persistentSecret(db: AnyKysely): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  await db.insertInto('sy_secrets').values({ name: 'responses', value: fresh }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = (await db.selectFrom('sy_secrets').select('value').where('name', '=', 'responses').executeTakeFirstOrThrow()) as { value: string };
  return row.value;
}
