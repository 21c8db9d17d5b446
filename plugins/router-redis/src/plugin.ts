/**
 * Router state in Redis: with `router.redis: <url>` (or this plugin listed with a `url`),
 * every gateway process routes as one: calls in flight, per-minute usage and cooldowns are
 * shared, so `--workers N` and several machines agree on which deployment is busy, full or
 * cooling down.
 */
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { createRedisState } from './state.js';

const PLUGIN_NAME = '@switchyard/router-redis';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** The Redis URL (`redis://[:password@]host:port[/db]`). */
  url: z.string().min(1),
  /** Key prefix (default `sy:router:`). */
  prefix: z.string().min(1).optional(),
  /** How often the other processes' counts are read, in ms (default 200). */
  syncMs: z.number().int().min(10).max(10_000).optional(),
});

/** Options of the Redis router state. */
export type RouterRedisOptions = z.input<typeof OptionsSchema>;

/**
 * The Redis router-state plugin.
 *
 * @example
 * ```ts
 * createGateway({ plugins: [routerRedis({ url: 'redis://127.0.0.1:6379' })], router: { strategy: 'least-busy' }, models });
 * ```
 */
export function routerRedis(options: RouterRedisOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    provides: ['routerState'],
    async apply(gateway) {
      let state;
      try {
        state = await createRedisState({ ...opts, onError: (err) => gateway.diagnostics.warn(`router state in Redis: ${(err as Error).message}`) });
      } catch (err) {
        throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME}: cannot reach Redis at ${opts.url.replace(/\/\/[^@/]*@/, '//')}: ${(err as Error).message}`, { cause: err });
      }
      gateway.services.routerState = state;
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => state.close?.());
    },
  });
}
