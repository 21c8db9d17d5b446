/**
 * Register-interceptors that make the hook table safe for third-party taps:
 * - errors from decision hooks are attributed to the plugin and hook ({@link PluginError}),
 *   while a GatewayError a plugin throws on purpose (a 4xx) goes through unchanged;
 * - `null` from a bail tap is treated as `undefined` (tapable bails on null);
 * - observer taps (the parallel hooks: `cost`, `record`, `log`) never throw: failures are
 *   reported to the diagnostics logger and the hook resolves.
 */
import { GatewayError, PluginError } from './errors.js';
import { hookKind, type GatewayHooks, type HookName } from './hooks.js';
import type { Diagnostics } from './diagnostics.js';

type AnyFn = (a?: unknown, b?: unknown, c?: unknown) => unknown;
// hooks take at most three arguments (hooks.ts): fixed parameters, no rest array per call
interface TapInfo {
  name: string;
  // plugins get `tap` and `tapPromise` only (hook-view.ts): no callback-style taps
  type: 'sync' | 'promise';
  fn: AnyFn;
}

function attribute(plugin: string, hook: string, err: unknown): unknown {
  if (err instanceof GatewayError) return err;
  return new PluginError(plugin, hook, err);
}

function guardDecision(hook: HookName, bail: boolean, tap: TapInfo): AnyFn {
  const { fn, name } = tap;
  const fix = (value: unknown) => (bail && value === null ? undefined : value);
  if (tap.type === 'promise') {
    return (a, b, c) => {
      let result: unknown;
      try {
        result = fn(a, b, c);
      } catch (err) {
        throw attribute(name, hook, err);
      }
      if (!(result instanceof Promise)) return result; // tapable reports the contract violation itself
      return result.then(fix, (err: unknown) => {
        throw attribute(name, hook, err);
      });
    };
  }
  return (a, b, c) => {
    try {
      return fix(fn(a, b, c));
    } catch (err) {
      throw attribute(name, hook, err);
    }
  };
}

function guardObserver(hook: HookName, tap: TapInfo, diag: Diagnostics): AnyFn {
  const { fn, name } = tap;
  const report = (err: unknown) => diag.error(`observer ${name} failed in hook ${hook}`, err);
  if (tap.type === 'promise') {
    return (a, b, c) => {
      try {
        const result = fn(a, b, c);
        return result instanceof Promise ? result.then(undefined, report) : Promise.resolve();
      } catch (err) {
        report(err);
        return Promise.resolve();
      }
    };
  }
  return (a, b, c) => {
    try {
      fn(a, b, c);
    } catch (err) {
      report(err);
    }
  };
}

/**
 * Installs the guards on every hook. Call before any plugin taps.
 *
 * @example
 * ```ts
 * const hooks = createHooks();
 * guardHooks(hooks, diagnostics);
 * ```
 */
export function guardHooks(hooks: GatewayHooks, diag: Diagnostics): void {
  for (const hookName of Object.keys(hooks) as HookName[]) {
    const hook = hooks[hookName] as unknown as { intercept(i: { register(t: TapInfo): TapInfo }): void };
    const kind = hookKind(hook);
    hook.intercept({
      register: (tap) => ({ ...tap, fn: kind === 'observer' ? guardObserver(hookName, tap, diag) : guardDecision(hookName, kind === 'bail', tap) }),
    });
  }
}
