/**
 * A context manager without async tracking: `context.with()` sets the active context for the
 * synchronous extent of its callback only. The plugin builds every span with an explicit
 * parent, so it needs nothing more, and unlike the default AsyncLocalStorage manager this one
 * does not switch on Node's promise hooks for every promise in the process.
 */
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * A synchronous (stack) context manager.
 *
 * @example
 * ```ts
 * new NodeSDK({ contextManager: new SyncContextManager() });
 * ```
 */
export class SyncContextManager implements ContextManager {
  #active: Context = ROOT_CONTEXT;

  active(): Context {
    return this.#active;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.#active;
    this.#active = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#active = previous;
    }
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...a: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    return function (this: unknown, ...a: unknown[]) {
      return manager.with(context, () => fn.apply(this, a));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#active = ROOT_CONTEXT;
    return this;
  }
}
