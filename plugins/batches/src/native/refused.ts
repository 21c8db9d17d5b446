/**
 * What both native paths (Files + Batches upload, provider message batches) do when the
 * upstream refuses a batch: the gateway batch ends `failed` with the upstream's reason.
 */
import { toGatewayError } from '@switchyard/core';
import { nowSec } from '../ids.js';
import type { BatchesDeps } from '../deps.js';
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
