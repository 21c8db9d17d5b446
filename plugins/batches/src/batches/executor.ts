/**
 * Executes a batch as one durable job of the store's job queue: validates every line, runs
 * the lines through the call runner (routing, retries, hooks, logs, cost) a few at a time,
 * and writes each finished line in a fenced transaction of the job (a process that lost the
 * job writes nothing), so a restarted job skips every line already written and runs the
 * rest. Cancel stops new lines; past its window a batch expires and its unfinished lines are
 * written as `batch_expired`. Then the output and error files are written and the batch ends.
 */
import { randomBytes } from 'node:crypto';
import { toGatewayError, type CallContext } from '@switchyard/core';
import { isInterrupted, type AnyKysely, type JobHandler, type RunningJob } from '@switchyard/store';
import type { BatchesDeps } from '../deps.js';
import { newId, nowSec } from '../ids.js';
import type { LineCharge, StoredBatch } from '../repo.js';
import type { BatchError, BatchObject, FileObject, OutputLine } from '../types.js';
import { blobLines, checkLine } from './lines.js';
import { nativeRunner } from '../native/run.js';
import type { Slot } from './slots.js';
import { hasBatchesApi, nativeDeployment } from '../native/upstream.js';

/** The job kind of batches. */
export const BATCH_JOB_KIND = 'batches.run';

/** The job kind of a batch's chunks of lines. */
export const CHUNK_JOB_KIND = 'batches.chunk';

/** What a batch job carries. */
export interface BatchPayload {
  batchId: string;
}

/** What a chunk job carries: the batch and its request lines `from` (inclusive) to `to` (0-based). */
export interface ChunkPayload {
  batchId: string;
  from: number;
  to: number;
}

const OPERATION: Record<string, string> = { '/v1/chat/completions': 'chat', '/v1/responses': 'responses', '/v1/embeddings': 'embeddings' };
/** Validation errors kept on a failed batch (the first ones, as OpenAI lists them). */
const MAX_ERRORS = 1000;

const ENDED_WITH_LINES: readonly string[] = ['completed', 'cancelled', 'expired'];

const requestId = () => `req_${randomBytes(12).toString('hex')}`;

type Usage = NonNullable<BatchObject['usage']>;

function addUsage(total: Usage, body: unknown): void {
  const u = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (!u) return;
  const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : 0);
  const input = n('prompt_tokens') + n('input_tokens');
  const output = n('completion_tokens') + n('output_tokens');
  const details = (k: string, f: string) => ((u[k] as Record<string, unknown> | undefined)?.[f] as number | undefined) ?? 0;
  total.input_tokens += input;
  total.output_tokens += output;
  total.total_tokens += typeof u.total_tokens === 'number' ? u.total_tokens : input + output;
  total.input_tokens_details.cached_tokens += details('prompt_tokens_details', 'cached_tokens') + details('input_tokens_details', 'cached_tokens');
  total.output_tokens_details.reasoning_tokens += details('completion_tokens_details', 'reasoning_tokens') + details('output_tokens_details', 'reasoning_tokens');
}

/**
 * The job handlers: a batch's coordinator and its chunks of lines.
 *
 * @example
 * ```ts
 * const { coordinator, chunk } = batchExecutor(deps);
 * store.jobs.work(BATCH_JOB_KIND, coordinator, { concurrency: 64 });
 * store.jobs.work(CHUNK_JOB_KIND, chunk, { concurrency: 4 });
 * ```
 */
