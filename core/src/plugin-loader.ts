/**
 * The plugin contract and the loader that applies plugins in dependency order.
 */
import { GatewayError } from './errors.js';
import type { PluginHooks } from './hooks.js';
import type { PluginApi } from './gateway-api.js';

/**
 * A plugin: plain data plus `apply`. Made by a factory so options are validated once, at boot.
 *
 * @example
 * ```ts
 * export function stamp(options: { header?: string } = {}) {
 *   const header = options.header ?? 'x-stamped';
 *   return definePlugin({
 *     name: '@acme/stamp',
 *     version: '1.0.0',
 *     apply(gateway) {
 *       gateway.hooks.preCall.tapPromise('@acme/stamp', async (_req, ctx) => {
 *         ctx.responseHeaders[header] = 'yes';
 *         return undefined;
 *       });
 *     },
 *   });
 * }
 * ```
 */
export interface GatewayPlugin {
  /** The npm package name of the plugin; used in errors, spans and dependency checks. */
  readonly name: string;
  readonly version?: string;
  /** Plugins or capabilities (see `provides`) that must be applied first. */
  readonly dependencies?: readonly string[];
  /** Plugins or capabilities applied first when they are loaded (the plugin works without them). */
  readonly optionalDependencies?: readonly string[];
  /** Capabilities this plugin offers to others, e.g. `store`. */
  readonly provides?: readonly string[];
  /** Taps hooks, registers providers and services. May be async (bounded by a timeout). */
  apply(gateway: PluginApi): void | Promise<void>;
}

/**
 * Identity helper that types a plugin object.
 *
 * @example
 * ```ts
 * export default () => definePlugin({ name: '@acme/noop', apply() {} });
 * ```
 */
export function definePlugin<T extends GatewayPlugin>(plugin: T): T {
  return plugin;
}

/** Checks that `value` looks like a plugin; throws GW_ERR_PLUGIN_INVALID otherwise. */
export function assertPlugin(value: unknown, origin: string): asserts value is GatewayPlugin {
  const v = value as Partial<GatewayPlugin> | null;
  if (!v || typeof v !== 'object') {
    throw new GatewayError('GW_ERR_PLUGIN_INVALID', `${origin} is not a plugin object (got ${value === null ? 'null' : typeof value})`);
  }
  if (typeof v.name !== 'string' || v.name.length === 0) {
    throw new GatewayError('GW_ERR_PLUGIN_INVALID', `${origin} has no name: a plugin needs a non-empty string "name"`);
  }
  if (typeof v.apply !== 'function') {
    throw new GatewayError('GW_ERR_PLUGIN_INVALID', `plugin ${v.name} (${origin}) has no apply(gateway) function`);
  }
  for (const key of ['dependencies', 'optionalDependencies', 'provides'] as const) {
    const list = v[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((d) => typeof d !== 'string'))) {
      throw new GatewayError('GW_ERR_PLUGIN_INVALID', `plugin ${v.name}: "${key}" must be an array of strings`);
    }
  }
}

/**
 * Orders plugins so that each comes after what it depends on (stable otherwise), and
 * rejects duplicates, missing dependencies and cycles. (Which core a plugin works with is
 * npm's business: plugins peer-depend on `@switchyard/core`.)
 *
 * @example
 * ```ts
 * orderPlugins([sessions, store]); // [store, sessions] when sessions depends on 'store'
 * ```
 */
export function orderPlugins(plugins: readonly GatewayPlugin[]): GatewayPlugin[] {
  const byName = new Map<string, GatewayPlugin>();
  const providers = new Map<string, GatewayPlugin[]>();
  plugins.forEach((p, i) => {
    assertPlugin(p, `plugins[${i}]`);
    if (byName.has(p.name)) {
      throw new GatewayError('GW_ERR_PLUGIN_DUPLICATE', `plugin ${p.name} is listed twice; list each plugin once`);
    }
    byName.set(p.name, p);
    for (const cap of p.provides ?? []) providers.set(cap, [...(providers.get(cap) ?? []), p]);
  });
  const ordered: GatewayPlugin[] = [];
  const state = new Map<GatewayPlugin, 'visiting' | 'done'>();
  const visit = (p: GatewayPlugin, chain: string[]) => {
    const s = state.get(p);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new GatewayError('GW_ERR_PLUGIN_DEPENDENCY_MISSING', `plugin dependency cycle: ${[...chain, p.name].join(' -> ')}`);
    }
    state.set(p, 'visiting');
    for (const dep of p.dependencies ?? []) {
      const targets = byName.has(dep) ? [byName.get(dep)!] : providers.get(dep);
      if (!targets) {
        throw new GatewayError(
          'GW_ERR_PLUGIN_DEPENDENCY_MISSING',
          `plugin ${p.name} needs "${dep}", which no loaded plugin is or provides; add it to "plugins"`,
        );
      }
      for (const t of targets) visit(t, [...chain, p.name]);
    }
    for (const dep of p.optionalDependencies ?? []) {
      for (const t of byName.has(dep) ? [byName.get(dep)!] : (providers.get(dep) ?? [])) visit(t, [...chain, p.name]);
    }
    state.set(p, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}

/**
 * Applies plugins in order; each `apply` is bounded by `timeoutMs`.
 *
 * @example
 * ```ts
 * await applyPlugins(orderPlugins(plugins), (p) => apiFor(p), 10_000);
 * ```
 */
export async function applyPlugins(
  plugins: readonly GatewayPlugin[],
  apiFor: (plugin: GatewayPlugin) => PluginApi,
  timeoutMs: number,
): Promise<void> {
  for (const plugin of plugins) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new GatewayError('GW_ERR_PLUGIN_TIMEOUT', `plugin ${plugin.name} did not finish apply() within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(() => plugin.apply(apiFor(plugin))), timeout]);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} failed in apply(): ${(err as Error)?.message ?? err}`, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

export type { PluginHooks };
