/**
 * A batch passed through to a provider's own batch API (`ProviderAdapter.nativeBatches`, e.g.
 * Anthropic Message Batches), as steps of the batch's durable job, like the OpenAI path in
 * run.ts: each line is checked by the adapter's conversion (a refused line goes to the error
 * file at once), the rest are submitted (the adapter converts them, streamed from the blob
 * store), and the job comes back every `nativePollMs` to follow the upstream batch. When it
 * has ended, its results (converted back to OpenAI output lines by the adapter) are copied
 * into the gateway's results once each, each success reported to the call log, then the
 * batch ends and is priced once exactly as a gateway-executed batch is.
 *
 * Unlike OpenAI's, these batch APIs take no metadata: a create whose answer is lost (the
 * gateway killed mid-request) cannot be found again and is sent once more on resume.
 */
import { randomBytes } from 'node:crypto';
import { toGatewayError, type Deployment, type NativeBatchState } from '@switchyard/core';
import type { RunningJob } from '@switchyard/store';
import type { BatchesDeps } from '../deps.js';
import { newId, nowSec } from '../ids.js';
import type { StoredBatch } from '../repo.js';
import type { BatchError, BatchObject, BatchStatus, OutputLine } from '../types.js';
import { blobLines } from '../batches/lines.js';
import type { NativeEnds } from './run.js';
import { lineRecorder } from './record.js';
import { ACTIVE, failBatch, runInGateway, upstreamRefusal } from './refused.js';
import { missingApi, providerBatches, transient } from './upstream.js';


/** A request line of the input file. */
interface InputLine {
  custom_id: string;
  body: Record<string, unknown>;
}

/**
 * The runner of batches on a provider's own batch API: one step of such a batch's job.
 *
 * @example
 * ```ts
 * const own = providerRunner(deps, { finalize, recordCost, expireRest });
 * if (stored.exec.native?.via === 'provider') return own.step(job, stored);
 * ```
 */
