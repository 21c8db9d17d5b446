/**
 * The HTTP requests being served, each by its abort: shutdown aborts them when it must cut,
 * and a call a route makes with its request's abort is known to be that request's.
 */
import type { ServerResponse } from 'node:http';
import { requestAbortOf, type AbortLike, type RequestAbort } from '../runner/abort.js';

const ABORT = Symbol('switchyard.abort');
type Followed = ServerResponse & { [ABORT]?: RequestAbort };

/**
 * The aborts of the requests being served: following a request is one `add`, one property
 * and one shared close listener (no closure or once-wrapper per request).
 *
 * @example
 * ```ts
 * const live = new LiveRequests();
 * live.follow(res, abort);
 * live.serves(abort); // true until res closes (abort is aborted if it closed unfinished)
 * ```
 */
export class LiveRequests {
  readonly #served = new Set<RequestAbort>();
  readonly #closed: (this: ServerResponse) => void;

  constructor() {
    const served = this.#served;
    // a close listener runs with the response as `this`
    this.#closed = function (this: Followed) {
      const abort = this[ABORT]!;
      served.delete(abort);
      if (!this.writableFinished) abort.abort();
    };
  }

  /** Serves `abort` until `res` closes; a response that closes unfinished (the client went) aborts it. */
  follow(res: ServerResponse, abort: RequestAbort): void {
    (res as Followed)[ABORT] = abort;
    this.#served.add(abort);
    res.on('close', this.#closed); // a response closes once
  }

  /** Whether `abort` is the abort of a request being served (or that abort's `signal`). */
  serves(abort: AbortLike | undefined): boolean {
    return abort !== undefined && this.#served.has(requestAbortOf(abort) as RequestAbort);
  }

  /** The aborts of the requests being served. */
  [Symbol.iterator](): IterableIterator<RequestAbort> {
    return this.#served.values();
  }
}
