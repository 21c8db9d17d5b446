/**
 * Register-interceptors that make the hook table safe for third-party taps:
 * - errors from decision hooks are attributed to the plugin and hook ({@link PluginError}),
 *   while a GatewayError a plugin throws on purpose (a 4xx) goes through unchanged;
 * - `null` from a bail tap is treated as `undefined` (tapable bails on null);
 * - observer taps (`log`, `cost`) never throw: failures are reported to the diagnostics
 *   logger and the hook resolves.
 */
import { GatewayError, PluginError } from './errors.js';
import { OBSERVER_HOOKS, type GatewayHooks, type HookName } from './hooks.js';
import type { Diagnostics } from './diagnostics.js';

type AnyFn = (...args: unknown[]) => unknown;
interface TapInfo {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: AnyFn;
}

const BAIL_HOOKS: ReadonlySet<HookName> = new Set(['authenticate', 'preCall']);

function attribute(plugin: string, hook: string, err: unknown): unknown {
  if (err instanceof GatewayError) return err;
  return new PluginError(plugin, hook, err);
}

function guardDecision(hook: HookName, tap: TapInfo): AnyFn {
  const { fn, name } = tap;
  const bail = BAIL_HOOKS.has(hook);
  const fix = (value: unknown) => (bail && value === null ? undefined : value);
  if (tap.type === 'promise') {
    return (...args) => {
      let result: unknown;
      try {
        result = fn(...args);
      } catch (err) {
        throw attribute(name, hook, err);
      }
      if (!(result instanceof Promise)) return result; // tapable reports the contract violation itself
      return result.then(fix, (err: unknown) => {
        throw attribute(name, hook, err);
      });
    };
  }
  if (tap.type === 'sync') {
    return (...args) => {
      try {
        return fix(fn(...args));
      } catch (err) {
        throw attribute(name, hook, err);
      }
    };
  }
  // callback style: wrap the callback (last argument)
  return (...args) => {
    const cb = args[args.length - 1] as (err?: unknown, value?: unknown) => void;
    args[args.length - 1] = (err?: unknown, value?: unknown) => (err ? cb(attribute(name, hook, err)) : cb(undefined, fix(value)));
    try {
      return fn(...args);
    } catch (err) {
      return cb(attribute(name, hook, err));
    }
  };
}

function guardObserver(hook: HookName, tap: TapInfo, diag: Diagnostics): AnyFn {
  const { fn, name } = tap;
  const report = (err: unknown) => diag.error(`observer ${name} failed in hook ${hook}`, err);
  if (tap.type === 'promise') {
    return (...args) => {
      try {
        const result = fn(...args);
        return result instanceof Promise ? result.then(undefined, report) : Promise.resolve();
      } catch (err) {
        report(err);
        return Promise.resolve();
      }
    };
  }
  if (tap.type === 'sync') {
    return (...args) => {
      try {
        fn(...args);
      } catch (err) {
        report(err);
      }
    };
  }
  return (...args) => {
    const cb = args[args.length - 1] as (err?: unknown) => void;
    args[args.length - 1] = (err?: unknown) => {
      if (err) report(err);
      cb();
    };
    try {
      return fn(...args);
    } catch (err) {
      report(err);
      return cb();
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
    const observer = OBSERVER_HOOKS.has(hookName);
    hook.intercept({
      register: (tap) => ({ ...tap, fn: observer ? guardObserver(hookName, tap, diag) : guardDecision(hookName, tap) }),
    });
  }
}
