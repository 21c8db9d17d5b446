/**
 * The router plugin: offers `services.router`, built from the config's `router:` section
 * (`gateway.settings.router`) over the router state another plugin provides
 * (`services.routerState`, e.g. `@switchyard/router-redis`) or this process's own. The core
 * loads it unless a plugin provides `router`.
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { createMemoryState, createRouter } from '@switchyard/routing';

const PLUGIN_NAME = '@switchyard/router';
const VERSION = '0.1.0';

/** The settings are the config's `router:` section: a misspelt option fails boot instead of being ignored. */
const OptionsSchema = z.strictObject({});

/** Options of the router plugin (none: it reads the config's `router:` section). */
export type RouterPluginOptions = z.input<typeof OptionsSchema>;

/**
 * The router plugin.
 *
 * @example
 * ```ts
 * // loaded implicitly; listed only to replace it or to order it by hand
 * createGateway({ plugins: [router(), mock()], router: { strategy: 'least-busy' } });
 * ```
 */
export function router(options?: RouterPluginOptions): GatewayPlugin {
  parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    provides: ['router'],
    // a shared state (Redis) must be there before the router is built over it
    optionalDependencies: ['routerState'],
    apply(gateway) {
      const { services } = gateway;
      // the pricing service is read per call: a cost plugin may be applied after this one
      services.router = createRouter(gateway.settings.router, services.routerState ?? createMemoryState(), { price: (d) => services.pricing?.perToken(d) });
    },
  });
}
