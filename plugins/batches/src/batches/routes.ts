/**
 * The Batches API: create, retrieve, list, cancel. A batch belongs to its creator; another
 * owner gets the 404 of a batch that never was. `request_counts` are read live from the
 * finished lines while a batch runs.
 */
import { ownerOf, ownerScope, validate, z, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import type { BatchesDeps } from '../deps.js';
import { invalid, notFound } from '../errors.js';
import { mustFile } from '../files/routes.js';
import { newId, nowSec } from '../ids.js';
import type { StoredBatch } from '../repo.js';
import type { BatchObject } from '../types.js';
import { deploymentById, nativeJson, providerBatches } from '../native/upstream.js';

/** Endpoints a batch may target. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings'] as const;

const CreateBody = z.strictObject({
  input_file_id: z.string().min(1),
  endpoint: z.string(),
  completion_window: z.string(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, 'must have at most 16 keys')
    .nullable()
    .optional(),
  output_expires_after: z.strictObject({ anchor: z.literal('created_at'), seconds: z.number().int().min(3600).max(2_592_000) }).optional(),
});

const ACTIVE = ['validating', 'in_progress', 'finalizing'];

/**
 * When a batch in progress should end, from its line rate so far (epoch seconds), or null
 * while no line has ended: `now + remaining / (done / elapsed)`.
 *
 * @example
 * ```ts
 * estimatedCompletion(b.in_progress_at, 100, 25); // 30 s in, 25 done: about 90 s from now
 * ```
 */
export function estimatedCompletion(inProgressAt: number | null, total: number, done: number, nowMs = Date.now()): number | null {
  if (inProgressAt === null || done <= 0 || total <= 0) return null;
  const now = nowMs / 1000;
  const elapsed = Math.max(now - inProgressAt, 0.001);
  return Math.round(now + (Math.max(total - done, 0) * elapsed) / done);
}

/**
 * The batch as a client sees it: live counts while it runs (from the finished lines, or as
 * the upstream last reported them for a native batch) and `estimated_completion_at`.
 *
 * @example
 * ```ts
 * return { body: await view(deps, stored) };
 * ```
 */
export async function view(deps: BatchesDeps, s: StoredBatch): Promise<BatchObject> {
  const b = s.batch;
  if (!ACTIVE.includes(b.status) && b.status !== 'cancelling') return b;
  const counts = s.exec.native ? b.request_counts : { total: b.request_counts.total, ...(await deps.repo.resultCounts(b.id)) };
  const eta = b.status === 'in_progress' ? estimatedCompletion(b.in_progress_at, counts.total, counts.completed + counts.failed) : null;
  return { ...b, request_counts: counts, estimated_completion_at: eta };
}

async function mustBatch(deps: BatchesDeps, req: RouteRequest): Promise<StoredBatch> {
  const id = req.params.batch_id ?? '';
  const s = id ? await deps.repo.batch(id, ownerScope(req.principal)) : undefined;
  if (!s) throw notFound('batch', id, 'batch_id');
  return s;
}

/**
 * The Batches routes.
 *
 * @example
 * ```ts
 * for (const route of batchRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function batchRoutes(deps: BatchesDeps): RouteDefinition[] {
  const { repo } = deps;
  return [
    {
      method: 'POST',
      path: '/v1/batches',
      async handler(req) {
        const body = validate(CreateBody, req.body);
        if (!(BATCH_ENDPOINTS as readonly string[]).includes(body.endpoint)) {
          throw invalid(`Invalid 'endpoint': '${body.endpoint}'. Supported: ${BATCH_ENDPOINTS.map((e) => `'${e}'`).join(', ')}.`, 'endpoint', 'invalid_endpoint');
        }
        if (body.completion_window !== '24h') throw invalid(`Invalid 'completion_window': '${body.completion_window}'. Expected '24h'.`, 'completion_window');
        const input = await mustFile(deps, req, body.input_file_id, 'input_file_id');
        if (input.file.purpose !== 'batch') throw invalid(`The file ${input.file.id} has purpose '${input.file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`, 'input_file_id');
        const createdAt = nowSec();
        const batch: BatchObject = {
          id: newId('batch'),
          object: 'batch',
          endpoint: body.endpoint,
          model: null,
          errors: null,
          input_file_id: input.file.id,
          completion_window: '24h',
          status: 'validating',
          output_file_id: null,
          error_file_id: null,
          created_at: createdAt,
          in_progress_at: null,
          expires_at: createdAt + deps.windowSeconds,
          finalizing_at: null,
          completed_at: null,
          failed_at: null,
          expired_at: null,
          cancelling_at: null,
          cancelled_at: null,
          request_counts: { total: 0, completed: 0, failed: 0 },
          usage: null,
          metadata: body.metadata ?? null,
        };
        const principal = { ...req.principal } as Record<string, unknown>;
        await deps.store.transaction(async (trx) => {
          await repo.insertBatch({ batch, owner: ownerOf(req.principal), exec: { principal, inputBlobId: input.blobId } }, trx);
          await deps.enqueue(batch.id, trx);
        });
        deps.wake();
        return { body: batch };
      },
    },
    {
      method: 'GET',
      path: '/v1/batches',
      async handler(req) {
        const q = (k: string) => (Array.isArray(req.query[k]) ? req.query[k][0] : req.query[k]) as string | undefined;
        const rawLimit = q('limit');
        const limit = rawLimit === undefined ? 20 : Number(rawLimit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid(`Invalid 'limit': '${rawLimit}'. Expected an integer from 1 to 100.`, 'limit');
        const page = await repo.listBatches(ownerScope(req.principal), { limit, after: q('after') || undefined });
        return { body: { object: 'list', data: page.data, first_id: page.data[0]?.id ?? null, last_id: page.data.at(-1)?.id ?? null, has_more: page.hasMore } };
      },
    },
    {
      method: 'GET',
      path: '/v1/batches/:batch_id',
      async handler(req) {
        return { body: await view(deps, await mustBatch(deps, req)) };
      },
    },
    {
      method: 'POST',
      path: '/v1/batches/:batch_id/cancel',
      body: 'json-optional',
      async handler(req) {
        const s = await mustBatch(deps, req);
        if (s.batch.status === 'cancelling' || s.batch.status === 'cancelled') return { body: await view(deps, s) };
        if (!ACTIVE.includes(s.batch.status)) throw invalid(`Cannot cancel a batch with status '${s.batch.status}'.`, 'batch_id', 'batch_not_cancellable');
        // a native batch is cancelled where it runs first: a refusal there is the client's answer
        const native = s.exec.native;
        const d = native?.upstreamBatchId ? deploymentById(deps.api, native.deployment) : undefined;
        if (d && native!.via === 'provider') {
          const { batches, call } = providerBatches(deps.api, d, req.signal);
          await batches.cancel(native!.upstreamBatchId!, call);
        } else if (d) await nativeJson(deps.api, d, { method: 'POST', path: `/batches/${encodeURIComponent(native!.upstreamBatchId!)}/cancel` }, req.signal);
        const next: BatchObject = { ...s.batch, status: 'cancelling', cancelling_at: nowSec() };
        if (!(await repo.saveBatch(next, undefined, ACTIVE))) return { body: await view(deps, (await repo.batch(s.batch.id, undefined))!) };
        deps.wake();
        return { body: await view(deps, { ...s, batch: next }) };
      },
    },
  ];
}
