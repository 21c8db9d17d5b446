/**
 * The errors of the job runner: a handler's way to fail for good, and why a running job was
 * interrupted.
 */

/** Why a running job's signal aborted. */
export type InterruptReason = 'cancelled' | 'lost' | 'shutdown';

/**
 * The reason of a running job's aborted signal, and what its writes throw once the worker no
 * longer holds the job.
 *
 * @example
 * ```ts
 * job.signal.addEventListener('abort', () => {
 *   if ((job.signal.reason as JobInterruptedError).reason === 'cancelled') cleanUp();
 * });
 * ```
 */
export class JobInterruptedError extends Error {
  readonly reason: InterruptReason;
  readonly jobId: string;
  constructor(jobId: string, reason: InterruptReason) {
    const what = reason === 'cancelled' ? 'was cancelled' : reason === 'lost' ? 'is held by another worker now (its lease ran out)' : 'was stopped by its worker shutting down';
    super(`job ${jobId} ${what}`);
    this.name = 'JobInterruptedError';
    this.jobId = jobId;
    this.reason = reason;
  }
}

/**
 * Thrown by a handler to fail its job; with `retry: false` the job fails at once instead of
 * being retried (bad input that no retry can fix).
 *
 * @example
 * ```ts
 * if (!file) throw new JobFailure(`input file ${id} is gone`, { retry: false, code: 'file_not_found' });
 * ```
 */
export class JobFailure extends Error {
  readonly retry: boolean;
  readonly code?: string;
  constructor(message: string, options: { retry?: boolean; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JobFailure';
    this.retry = options.retry ?? true;
    if (options.code !== undefined) this.code = options.code;
  }
}

/** Whether `err` is a job's interruption (of any reason, or of `reason`). */
export function isInterrupted(err: unknown, reason?: InterruptReason): err is JobInterruptedError {
  return err instanceof JobInterruptedError && (reason === undefined || err.reason === reason);
}
