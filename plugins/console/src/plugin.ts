/**
 * The web console: a single-page app at `/ui` (sessions, spend, batches, deployments, live
 * calls) over the gateway's own APIs, plus the few endpoints only it needs. The page is
 * prebuilt into `static/`, so serving it needs no build step.
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { apiRoutes } from './api.js';
import { createLiveFeed } from './live.js';
import { STATIC_DIR, staticRoutes } from './static.js';

/** Package name, used for every tap. */
export const PLUGIN_NAME = '@switchyard/console';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Most browsers on the live feed at once (default 100). */
  maxLiveClients: z.number().int().min(1).max(100_000).optional(),
  /** Folder of the built page (default: the package's `static/`); for tests of a page build. */
  staticDir: z.string().min(1).optional(),
});

/** Options of the console. */
export type ConsoleOptions = z.input<typeof OptionsSchema>;

/**
 * Creates the console plugin. Its views read the sessions API (`@switchyard/session-tracker`),
 * spend (`@switchyard/cost-tracker`), batches (a plugin serving `GET /v1/batches`) and the
 * router; each view appears when its data source is loaded.
 *
 * @example
 * ```ts
 * createGateway({ plugins: [sqliteStore(), sessionTracker(), costTracker(), consolePlugin(), mockProvider()] });
 * // open http://127.0.0.1:4000/ui
 * ```
 */
export function consolePlugin(options?: ConsoleOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      const feed = createLiveFeed();
      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => feed.publish(event));
      for (const r of [...staticRoutes(opts.staticDir ?? STATIC_DIR), ...apiRoutes(gateway, feed, { maxLiveClients: opts.maxLiveClients ?? 100 })]) gateway.addRoute(r);
    },
  });
}
