/**
 * Shutdown within one budget (`server.shutdownTimeoutMs`): drain what is running, cut what
 * is still running near the end (each with an error the client sees and the logs record),
 * then flush background work and run the close taps, each bounded by what is left.
 */
import { GatewayError } from './errors.js';

/**
 * What a shutdown had to cut, as `gateway.close()` resolves.
 *
 * @example
 * ```ts
 * const { cut, backgroundCut, closed } = await gateway.close({ timeoutMs: 10_000 });
 * if (cut > 0 || backgroundCut > 0 || !closed) console.warn(`shutdown cut ${cut} calls`);
 * ```
 */
export interface CloseReport {
  /** Requests and in-process calls still running when the drain time ran out: ended with a 503 error. */
  cut: number;
  /** Pieces of background work (observers, store writes) not finished by the deadline. */
  backgroundCut: number;
  /** Whether the close taps (plugins flushing, the store closing) finished before the deadline. */
  closed: boolean;
}

/** The budget's phases, as absolute times. */
export interface ShutdownPlan {
  /** Until then, running calls may finish on their own. */
  drainUntil: number;
  /** Until then, cut calls may write their error and end. */
  cutUntil: number;
  /** Until then, background work may settle. */
  flushUntil: number;
  /** The end: close taps are given up on. */
  deadline: number;
}

/**
 * Splits `timeoutMs` from `start`: a reserve (a quarter, at most 5 s) after the drain is kept
 * for cut calls, background work and close taps.
 *
 * @example
 * ```ts
 * shutdownPlan(Date.now(), 30_000); // drain 25 s, then 2.5 s for cut calls, 1.25 s for background, 1.25 s for close taps
 * ```
 */
export function shutdownPlan(start: number, timeoutMs: number): ShutdownPlan {
  const reserve = Math.min(5_000, Math.floor(timeoutMs / 4));
  const deadline = start + timeoutMs;
  return { drainUntil: deadline - reserve, cutUntil: deadline - reserve / 2, flushUntil: deadline - reserve / 4, deadline };
}

/**
 * The error a call still running at the shutdown timeout ends with (a stream gets it as its
 * error frame).
 *
 * @example
 * ```ts
 * controller.abort(shutdownCut(30_000));
 * ```
 */
export function shutdownCut(timeoutMs: number): GatewayError {
  return new GatewayError('GW_ERR_SHUTTING_DOWN', `The gateway is shutting down: this call was still running after ${timeoutMs} ms and was cut.`, {
    publicCode: 'gateway_shutting_down',
    expose: true,
  });
}

/**
 * Waits for `work` until the time `until`; true when it settled in time.
 *
 * @example
 * ```ts
 * const done = await settlesBy(background.flush(), plan.flushUntil);
 * ```
 */
export async function settlesBy(work: Promise<unknown>, until: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, until - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
