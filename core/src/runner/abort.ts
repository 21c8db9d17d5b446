/**
 * A request's abort state without an AbortSignal. Node's AbortSignal is an EventTarget whose
 * construction, and each listener added and removed, costs ~2 KB and a few µs; a call that is
 * never aborted (nearly all) needs only a flag and somewhere to hang its listeners. The real
 * signal is made the first time code asks for it.
 */

/**
 * An abort listener: a function or an object with `handleEvent`, as on an EventTarget.
 *
 * @example
 * ```ts
 * const onAbort: AbortListener = () => upstream.destroy();
 * req.abort.addEventListener('abort', onAbort);
 * ```
 */
export type AbortListener = Parameters<AbortSignal['addEventListener']>[1];

/**
 * What the gateway reads of an abort: an `AbortSignal` is one, and so is a {@link RequestAbort}.
 * undici takes either as a request's `signal`.
 *
 * @example
 * ```ts
 * function follow(abort: AbortLike, cut: () => void) {
 *   if (abort.aborted) return cut();
 *   abort.addEventListener('abort', cut);
 * }
 * ```
 */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: AbortListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/** The RequestAbort each made signal belongs to: code that got `req.signal` still names its request. */
const owners = new WeakMap<AbortSignal, RequestAbort>();

/**
 * The abort state of one request: a flag, a reason and its listeners, with the AbortSignal
 * made only when read (`signal`).
 *
 * @example
 * ```ts
 * const abort = new RequestAbort();
 * res.on('close', () => abort.abort());
 * await upstreamBuffered({ url, body, signal: abort, provider: 'openai' }); // no AbortSignal made
 * fetch(url, { signal: abort.signal }); // made now, aborted with the request
 * ```
 */
export class RequestAbort implements AbortLike {
  #aborted = false;
  #reason: unknown = undefined;
  #listeners: AbortListener[] | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** The request's AbortSignal, made on first read (aborted already when the request was). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      owners.set(this.#controller.signal, this);
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts once: listeners run, then the signal (if made) aborts with the same reason. */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) {
      const event = new Event('abort');
      for (const l of listeners) {
        try {
          if (typeof l === 'function') l(event);
          else l.handleEvent(event);
        } catch (err) {
          // a listener that throws does not stop the others (nor, unlike an EventTarget, the process)
          process.emitWarning(err instanceof Error ? err : String(err), 'AbortListenerError');
        }
      }
    }
    this.#controller?.abort(this.#reason);
  }

  /** Adds a listener (each runs once: an abort happens once); none is kept once aborted. */
  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.#aborted) return;
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const list = this.#listeners;
    if (!list) return;
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
  }
}

/**
 * The RequestAbort behind an abort: the one whose `signal` it is, else the abort itself.
 *
 * @example
 * ```ts
 * requestAbortOf(req.signal) === req.abort; // true
 * ```
 */
export function requestAbortOf(abort: AbortLike): AbortLike {
  return abort instanceof RequestAbort ? abort : (owners.get(abort as AbortSignal) ?? abort);
}

/**
 * The AbortSignal of an abort: itself when it is one, made from a {@link RequestAbort}.
 *
 * @example
 * ```ts
 * stream.pipeline(source, target, { signal: realSignal(call.abort) });
 * ```
 */
export function realSignal(abort: AbortLike): AbortSignal {
  return abort instanceof RequestAbort ? abort.signal : (abort as AbortSignal);
}
