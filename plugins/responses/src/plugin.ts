/**
 * The Responses API plugin: `/v1/responses` for every provider — passed through where the
 * provider has a native Responses API, bridged over chat completions everywhere else — with
 * conversation state kept in the gateway's store.
 */
import { randomBytes } from 'node:crypto';
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import type { Kysely } from 'kysely';
import { responseIds } from './ids.js';
import type { ResponsesEnv } from './env.js';
import { migrateResponses, responsesRepo } from './repo.js';
import { responsesRoutes } from './routes.js';

const PLUGIN_NAME = '@switchyard/responses';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Secret that signs native response ids (default: the gateway `secret`, else one kept in the store). */
  secret: z.string().min(16).optional(),
});

/** Options of the Responses plugin. */
export type ResponsesOptions = z.input<typeof OptionsSchema>;

/** What this plugin needs from the store service. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StoreLike = { db: Kysely<any> };

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
      const store = (gateway.services as { store?: StoreLike }).store;
      if (!store?.db) throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME} needs a store plugin (e.g. @switchyard/store-sqlite)`);
      await migrateResponses(store.db);
      const secret = opts.secret ?? (gateway.settings.secret || (await persistentSecret(store.db)));
      const env: ResponsesEnv = { api: gateway, repo: responsesRepo(store.db), ids: responseIds(secret), running: new Map() };
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function persistentSecret(db: Kysely<any>): Promise<string> {
  await db.schema.createTable('sy_secrets').ifNotExists().addColumn('name', 'varchar(100)', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
  const fresh = randomBytes(32).toString('base64url');
  await db.insertInto('sy_secrets').values({ name: 'responses', value: fresh }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = (await db.selectFrom('sy_secrets').select('value').where('name', '=', 'responses').executeTakeFirstOrThrow()) as { value: string };
  return row.value;
}
