/**
 * A batch passed through to a deployment that batches natively (OpenAI, Azure), as steps of
 * the batch's durable job: the input file is uploaded there (multipart, streamed from the blob
 * store, each line's model rewritten to the deployment's), the batch is created there, and then
 * the job comes back every `nativePollMs` to follow it (status and request_counts reflected on
 * the gateway's batch). When it ends upstream, its output and error lines are copied into the
 * gateway's results, each in a fenced job transaction (a restart skips what was copied), each
 * successful line reported to the call log, then the gateway's output/error files are written
 * and the cost recorded once, exactly as for a batch the gateway executes. Upstream failures
 * that may pass (connection, 429, 5xx) are tried again on the next poll; the client only ever
 * sees gateway ids. A batch on a provider's own batch API (`via: 'provider'`, Anthropic)
 * is stepped by provider-run.ts instead.
 */
import { createInterface } from 'node:readline';
import { toGatewayError, type Deployment } from '@switchyard/core';
import type { JobRelease, RunningJob } from '@switchyard/store';
import type { BatchesDeps } from '../deps.js';
import { nowSec } from '../ids.js';
import type { StoredBatch } from '../repo.js';
import { lineRecorder } from './record.js';
import { ACTIVE, failBatch, runInGateway, upstreamRefusal } from './refused.js';
import { providerRunner } from './provider-run.js';
import type { BatchError, BatchObject, BatchStatus, OutputLine } from '../types.js';
import { blobLines } from '../batches/lines.js';
import { deploymentById, missingApi, multipartUpload, nativeJson, nativeSend, transient } from './upstream.js';

/** What the executor lends the native runner to end a batch as it ends its own. */
export interface NativeEnds {
  finalize(s: StoredBatch, batch: BatchObject, how: 'done' | 'cancelled' | 'expired'): Promise<void>;
  recordCost(s: StoredBatch, b: BatchObject): Promise<void>;
  expireRest(job: RunningJob<unknown>, s: StoredBatch, batch: BatchObject): Promise<void>;
}

/** An upstream batch object, as far as it is read. */
interface UpstreamBatch {
  id: string;
  status: BatchStatus;
  output_file_id?: string | null;
  error_file_id?: string | null;
  errors?: { data?: Array<Partial<BatchError>> } | null;
  request_counts?: { total: number; completed: number; failed: number } | null;
  in_progress_at?: number | null;
  finalizing_at?: number | null;
  cancelling_at?: number | null;
  expires_at?: number | null;
}


/** The upstream batch's metadata key naming the gateway batch (unless the client's metadata already has OpenAI's 16 keys). */
const MARKER = 'switchyard_batch_id';

/**
 * The native runner: one step of a native batch's job (start it upstream, or poll it once).
 *
 * @example
 * ```ts
 * const native = nativeRunner(deps, { finalize, recordCost, expireRest });
 * if (stored.exec.native) return native.step(job, stored);
 * ```
 */