export function providerRunner(deps: BatchesDeps, ends: NativeEnds) {
  const { api, repo } = deps;
  const again = (job: RunningJob<unknown>) => job.release(deps.nativePollMs);
  const recorder = lineRecorder(deps);

  const fail = (b: BatchObject, data: BatchError[]) => failBatch(deps, b, data);
  const errorOf = upstreamRefusal;

  /** The gateway batch with the upstream's status and counts (lines refused here count failed; a local cancel stays). */
  function reflect(b: BatchObject, up: NativeBatchState, rejected: number): BatchObject {
    const active = up.status === 'in_progress' || up.status === 'cancelling';
    const status: BatchStatus = b.status === 'cancelling' && up.status !== 'cancelled' ? 'cancelling' : active ? up.status : b.status;
    return {
      ...b,
      status,
      request_counts: { total: b.request_counts.total, completed: up.counts.completed, failed: up.counts.failed + rejected },
      in_progress_at: b.in_progress_at ?? nowSec(),
      cancelling_at: b.cancelling_at ?? (up.status === 'cancelling' ? nowSec() : null),
      expires_at: up.expiresAt ?? b.expires_at,
    };
  }

  /** Ends the batch as the executor ends its own, and prices it once. */
  async function end(job: RunningJob<unknown>, s: StoredBatch, ending: BatchObject, how: 'done' | 'cancelled' | 'expired'): Promise<{ status: string | undefined }> {
    if (how === 'expired') await ends.expireRest(job, s, ending);
    await ends.finalize(s, ending, how);
    const ended = await repo.batch(s.batch.id, undefined);
    if (ended && ['completed', 'cancelled', 'expired'].includes(ended.batch.status)) await ends.recordCost(ended, ended.batch);
    return { status: ended?.batch.status };
  }

  /** Checks each line (refused ones to the error file), then creates the batch upstream. */
  async function start(job: RunningJob<unknown>, s: StoredBatch, d: Deployment): Promise<unknown> {
    const b = s.batch;
    const native = s.exec.native!;
    if (b.status === 'cancelling') {
      await ends.finalize(s, b, 'cancelled');
      return { status: 'cancelled' };
    }
    const { batches, call } = providerBatches(api, d, job.signal);
    const done = await repo.doneLines(b.id);
    let rejected = 0;
    for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
      const o = JSON.parse(text) as InputLine;
      try {
        batches.check({ no, body: o.body as never }, d);
      } catch (err) {
        rejected += 1;
        if (done.has(no)) continue;
        const g = toGatewayError(err);
        const line: OutputLine = { id: newId('line'), custom_id: o.custom_id, response: { status_code: g.status, request_id: `req_${randomBytes(12).toString('hex')}`, body: g.toJSON() }, error: null };
        await recorder.save(job, s, d, no, line);
      }
    }
    const running: BatchObject = { ...b, status: 'in_progress', in_progress_at: b.in_progress_at ?? nowSec(), request_counts: { ...b.request_counts, failed: rejected } };
    if (rejected === b.request_counts.total) {
      // nothing to send upstream: ends here (finalize takes a batch that has started)
      if (!(await repo.saveBatch(running, undefined, ['validating']))) return { status: (await repo.batch(b.id, undefined))?.batch.status };
      return end(job, s, running, 'done');
    }
    async function* accepted() {
      for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
        if (done.has(no)) continue;
        const o = JSON.parse(text) as InputLine;
        try {
          batches.check({ no, body: o.body as never }, d);
        } catch {
          continue;
        }
        yield { no, body: o.body as never };
      }
    }
    let up: NativeBatchState;
    try {
      up = await batches.submit(accepted(), call);
    } catch (err) {
      if (job.signal.aborted) throw err;
      if (transient(err)) return again(job);
      // a server without the batch API (an Anthropic-compatible proxy, ...): nothing was created there, run it here
      if (missingApi(err)) return runHere(job, s);
      return fail(b, [errorOf(err)]);
    }
    await job.transaction(async (trx) => {
      await repo.saveExec(b.id, { ...s.exec, native: { ...native, upstreamBatchId: up.id, rejected } }, trx);
      await repo.saveBatch(reflect(running, up, rejected), trx, ACTIVE);
    });
    return again(job);
  }

  const runHere = (job: RunningJob<unknown>, s: StoredBatch) => runInGateway(deps, job, s);

  /** Copies the ended upstream batch's results into the batch's results (once each). */
  async function copyResults(job: RunningJob<unknown>, s: StoredBatch, d: Deployment, upstreamId: string): Promise<void> {
    const { batches, call } = providerBatches(api, d, job.signal);
    const customIds = new Map<number, string>();
    for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) customIds.set(no, (JSON.parse(text) as InputLine).custom_id);
    const done = await repo.doneLines(s.batch.id);
    for await (const r of batches.results(upstreamId, call)) {
      const customId = customIds.get(r.no);
      if (customId === undefined || done.has(r.no)) continue;
      done.add(r.no);
      await recorder.save(job, s, d, r.no, { id: r.id, custom_id: customId, response: r.response, error: r.error });
    }
  }

  /** One step of the batch's job. */
  async function step(job: RunningJob<unknown>, s: StoredBatch, d: Deployment): Promise<unknown> {
    const native = s.exec.native!;
    const b = s.batch;
    if (!native.upstreamBatchId) return start(job, s, d);
    let up: NativeBatchState;
    try {
      const { batches, call } = providerBatches(api, d, job.signal);
      up = await batches.retrieve(native.upstreamBatchId, call);
    } catch (err) {
      if (job.signal.aborted) throw err;
      // a blip (down, 429, 5xx) is tried again on the next poll; a 404 is the batch gone for good
      if (transient(err) || toGatewayError(err).status !== 404) return again(job);
      return fail(b, [errorOf(err)]);
    }
    const reflected = reflect(b, up, native.rejected ?? 0);
    if (up.status === 'in_progress' || up.status === 'cancelling') {
      await repo.saveBatch(reflected, undefined, ACTIVE);
      return again(job);
    }
    const how = up.status === 'completed' ? 'done' : up.status === 'expired' ? 'expired' : 'cancelled';
    const ending: BatchObject = { ...reflected, status: how === 'cancelled' ? 'cancelling' : 'finalizing', finalizing_at: reflected.finalizing_at ?? nowSec() };
    await repo.saveBatch(ending, undefined, ACTIVE);
    try {
      await copyResults(job, { ...s, batch: ending }, d, native.upstreamBatchId);
    } catch (err) {
      if (job.signal.aborted) throw err;
      return again(job);
    }
    return end(job, s, ending, how);
  }

  return { step };
}