export function batchExecutor(deps: BatchesDeps): { coordinator: JobHandler<BatchPayload>; chunk: JobHandler<ChunkPayload> } {
  const { repo, api } = deps;

  /**
   * Checks every line; a batch whose model batches natively (and the mode allows it) takes
   * one model (OpenAI and Azure refuse a file that mixes them) and is marked native.
   */
  async function validateBatch(s: StoredBatch, signal: AbortSignal): Promise<{ batch: BatchObject; native?: true } | undefined> {
    const b = s.batch;
    const errors: BatchError[] = [];
    const seen = new Set<string>();
    const models = new Set<string>();
    const lineModels: Array<{ no: number; model: string }> = [];
    let total = 0;
    let failedLines = 0;
    const knownModel = (m: string) => api.models.lookup(m).length > 0;
    for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
      const r = checkLine(no, text, { endpoint: b.endpoint, seen, knownModel });
      if ('error' in r) {
        failedLines += 1;
        if (errors.length < MAX_ERRORS) errors.push(r.error);
      } else {
        total += 1;
        const model = String(r.line.body.model);
        models.add(model);
        // kept only while the file mixes models (a one-model file keeps none)
        if (models.size > 1 || lineModels.length === 0 || lineModels[0]!.model !== model) lineModels.push({ no, model });
      }
    }
    const first = lineModels[0]?.model;
    let native = deps.mode === 'auto' ? [...models].map((m) => ({ m, ...nativeDeployment(api, m, b.endpoint) })).find((x) => x.d) : undefined;
    // an OpenAI-compatible server without the Batches API (vLLM, Ollama, ...): executed here
    if (native?.via === 'files' && (await hasBatchesApi(api, native.d!, signal)) === 'no') native = undefined;
    // a provider's own batch API runs one deployment's model: a mixed file is executed here
    // (or more lines than it takes)
    const most = native?.via === 'provider' ? api.providers.get(native.d!.provider)?.nativeBatches?.maxRequests : undefined;
    if (native?.via === 'provider' && (models.size > 1 || (most !== undefined && total > most))) native = undefined;
    if (native && models.size > 1) {
      for (const l of lineModels) {
        if (l.model === first || errors.length >= MAX_ERRORS) continue;
        failedLines += 1;
        errors.push({
          code: 'model_mismatch',
          message: `Line ${l.no}: the model '${l.model}' differs from the batch's model '${first}' (line 1 of the requests); a batch that runs natively on a ${native.d!.provider} deployment ('${native.m}') takes one model.`,
          param: 'body.model',
          line: l.no,
        });
      }
      errors.sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
    }
    if (failedLines > 0 || total === 0) {
      if (total === 0 && failedLines === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests.', param: null, line: null });
      const failed: BatchObject = { ...b, status: 'failed', failed_at: nowSec(), errors: { object: 'list', data: errors } };
      await repo.saveBatch(failed, undefined, ['validating', 'cancelling']);
      return undefined;
    }
    const model = models.size === 1 ? [...models][0]! : null;
    if (native) {
      // stays `validating` until the upstream says otherwise
      const next: BatchObject = { ...b, model, request_counts: { total, completed: 0, failed: 0 } };
      const exec = { ...s.exec, native: native.via === 'provider' ? { deployment: native.d!.id, via: 'provider' as const } : { deployment: native.d!.id } };
      await deps.store.transaction(async (trx: AnyKysely) => {
        await repo.saveExec(b.id, exec, trx);
        await repo.saveBatch(next, trx, ['validating', 'cancelling']);
      });
      return { batch: next, native: true };
    }
    const next: BatchObject = { ...b, status: 'in_progress', in_progress_at: nowSec(), model, request_counts: { total, completed: 0, failed: 0 } };
    if (await repo.saveBatch(next, undefined, ['validating'])) return { batch: next };
    const now = (await repo.batch(b.id, undefined))?.batch;
    return now ? { batch: now } : undefined;
  }

  async function runLines(job: RunningJob<ChunkPayload>, s: StoredBatch, batch: BatchObject, range: { from: number; to: number }): Promise<'done' | 'cancelled' | 'expired'> {
    const done = await repo.doneLines(batch.id);
    let index = -1;
    const operation = OPERATION[batch.endpoint] ?? 'chat';
    const inflight = new Set<Promise<void>>();
    let stop: 'cancelled' | 'expired' | undefined;
    let checkedAt = 0;
    const checkStop = async () => {
      if (batch.expires_at !== null && nowSec() >= batch.expires_at) stop = 'expired';
      if (stop || Date.now() - checkedAt < 200) return;
      checkedAt = Date.now();
      const now = await repo.batch(batch.id, undefined);
      if (now?.batch.status === 'cancelling' || now?.batch.status === 'cancelled') stop = 'cancelled';
    };

    const runLine = async (no: number, customId: string, body: unknown) => {
      const rid = requestId();
      let line: OutputLine;
      let ok: boolean;
      let charge: LineCharge | undefined;
      let slot: Slot | undefined;
      try {
        // a deployment with a batch concurrency limit: wait for one of its slots
        slot = await deps.slots.acquire(api.models.lookup(String((body as { model?: unknown }).model)), job.signal);
        const out = await api.call({
          operation,
          body,
          principal: s.exec.principal,
          signal: job.signal,
          endpoint: batch.endpoint,
          requestId: rid,
          sessionId: batch.id,
          metadata: { batch_id: batch.id, custom_id: customId },
          // priced here at batch prices and recorded once for the batch, not per line
          state: { batchLine: true, batchSlot: slot.deployment },
        });
        if (out.type !== 'completion') throw new Error('a batch line streamed');
        charge = chargeOf(out.ctx);
        line = { id: newId('line'), custom_id: customId, response: { status_code: 200, request_id: rid, body: out.body }, error: null };
        ok = true;
      } catch (err) {
        // an interrupted job records nothing: the line runs again when the job resumes
        if (job.signal.aborted) return;
        const g = toGatewayError(err);
        line = { id: newId('line'), custom_id: customId, response: { status_code: g.status, request_id: rid, body: g.toJSON() }, error: null };
        ok = false;
      } finally {
        slot?.release();
      }
      await job.transaction((trx) => repo.addResult(batch.id, no, line, ok, trx, charge));
    };

    let failure: unknown;
    for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
      index += 1;
      if (index < range.from) continue;
      if (index >= range.to) break;
      if (done.has(no)) continue;
      await checkStop();
      if (stop || job.signal.aborted || failure !== undefined) break;
      const o = JSON.parse(text) as { custom_id: string; body: unknown };
      while (inflight.size >= deps.concurrency) await Promise.race(inflight);
      const p: Promise<void> = runLine(no, o.custom_id, o.body)
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    if (job.signal.aborted) throw job.signal.reason;
    if (failure !== undefined) throw failure;
    return stop ?? 'done';
  }

  /** Writes each line that never ran as a `batch_expired` error line. */
  async function expireRest(job: RunningJob<unknown>, s: StoredBatch, batch: BatchObject): Promise<void> {
    const done = await repo.doneLines(batch.id);
    for await (const { no, text } of blobLines(deps.store.blobs, s.exec.inputBlobId)) {
      if (done.has(no)) continue;
      const o = JSON.parse(text) as { custom_id: string };
      const line: OutputLine = { id: newId('line'), custom_id: o.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } };
      await job.transaction((trx) => repo.addResult(batch.id, no, line, false, trx));
    }
  }

  async function writeFile(batch: BatchObject, ok: boolean, usage: Usage, owner: string): Promise<{ file: FileObject; blobId: string } | undefined> {
    let count = 0;
    const lines = async function* () {
      for await (const line of repo.results(batch.id, ok)) {
        count += 1;
        if (ok) addUsage(usage, line.response?.body);
        yield Buffer.from(`${JSON.stringify(line)}\n`);
      }
    };
    const blob = await deps.store.blobs.put(lines());
    if (count === 0) {
      await deps.store.blobs.delete(blob.id);
      return undefined;
    }
    // journalled until the final commit: a crash before it leaves the blob to the next attempt's sweep
    const now = await repo.batch(batch.id, undefined);
    if (now) await repo.saveExec(batch.id, { ...now.exec, pendingBlobs: [...(now.exec.pendingBlobs ?? []), blob.id] });
    void owner;
    const file: FileObject = {
      id: newId('file'),
      object: 'file',
      bytes: blob.size,
      created_at: nowSec(),
      expires_at: null,
      filename: `${batch.id}_${ok ? 'output' : 'error'}.jsonl`,
      purpose: 'batch_output',
      status: 'processed',
      status_details: null,
    };
    return { file, blobId: blob.id };
  }

  const chargeOf = (ctx: CallContext): LineCharge | undefined => {
    const d = ctx.deployment;
    if (!d) return undefined;
    const u = ctx.usage;
    const cost = u ? (api.services.pricing?.price(u, d, { batch: true }) ?? null) : null;
    const usage = { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };
    addUsage(usage, { usage: u });
    return {
      cost,
      deployment: d.id,
      provider: d.provider,
      model: ctx.model ?? d.name,
      inputTokens: usage.input_tokens,
      cachedTokens: usage.input_tokens_details.cached_tokens,
      outputTokens: usage.output_tokens,
      reasoningTokens: usage.output_tokens_details.reasoning_tokens,
    };
  };

  /**
   * Records the ended batch's cost once (one spend row, the batch id its session): the row id
   * is derived from the batch, so a restart or a second call adds nothing.
   */
  async function recordCost(s: StoredBatch, b: BatchObject): Promise<void> {
    const spend = api.services.spend;
    if (!spend?.record) return;
    let cost: number | null = null;
    let first: LineCharge | undefined;
    const t = { input: 0, cached: 0, output: 0, reasoning: 0 };
    for await (const c of repo.charges(b.id)) {
      first ??= c;
      if (c.cost !== null) cost = (cost ?? 0) + c.cost;
      t.input += c.inputTokens;
      t.cached += c.cachedTokens;
      t.output += c.outputTokens;
      t.reasoning += c.reasoningTokens;
    }
    if (!first) return;
    const p = s.exec.principal as { keyId?: string; userId?: string; teamId?: string };
    await spend.record({
      id: `batch:${b.id}`,
      sessionId: b.id,
      endpoint: '/v1/batches',
      model: b.model ?? first.model,
      provider: first.provider,
      deployment: first.deployment,
      keyId: p.keyId,
      userId: p.userId,
      teamId: p.teamId,
      status: 200,
      inputTokens: t.input,
      cachedTokens: t.cached,
      outputTokens: t.output,
      reasoningTokens: t.reasoning,
      cost,
    });
  }

  /**
   * Deletes the result blobs an earlier attempt wrote but never committed (killed between
   * writing the output files and the final transaction): no file row points at them.
   */
  async function sweepPending(batchId: string): Promise<void> {
    const stored = await repo.batch(batchId, undefined);
    const pending = stored?.exec.pendingBlobs ?? [];
    if (pending.length === 0) return;
    for (const id of pending) if (!(await repo.blobReferenced(id))) await deps.store.blobs.delete(id).catch(() => undefined);
    await repo.saveExec(batchId, { ...stored!.exec, pendingBlobs: undefined });
  }

  async function finalize(s: StoredBatch, batch: BatchObject, how: 'done' | 'cancelled' | 'expired'): Promise<void> {
    // the stored batch: a cancel since the job read it set cancelling_at
    let b = (await repo.batch(batch.id, undefined))?.batch ?? batch;
    if (how === 'done' && b.status === 'in_progress') {
      b = { ...b, status: 'finalizing', finalizing_at: nowSec() };
      if (!(await repo.saveBatch(b, undefined, ['in_progress']))) {
        const now = (await repo.batch(b.id, undefined))!.batch;
        if (now.status !== 'cancelling') return;
        b = now;
        how = 'cancelled';
      }
    }
    const usage: Usage = { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };
    await sweepPending(b.id);
    const out = await writeFile(b, true, usage, s.owner);
    const err = await writeFile(b, false, usage, s.owner);
    const counts = await repo.resultCounts(b.id);
    const t = nowSec();
    const end: BatchObject = {
      ...b,
      status: how === 'done' ? 'completed' : how,
      ...(how === 'done' ? { completed_at: t } : how === 'cancelled' ? { cancelled_at: t } : { expired_at: t }),
      output_file_id: out?.file.id ?? null,
      error_file_id: err?.file.id ?? null,
      request_counts: { total: b.request_counts.total, ...counts },
      usage,
    };
    try {
      await deps.store.transaction(async (trx: AnyKysely) => {
        for (const f of [out, err]) if (f) await repo.insertFile({ file: f.file, owner: s.owner, blobId: f.blobId }, trx);
        if (!(await repo.saveBatch(end, trx, ['in_progress', 'finalizing', 'cancelling']))) throw new Error('batch already ended');
        const stored = await repo.batch(b.id, undefined, trx);
        if (stored) await repo.saveExec(b.id, { ...stored.exec, pendingBlobs: undefined }, trx);
      });
    } catch (e) {
      for (const f of [out, err]) if (f) await deps.store.blobs.delete(f.blobId).catch(() => undefined);
      if ((e as Error).message !== 'batch already ended') throw e;
    }
  }

  const native = nativeRunner(deps, { finalize, recordCost, expireRest });

  const chunkKey = (batchId: string, k: number) => `${batchId}:${k}`;

  /**
   * The batch's coordinator: validates, splits the lines into chunk jobs (any process on the
   * database takes them), waits for them all to end, then finalises and records the cost.
   */
  const coordinator: JobHandler<BatchPayload> = async (job) => {
    const s = await repo.batch(job.payload.batchId, undefined);
    if (!s) return { skipped: 'no such batch' };
    if (ENDED_WITH_LINES.includes(s.batch.status)) {
      // ended by an earlier attempt that died before its cost was recorded
      await recordCost(s, s.batch);
      return { status: s.batch.status };
    }
    // interrupted (shutdown, lease lost): back to the queue at once, the next step resumes
    const nativeStep = (stored: StoredBatch) => native.step(job, stored).catch((err: unknown) => (isInterrupted(err) || job.signal.aborted ? job.release(0) : Promise.reject(err)));
    if (s.exec.native) return nativeStep(s);
    let batch: BatchObject | undefined = s.batch;
    if (batch.status === 'validating') {
      const v = await validateBatch(s, job.signal);
      if (v?.native) return nativeStep((await repo.batch(s.batch.id, undefined))!);
      batch = v?.batch;
    }
    if (!batch || !['in_progress', 'finalizing', 'cancelling'].includes(batch.status)) return { status: batch?.status ?? 'failed' };
    try {
      const chunks = Math.ceil(batch.request_counts.total / deps.chunkLines);
      if (batch.status === 'in_progress') {
        // idempotent by key: a resumed coordinator finds the chunks it enqueued
        for (let k = 0; k < chunks; k++) {
          await deps.store.jobs.enqueue<ChunkPayload>(CHUNK_JOB_KIND, { batchId: batch.id, from: k * deps.chunkLines, to: (k + 1) * deps.chunkLines }, { key: chunkKey(batch.id, k), maxAttempts: 10 });
        }
        deps.store.jobs.wake(CHUNK_JOB_KIND);
      }
      for (;;) {
        const states = await Promise.all(Array.from({ length: chunks }, (_, k) => deps.store.jobs.find(CHUNK_JOB_KIND, chunkKey(batch!.id, k))));
        if (states.every((j) => !j || j.state === 'done' || j.state === 'failed' || j.state === 'cancelled')) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deps.pollMs);
          job.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (job.signal.aborted) throw job.signal.reason;
      }
      const now = (await repo.batch(batch.id, undefined))!.batch;
      const counts = await repo.resultCounts(batch.id);
      let how: 'done' | 'cancelled' | 'expired' = 'done';
      if (now.status === 'cancelling') how = 'cancelled';
      else if (counts.completed + counts.failed < now.request_counts.total && now.expires_at !== null && nowSec() >= now.expires_at) {
        how = 'expired';
        await expireRest(job, s, now);
      }
      await finalize(s, now, how);
      const ended = await repo.batch(batch.id, undefined);
      if (ended && ENDED_WITH_LINES.includes(ended.batch.status)) await recordCost(ended, ended.batch);
    } catch (err) {
      if (isInterrupted(err)) return job.release(0);
      throw err;
    }
    return { status: (await repo.batch(batch.id, undefined))?.batch.status };
  };

  /** One chunk of a batch's lines: runs those not written yet, stops on cancel or expiry. */
  const chunk: JobHandler<ChunkPayload> = async (job) => {
    const s = await repo.batch(job.payload.batchId, undefined);
    if (!s || s.batch.status !== 'in_progress') return { skipped: s?.batch.status ?? 'no such batch' };
    try {
      return { outcome: await runLines(job, s, s.batch, job.payload) };
    } catch (err) {
      if (isInterrupted(err)) return job.release(0);
      throw err;
    }
  };

  return { coordinator, chunk };
}
