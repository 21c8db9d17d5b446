/**
 * The HTTP requests being served, each by its abort controller: shutdown aborts them when it
 * must cut, and a call a route makes with its request's signal is known to be that request's.
 */
import type { ServerResponse } from 'node:http';

const CONTROLLER = Symbol('switchyard.controller');
type Followed = ServerResponse & { [CONTROLLER]?: AbortController };

/**
 * The abort controllers of the requests being served, by signal: following a request is one
 * `set`, one property and one shared close listener (no closure or once-wrapper per request).
 *
 * @example
 * ```ts
 * const live = new LiveRequests();
 * live.follow(res, ac);
 * live.serves(ac.signal); // true until res closes (ac is aborted if it closed unfinished)
 * ```
 */
export class LiveRequests {
  readonly #bySignal = new Map<AbortSignal, AbortController>();
  readonly #closed: (this: ServerResponse) => void;

  constructor() {
    const bySignal = this.#bySignal;
    // a close listener runs with the response as `this`
    this.#closed = function (this: Followed) {
      const ac = this[CONTROLLER]!;
      bySignal.delete(ac.signal);
      if (!this.writableFinished) ac.abort();
    };
  }

  /** Serves `ac` until `res` closes; a response that closes unfinished (the client went) aborts it. */
  follow(res: ServerResponse, ac: AbortController): void {
    (res as Followed)[CONTROLLER] = ac;
    this.#bySignal.set(ac.signal, ac);
    res.on('close', this.#closed); // a response closes once
  }

  /** Whether `signal` is the signal of a request being served. */
  serves(signal: AbortSignal | undefined): boolean {
    return signal !== undefined && this.#bySignal.has(signal);
  }

  /** The signals of the requests being served. */
  signals(): IterableIterator<AbortSignal> {
    return this.#bySignal.keys();
  }

  [Symbol.iterator](): IterableIterator<AbortController> {
    return this.#bySignal.values();
  }
}
