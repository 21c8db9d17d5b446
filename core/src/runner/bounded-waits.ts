/**
 * Waits that give up after one fixed time, sharing a single timer: every call that waits for
 * its record would otherwise arm (and clear) a timer of its own.
 */

interface Wait {
  readonly at: number;
  resolve: (() => void) | undefined;
}

/**
 * Makes promises that resolve when their work settles or `ms` after they were made,
 * whichever is first, with one timer for all of them. Waits are queued in the order they
 * were made, which is also the order of their deadlines, since all share one length.
 *
 * @example
 * ```ts
 * const waits = new BoundedWaits(5_000, () => console.warn('slow'));
 * await waits.wait(commit); // the commit, or 5 s, whichever is first
 * ```
 */
export class BoundedWaits {
  readonly #ms: number;
  readonly #onLate: () => void;
  #queue: Wait[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `onLate` is called once for each wait that gives up. */
  constructor(ms: number, onLate: () => void) {
    this.#ms = ms;
    this.#onLate = onLate;
  }

  /** Resolves when `work` settles (either way) or when the time is up. */
  wait(work: Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry: Wait = { at: Date.now() + this.#ms, resolve };
      this.#queue.push(entry);
      const done = (): void => {
        entry.resolve = undefined;
        resolve();
        this.#dropSettled();
      };
      work.then(done, done);
      this.#timer ??= this.#arm(this.#ms);
    });
  }

  /** Waits not yet settled or given up. */
  get size(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (this.#queue[i]!.resolve) n++;
    return n;
  }

  #arm(ms: number): NodeJS.Timeout {
    // the work waited for keeps the process alive, not this timer
    return setTimeout(() => this.#expire(), ms).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const t = Date.now();
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.at <= t) {
      const entry = this.#queue[this.#head++]!;
      if (entry.resolve) {
        const resolve = entry.resolve;
        entry.resolve = undefined;
        this.#onLate();
        resolve();
      }
    }
    this.#dropSettled();
    if (this.#head < this.#queue.length) this.#timer = this.#arm(Math.max(1, this.#queue[this.#head]!.at - t));
  }

  #dropSettled(): void {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.resolve === undefined) this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