export function nativeRunner(deps: BatchesDeps, ends: NativeEnds) {
  const { api, repo } = deps;
  const again = (job: RunningJob<unknown>) => job.release(deps.nativePollMs);
  const recorder = lineRecorder(deps);
  const own = providerRunner(deps, ends);
  const endpointOf = (d: Deployment, endpoint: string) => api.providers.get(d.provider)?.upstreamPath?.(d, endpoint) ?? endpoint;

  const fail = (b: BatchObject, data: BatchError[]) => failBatch(deps, b, data);
  const errorOf = upstreamRefusal;

  /** Uploads the input (once per file and deployment) and creates the batch upstream. */
  async function start(job: RunningJob<unknown>, s: StoredBatch, d: Deployment): Promise<{ status: string } | JobRelease> {
    const b = s.batch;
    const native = s.exec.native!;
    if (b.status === 'cancelling') {
      await ends.finalize(s, b, 'cancelled');
      return { status: 'cancelled' };
    }
    try {
      let upstreamFileId = native.upstreamFileId ?? (await repo.upstreamFile(b.input_file_id, d.id));
      if (!upstreamFileId) {
        const adapter = api.providers.get(d.provider);
        const model = adapter?.upstreamModel?.(d) ?? d.model;
        const url = endpointOf(d, b.endpoint);
        // each line names the deployment's model (the client named the gateway's) and its URL for the endpoint
        const lines = async function* () {
          for await (const { text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
            const o = JSON.parse(text) as { url: string; body: Record<string, unknown> };
            o.url = url;
            o.body = { ...d.params, ...o.body, model };
            yield Buffer.from(`${JSON.stringify(o)}\n`);
          }
        };
        const input = await repo.file(b.input_file_id, undefined);
        const { stream, contentType } = multipartUpload({ purpose: 'batch' }, input?.file.filename ?? 'input.jsonl', lines());
        const f = await nativeJson<{ id: string }>(api, d, { method: 'POST', path: '/files', raw: { stream, contentType } }, job.signal);
        upstreamFileId = f.id;
        // the id map first: a restart reuses the upload instead of sending it again
        await repo.addUpstreamFile(b.input_file_id, d.id, upstreamFileId);
      }
      // a create whose answer was lost (killed, timed out) is found by its marker, not made twice
      let up = native.creating ? await findUpstream(d, b.id, job.signal) : undefined;
      if (!up) {
        await repo.saveExec(b.id, { ...s.exec, native: { ...native, upstreamFileId, creating: true } });
        const metadata = b.metadata && Object.keys(b.metadata).length >= 16 ? b.metadata : { ...b.metadata, [MARKER]: b.id };
        up = await nativeJson<UpstreamBatch>(
          api,
          d,
          { method: 'POST', path: '/batches', body: { input_file_id: upstreamFileId, endpoint: endpointOf(d, b.endpoint), completion_window: b.completion_window, metadata } },
          job.signal,
        );
      }
      const exec = { ...s.exec, native: { deployment: native.deployment, upstreamFileId, upstreamBatchId: up.id } };
      await job.transaction(async (trx) => {
        await repo.saveExec(b.id, exec, trx);
        await repo.saveBatch(reflect(b, up), trx, ACTIVE);
      });
      return again(job);
    } catch (err) {
      if (job.signal.aborted) throw err;
      if (transient(err)) return again(job);
      // the server has no Files/Batches API after all (nothing was created there): run it here
      if (missingApi(err) && !native.creating) return runHere(job, s);
      return fail(b, [errorOf(err)]);
    }
  }

  const runHere = (job: RunningJob<unknown>, s: StoredBatch) => runInGateway(deps, job, s);

  /** The upstream batch an earlier attempt created for `batchId` (its marker in the metadata), among the newest 100. */
  async function findUpstream(d: Deployment, batchId: string, signal: AbortSignal): Promise<UpstreamBatch | undefined> {
    const page = await nativeJson<{ data?: Array<UpstreamBatch & { metadata?: Record<string, string> | null }> }>(api, d, { method: 'GET', path: '/batches', query: 'limit=100' }, signal);
    return page.data?.find((x) => x.metadata?.[MARKER] === batchId);
  }

  /** The gateway batch with the upstream's status, counts and times (a local cancel stays). */
  function reflect(b: BatchObject, up: UpstreamBatch): BatchObject {
    const status: BatchStatus = b.status === 'cancelling' && up.status !== 'cancelled' ? 'cancelling' : ACTIVE.includes(up.status) ? up.status : b.status;
    return {
      ...b,
      status,
      request_counts: up.request_counts ? { ...up.request_counts } : b.request_counts,
      in_progress_at: b.in_progress_at ?? up.in_progress_at ?? (status === 'in_progress' ? nowSec() : null),
      finalizing_at: b.finalizing_at ?? up.finalizing_at ?? null,
      cancelling_at: b.cancelling_at ?? up.cancelling_at ?? null,
      expires_at: up.expires_at ?? b.expires_at,
    };
  }

  /** Copies one upstream result file into the batch's results, line by line (once each). */
  async function copyLines(job: RunningJob<unknown>, s: StoredBatch, d: Deployment, fileId: string, byCustomId: Map<string, number>): Promise<void> {
    const b = s.batch;
    const done = await repo.doneLines(b.id);
    const res = await nativeSend(api, d, { method: 'GET', path: `/files/${encodeURIComponent(fileId)}/content` }, job.signal);
    const rl = createInterface({ input: res.body, crlfDelay: Infinity });
    try {
      for await (const text of rl) {
        if (text.trim() === '') continue;
        const line = JSON.parse(text) as OutputLine;
        const no = byCustomId.get(line.custom_id);
        if (no === undefined || done.has(no)) continue;
        done.add(no);
        await recorder.save(job, s, d, no, line);
      }
    } finally {
      rl.close();
      res.body.destroy();
    }
  }

  /** One step of a native batch's job. */
  async function step(job: RunningJob<unknown>, s: StoredBatch): Promise<unknown> {
    const native = s.exec.native!;
    const d = deploymentById(api, native.deployment);
    const b = s.batch;
    if (!d) return fail(b, [{ code: 'deployment_not_found', message: `The deployment ${native.deployment} this batch runs on is no longer configured.`, param: null, line: null }]);
    if (native.via === 'provider') return own.step(job, s, d);
    if (!native.upstreamBatchId) return start(job, s, d);
    let up: UpstreamBatch;
    try {
      up = await nativeJson<UpstreamBatch>(api, d, { method: 'GET', path: `/batches/${encodeURIComponent(native.upstreamBatchId)}` }, job.signal);
    } catch (err) {
      if (job.signal.aborted) throw err;
      // a blip (down, 429, 5xx) is tried again on the next poll; a 404 is the batch gone for good
      if (transient(err) || toGatewayError(err).status !== 404) return again(job);
      return fail(b, [errorOf(err)]);
    }
    if (up.status === 'failed') {
      const data = (up.errors?.data ?? []).map((e) => ({ code: e.code ?? 'upstream_error', message: e.message ?? 'The upstream batch failed.', param: e.param ?? null, line: e.line ?? null }));
      return fail(b, data.length ? data : [{ code: 'upstream_failed', message: 'The upstream batch failed.', param: null, line: null }]);
    }
    const reflected = reflect(b, up);
    if (ACTIVE.includes(up.status)) {
      await repo.saveBatch(reflected, undefined, ACTIVE);
      return again(job);
    }
    // ended upstream (completed, expired, cancelled): copy its lines, then end as the executor does
    const how = up.status === 'completed' ? 'done' : up.status === 'expired' ? 'expired' : 'cancelled';
    const ending: BatchObject = { ...reflected, status: how === 'cancelled' ? 'cancelling' : 'finalizing', finalizing_at: reflected.finalizing_at ?? nowSec() };
    await repo.saveBatch(ending, undefined, ACTIVE);
    try {
      const byCustomId = new Map<string, number>();
      for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) byCustomId.set((JSON.parse(text) as { custom_id: string }).custom_id, no);
      for (const f of [up.output_file_id, up.error_file_id]) if (f) await copyLines(job, { ...s, batch: ending }, d, f, byCustomId);
    } catch (err) {
      if (job.signal.aborted) throw err;
      return again(job);
    }
    if (how === 'expired') await ends.expireRest(job, s, ending);
    await ends.finalize(s, ending, how);
    const ended = await repo.batch(b.id, undefined);
    if (ended && ['completed', 'cancelled', 'expired'].includes(ended.batch.status)) await ends.recordCost(ended, ended.batch);
    return { status: ended?.batch.status };
  }

  return { step };
}
