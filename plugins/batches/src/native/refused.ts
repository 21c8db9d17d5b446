/**
 * What both native paths (Files + Batches upload, provider message batches) do when the
 * upstream will not take a batch: it ends `failed` with the upstream's reason, or, when the
 * server has no batch API after all, it goes back to the gateway's executor.
 */
import { toGatewayError } from '@switchyard/core';
import type { JobRelease, RunningJob } from '@switchyard/store';
import { nowSec } from '../ids.js';
import type { BatchesDeps } from '../deps.js';
import type { StoredBatch } from '../repo.js';
import type { BatchError, BatchObject, BatchStatus } from '../types.js';

/** The statuses a native step may still change (an ended batch is never rewritten). */
export const ACTIVE: readonly BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];

/**
 * Ends the gateway batch `failed` with these errors.
 *
 * @example
 * ```ts
 * return failBatch(deps, batch, [upstreamRefusal(err)]);
 * ```
 */
export async function failBatch(deps: Pick<BatchesDeps, 'repo'>, b: BatchObject, data: BatchError[]): Promise<{ status: string }> {
  await deps.repo.saveBatch({ ...b, status: 'failed', failed_at: nowSec(), errors: { object: 'list', data } }, undefined, ACTIVE);
  return { status: 'failed' };
}

/**
 * The batch error for an upstream that refused the batch.
 *
 * @example
 * ```ts
 * upstreamRefusal(err).code; // e.g. 'token_limit_exceeded'
 * ```
 */
export function upstreamRefusal(err: unknown): BatchError {
  const g = toGatewayError(err);
  return { code: g.publicCode ?? 'upstream_error', message: `The upstream batch API refused the batch: ${g.message}`, param: g.param ?? null, line: null };
}

/**
 * Hands a batch that cannot run upstream to the gateway's executor (the job's next run; lines
 * already in the error file stay done).
 *
 * @example
 * ```ts
 * if (missingApi(err)) return runInGateway(deps, job, stored);
 * ```
 */
export async function runInGateway(deps: Pick<BatchesDeps, 'repo'>, job: RunningJob<unknown>, s: StoredBatch): Promise<JobRelease> {
  const { native: _dropped, ...exec } = s.exec;
  await job.transaction(async (trx) => {
    await deps.repo.saveExec(s.batch.id, exec, trx);
    await deps.repo.saveBatch({ ...s.batch, status: 'in_progress', in_progress_at: nowSec() }, trx, ['validating']);
  });
  return job.release(0);
}
