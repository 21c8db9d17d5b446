/**
 * What every store plugin does with the store it built: publish it as `services.store`,
 * create the call log tables, record every call, and flush and close on shutdown.
 */
import { GatewayError } from '../errors.js';
import type { PluginApi } from '../plugin-api.js';
import { CALL_LOG_MIGRATIONS, CALL_LOG_OWNER } from './call-log-schema.js';
import { pruneCallLog, recordCall } from './call-log.js';
import type { Store } from './types.js';
import './services.js';

/** Options of {@link installStore}. */
export interface InstallStoreOptions {
  /** Record every call in `sy_calls` (default true). */
  recordCalls?: boolean;
  /**
   * Delete calls older than this many days (and sessions idle that long), at start and then
   * hourly. Default: keep everything.
   */
  retentionDays?: number;
}

/** How often the call log is pruned when a retention is set. */
export const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Installs `store` into the gateway on behalf of the store plugin `pluginName`. Its `close`
 * tap runs last (stage 1000), after other plugins' close taps, and commits every queued write.
 *
 * @example
 * ```ts
 * apply: async (gateway) => installStore(gateway, createStore({ db, dialect: 'sqlite', onError }), PLUGIN_NAME),
 * ```
 */
export async function installStore(api: PluginApi, store: Store, pluginName: string, options: InstallStoreOptions = {}): Promise<void> {
  if (api.services.store) {
    throw new GatewayError('GW_ERR_PLUGIN_DUPLICATE', `${pluginName}: another store plugin is already loaded; load one store plugin`);
  }
  try {
    await store.migrate(CALL_LOG_OWNER, CALL_LOG_MIGRATIONS);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  api.services.store = store;
  if (options.recordCalls !== false) {
    const storePrompts = api.settings.storePrompts;
    // on `record`: the response's last bytes wait for this commit, so a served call survives a kill -9
    api.hooks.record.tapPromise(pluginName, (event) => recordCall(store, event, storePrompts));
  }
  let timer: NodeJS.Timeout | undefined;
  if (options.retentionDays !== undefined) {
    const days = options.retentionDays;
    const prune = () => pruneCallLog(store, Date.now() - days * 86_400_000);
    await prune();
    timer = setInterval(() => api.background(prune()), PRUNE_INTERVAL_MS);
    timer.unref();
  }
  api.hooks.close.tapPromise({ name: pluginName, stage: 1000 }, async () => {
    clearInterval(timer);
    await store.close();
  });
}
