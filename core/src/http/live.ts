/**
 * The HTTP requests being served, each by its abort controller: shutdown aborts them when it
 * must cut, and a call a route makes with its request's signal is known to be that request's.
 */

/**
 * The abort controllers of the requests being served.
 *
 * @example
 * ```ts
 * const live = new LiveRequests();
 * live.add(ac);
 * live.serves(ac.signal); // true until live.delete(ac)
 * ```
 */
export class LiveRequests extends Set<AbortController> {
  readonly #signals = new WeakSet<AbortSignal>();

  override add(ac: AbortController): this {
    this.#signals.add(ac.signal);
    return super.add(ac);
  }

  override delete(ac: AbortController): boolean {
    this.#signals.delete(ac.signal);
    return super.delete(ac);
  }

  /** Whether `signal` is the signal of a request being served. */
  serves(signal: AbortSignal | undefined): boolean {
    return signal !== undefined && this.#signals.has(signal);
  }
}
