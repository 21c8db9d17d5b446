/**
 * Tracks work that runs after responses are sent (observers, store writes) so that
 * `flush()` and shutdown can wait for it. A count, not a set of promises: tracking costs one
 * `then` per piece of work.
 */

/**
 * Pending work, counted.
 *
 * @example
 * ```ts
 * const bg = new Background();
 * bg.add(writeLater());
 * await bg.flush();
 * ```
 */
export class Background {
  #size = 0;
  #idle: (() => void)[] = [];
  readonly #settled = (): void => {
    if (--this.#size > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const wake of idle) wake();
  };

  /** Tracks `work` until it settles; rejections are passed to `onError`. */
  add(work: Promise<unknown>, onError?: (err: unknown) => void): void {
    this.#size++;
    work.then(
      this.#settled,
      onError
        ? (err: unknown) => {
            this.#settled();
            onError(err);
          }
        : this.#settled,
    );
  }

  /** Number of pieces of work still pending. */
  get size(): number {
    return this.#size;
  }

  /** Resolves when everything added so far, and anything it added, has settled. */
  flush(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }
}
