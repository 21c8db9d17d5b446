/**
 * What every store plugin does with the store it built: publish it as `services.store` and
 * commit and close it at shutdown, after every other plugin's close taps.
 */
import { GatewayError, type PluginApi } from '@switchyard/core';
import type { Store } from './types.js';
import './services.js';

/**
 * Installs `store` into the gateway on behalf of the store plugin `pluginName`. Its `close`
 * tap runs last (stage 1000), after other plugins' close taps, and commits every queued write.
 *
 * @example
 * ```ts
 * apply: async (gateway) => installStore(gateway, createStore({ db, dialect: 'sqlite', onError }), PLUGIN_NAME),
 * ```
 */
export async function installStore(api: PluginApi, store: Store, pluginName: string): Promise<void> {
  if (api.services.store) {
    await store.close().catch(() => undefined);
    throw new GatewayError('GW_ERR_PLUGIN_DUPLICATE', `${pluginName}: another store plugin is already loaded; load one store plugin`);
  }
  api.services.store = store;
  api.hooks.close.tapPromise({ name: pluginName, stage: 1000 }, async () => store.close());
}
