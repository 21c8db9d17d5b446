/**
 * The tap-only view of the hook table handed to plugins, and per-plugin diagnostics.
 */
import type { Diagnostics } from './diagnostics.js';
import type { GatewayHooks, HookName, PluginHooks } from './hooks.js';

/**
 * A view of `hooks` that can tap but not call or intercept.
 *
 * @example
 * ```ts
 * const view = tapOnly(hooks);
 * view.log.tapPromise('p', async () => {}); // ok; view.log.promise does not exist
 * ```
 */
export function tapOnly(hooks: GatewayHooks): PluginHooks {
  const view: Record<string, unknown> = {};
  for (const name of Object.keys(hooks) as HookName[]) {
    const hook = hooks[name] as unknown as Record<string, (...args: unknown[]) => unknown>;
    view[name] = Object.freeze({
      name,
      tap: hook.tap!.bind(hook),
      tapPromise: hook.tapPromise!.bind(hook),
    });
  }
  return Object.freeze(view) as unknown as PluginHooks;
}

/**
 * Diagnostics whose messages name the plugin.
 *
 * @example
 * ```ts
 * prefixed(diag, '@switchyard/logger-file').warn('rotating');
 * ```
 */
export function prefixed(diag: Diagnostics, name: string): Diagnostics {
  return {
    debug: (m, d) => diag.debug(`${name}: ${m}`, d),
    info: (m, d) => diag.info(`${name}: ${m}`, d),
    warn: (m, d) => diag.warn(`${name}: ${m}`, d),
    error: (m, d) => diag.error(`${name}: ${m}`, d),
  };
}
