/**
 * Saving one result line of a native batch (whichever upstream API ran it): into the
 * batch's results in a fenced job transaction, priced at batch prices, and, when it
 * succeeded, reported to the call log (the batch is its session; no spend row of its own).
 */
import { createCallContext, type Deployment, type Usage as CallUsage } from '@switchyard/core';
import type { RunningJob } from '@switchyard/store';
import type { BatchesDeps } from '../deps.js';
import type { LineCharge, StoredBatch } from '../repo.js';
import type { OutputLine } from '../types.js';

function callUsage(u: Record<string, unknown> | undefined): CallUsage | undefined {
  if (!u) return undefined;
  const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : 0);
  const detail = (k: string, f: string) => ((u[k] as Record<string, unknown> | undefined)?.[f] as number | undefined) ?? 0;
  const prompt = n('prompt_tokens') + n('input_tokens');
  const completion = n('completion_tokens') + n('output_tokens');
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion,
    prompt_tokens_details: { cached_tokens: detail('prompt_tokens_details', 'cached_tokens') + detail('input_tokens_details', 'cached_tokens') },
    completion_tokens_details: { reasoning_tokens: detail('completion_tokens_details', 'reasoning_tokens') + detail('output_tokens_details', 'reasoning_tokens') },
  };
}

/**
 * The line saver of native batches.
 *
 * @example
 * ```ts
 * const { save } = lineRecorder(deps);
 * await save(job, stored, deployment, lineNo, outputLine);
 * ```
 */
export function lineRecorder(deps: BatchesDeps) {
  const { api, repo } = deps;

  /** The call-log record of one successful line (priced at batch prices). */
  async function report(s: StoredBatch, d: Deployment, line: OutputLine, usage: CallUsage | undefined, cost: number | null): Promise<void> {
    const b = s.batch;
    const ctx = createCallContext({
      requestId: line.response!.request_id,
      operation: b.endpoint === '/v1/embeddings' ? 'embeddings' : b.endpoint === '/v1/responses' ? 'responses' : 'chat',
      endpoint: b.endpoint,
      principal: s.exec.principal,
      sessionId: b.id,
      state: { batchLine: true },
    });
    ctx.model = b.model ?? d.name;
    ctx.deployment = d;
    ctx.usage = usage;
    ctx.cost = cost;
    ctx.metadata = { batch_id: b.id, custom_id: line.custom_id };
    ctx.endedAt = Date.now();
    ctx.attempts.push({ deployment: d, startedAt: ctx.startedAt, endedAt: ctx.endedAt, status: 200, upstreamRequestId: line.response!.request_id });
    await api.report({ ctx, request: undefined, response: line.response!.body as Record<string, unknown>, outcome: 'ok', status: 200 });
  }

  /** Saves line `no` (the caller skips lines already done). */
  async function save(job: RunningJob<unknown>, s: StoredBatch, d: Deployment, no: number, line: OutputLine): Promise<void> {
    const b = s.batch;
    const ok = line.response?.status_code === 200 && !line.error;
    const body = line.response?.body as { usage?: Record<string, unknown> } | undefined;
    const usage = ok ? callUsage(body?.usage) : undefined;
    const charge: LineCharge | undefined = ok
      ? {
          cost: usage ? (api.services.pricing?.price(usage, d, { batch: true }) ?? null) : null,
          deployment: d.id,
          provider: d.provider,
          model: b.model ?? d.name,
          inputTokens: usage?.prompt_tokens ?? 0,
          cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
          outputTokens: usage?.completion_tokens ?? 0,
          reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
        }
      : undefined;
    await job.transaction((trx) => repo.addResult(b.id, no, line, ok, trx, charge));
    if (ok) await report(s, d, line, usage, charge!.cost);
  }

  return { save };
}
