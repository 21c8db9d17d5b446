/**
 * Tracks work that runs after responses are sent (observers, store writes) so that
 * `flush()` and shutdown can wait for it.
 */

/**
 * A set of pending promises.
 *
 * @example
 * ```ts
 * const bg = new Background();
 * bg.add(writeLater());
 * await bg.flush();
 * ```
 */
export class Background {
  readonly #pending = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; rejections are passed to `onError`. */
  add(work: Promise<unknown>, onError?: (err: unknown) => void): void {
    const tracked = work.then(
      () => undefined,
      (err: unknown) => onError?.(err),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Number of pieces of work still pending. */
  get size(): number {
    return this.#pending.size;
  }

  /** Resolves when everything added so far, and anything it added, has settled. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
