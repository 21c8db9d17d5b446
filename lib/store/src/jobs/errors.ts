/**
 * The errors of the job runner: a handler's way to fail for good, and why a running job was
 * interrupted. Both are coded {@link GatewayError}s, so a call a handler runs that is aborted
 * with one ends with a proper error shape.
 */
import { GatewayError, type ErrorCode } from '@switchyard/core';

/**
 * Why a running job's signal aborted.
 *
 * @example
 * ```ts
 * if (isInterrupted(job.signal.reason, 'cancelled' satisfies InterruptReason)) return;
 * ```
 */
export type InterruptReason = 'cancelled' | 'lost' | 'shutdown';

const INTERRUPTED: Record<InterruptReason, { code: ErrorCode; what: string }> = {
  cancelled: { code: 'GW_ERR_INVALID_REQUEST', what: 'was cancelled' },
  lost: { code: 'GW_ERR_INTERNAL', what: 'is held by another worker now (its lease ran out)' },
  shutdown: { code: 'GW_ERR_SHUTTING_DOWN', what: 'was stopped by its worker shutting down (it is queued again)' },
};

/**
 * The reason of a running job's aborted signal, and what its writes throw once the worker no
 * longer holds the job. `publicCode` is `job_<reason>`.
 *
 * @example
 * ```ts
 * job.signal.addEventListener('abort', () => {
 *   if ((job.signal.reason as JobInterruptedError).reason === 'cancelled') cleanUp();
 * });
 * ```
 */
export class JobInterruptedError extends GatewayError {
  readonly reason: InterruptReason;
  readonly jobId: string;
  constructor(jobId: string, reason: InterruptReason) {
    const { code, what } = INTERRUPTED[reason];
    super(code, `job ${jobId} ${what}`, { publicCode: `job_${reason}` });
    this.name = 'JobInterruptedError';
    this.jobId = jobId;
    this.reason = reason;
  }
}

/**
 * Options of a {@link JobFailure}.
 *
 * @example
 * ```ts
 * throw new JobFailure('the input file is gone', { retry: false, publicCode: 'file_not_found' });
 * ```
 */
export interface JobFailureOptions {
  /** False: fail the job now instead of retrying it (bad input no retry can fix). Default true. */
  retry?: boolean;
  /** The gateway code (default `GW_ERR_INTERNAL`). */
  code?: ErrorCode;
  /** A short machine-readable reason kept with the job's error (e.g. `file_not_found`). */
  publicCode?: string;
  cause?: unknown;
}

/**
 * Thrown by a handler to fail its job; with `retry: false` the job fails at once instead of
 * being retried. Any other error thrown by a handler is retried with backoff.
 *
 * @example
 * ```ts
 * if (!file) throw new JobFailure(`input file ${id} is gone`, { retry: false, publicCode: 'file_not_found' });
 * ```
 */
export class JobFailure extends GatewayError {
  readonly retry: boolean;
  constructor(message: string, options: JobFailureOptions = {}) {
    super(options.code ?? 'GW_ERR_INTERNAL', message, { publicCode: options.publicCode ?? null, cause: options.cause, expose: true });
    this.name = 'JobFailure';
    this.retry = options.retry ?? true;
  }
}

/**
 * Whether `err` is a job's interruption (of any reason, or of `reason`).
 *
 * @example
 * ```ts
 * try { await job.saveCheckpoint(next); } catch (err) { if (isInterrupted(err, 'cancelled')) return; throw err; }
 * ```
 */
export function isInterrupted(err: unknown, reason?: InterruptReason): err is JobInterruptedError {
  return err instanceof JobInterruptedError && (reason === undefined || err.reason === reason);
}
