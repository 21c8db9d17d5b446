/**
 * Plugins the core loads by package name without the config listing them: the parts every
 * gateway needs (the router, chat completions), unless a plugin of the config provides the same capability,
 * and the router state that `router.redis` names.
 */
import { GatewayError } from '../errors.js';
import type { GatewayPlugin } from '../plugin-loader.js';
import { resolvePlugin } from './resolve-plugins.js';
import type { PluginSpec, SwitchyardConfig } from './schema.js';

/**
 * The parts every gateway has, each a plugin loaded by name: its package and the capability
 * it provides (a plugin of the config that is that package or provides that capability
 * replaces it).
 *
 * @example
 * ```ts
 * BUILT_INS.map((b) => b.name); // ['@switchyard/router', '@switchyard/chat']
 * ```
 */
export const BUILT_INS: readonly { name: string; provides: string }[] = [
  { name: '@switchyard/router', provides: 'router' },
  { name: '@switchyard/chat', provides: 'chat' },
];

/**
 * The built-in parts the config's plugins leave to the core, resolved.
 *
 * @example
 * ```ts
 * const parts = await builtIns(plugins); // [router plugin] unless one of `plugins` provides 'router'
 * ```
 */
export async function builtIns(plugins: readonly GatewayPlugin[]): Promise<GatewayPlugin[]> {
  const missing = BUILT_INS.filter((b) => !plugins.some((p) => p.name === b.name || p.provides?.includes(b.provides)));
  const out: GatewayPlugin[] = [];
  for (const part of missing) {
    try {
      out.push(await resolvePlugin(part.name));
    } catch (err) {
      throw new GatewayError('GW_ERR_PLUGIN_NOT_FOUND', `the gateway's ${part.provides} (${part.name}) cannot be loaded: install ${part.name}, or list a plugin that provides "${part.provides}" (${(err as Error).message})`, { cause: err });
    }
  }
  return out;
}

const ROUTER_REDIS = '@switchyard/router-redis';

/**
 * The config's plugins, plus the router-state plugin that `router.redis` names (unless one is
 * listed): the config key is all a user writes to share routing between processes.
 *
 * @example
 * ```ts
 * withRouterState({ router: { redis: 'redis://127.0.0.1:6379' } }); // [['@switchyard/router-redis', { url }]]
 * ```
 */
export function withRouterState(cfg: SwitchyardConfig): PluginSpec[] {
  const listed = cfg.plugins ?? [];
  const url = cfg.router?.redis;
  if (!url) return listed;
  const named = (p: PluginSpec) => (typeof p === 'string' ? p : Array.isArray(p) ? p[0] : p.name);
  if (listed.some((p) => named(p) === ROUTER_REDIS)) return listed;
  return [...listed, [ROUTER_REDIS, { url }]];
}
