/**
 * Background responses (`background: true` on a bridged model) as durable jobs in the store:
 * the queued response row and its job are written in one transaction, and a worker (in any
 * gateway process on the database) runs the call. A process killed mid-call leaves the job to
 * be claimed again once its lease runs out; a graceful shutdown that cuts the call puts the job
 * back at once; a response already finished by an attempt that died before marking its job
 * done is not run again. Cancelling cancels the job, which aborts the call wherever it runs.
 */
import { GatewayError, type CallInput, type Principal, type RouteRequest } from '@switchyard/core';
import { isInterrupted, type JobWorker, type RunningJob, type Store } from '@switchyard/store';
import type { ResponsesCallState } from './call-state.js';
import type { ResponsesDeps } from './deps.js';
import type { StoredResponse } from './repo.js';
import type { CreateResponse } from './schema.js';
import type { Item, ResponseObject } from './types.js';

/** The job kind of background responses. */
export const BACKGROUND_KIND = 'responses.background';

/** What a background response's job carries: enough to run its call in any process. */
export interface BackgroundPayload {
  /** The response id (also the job's key). */
  id: string;
  owner: string;
  body: CreateResponse;
  input: Item[];
  createdAt: number;
  parentId: string | null;
  /** Request headers without credentials (routing options, session and trace headers). */
  headers: Record<string, string | string[]>;
  requestId?: string;
  principal?: Principal;
}

/** Headers never stored with a job: credentials. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|key|token|secret|password|auth/i;

/**
 * The headers of `req` worth keeping for a later run: everything but credentials.
 *
 * @example
 * ```ts
 * keptHeaders({ authorization: 'Bearer sk-…', 'x-session-id': 's1' }); // { 'x-session-id': 's1' }
 * ```
 */
export function keptHeaders(headers: RouteRequest['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !SECRET_HEADER.test(name)) out[name] = value;
  return out;
}

const RUNNING: ReadonlyArray<ResponseObject['status']> = ['queued', 'in_progress'];

/** Whether `err` is the gateway (or this worker) shutting down, not a failure of the response. */
const isShutdown = (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_SHUTTING_DOWN';

/**
 * Runs one background response (the job handler).
 *
 * @example
 * ```ts
 * store.jobs.work(BACKGROUND_KIND, (job) => runBackground(deps, job), { concurrency: 16 });
 * ```
 */
export async function runBackground(deps: ResponsesDeps, job: RunningJob<BackgroundPayload>): Promise<unknown> {
  const { api, repo, codec } = deps;
  const p = job.payload;
  const stored = await repo.get(p.id, p.owner);
  // deleted, cancelled, or finished by an attempt that died before its job was marked done
  if (!stored || !RUNNING.includes(stored.status)) return { status: stored?.status ?? 'deleted' };
  const inProgress = { ...stored, status: 'in_progress' as const, response: { ...stored.response, status: 'in_progress' as const } };
  if (!(await repo.updateIf(inProgress, RUNNING))) return { status: 'cancelled' };
  const parent = p.parentId ? await repo.get(p.parentId, p.owner) : undefined;
  const state: ResponsesCallState = { owner: p.owner, input: p.input, createdAt: p.createdAt, mintedId: p.id, background: true, ...(parent ? { parent } : {}) };
  try {
    const conversation = await openConversation(deps, p);
    const input: CallInput = {
      body: { ...p.body, stream: false },
      headers: p.headers,
      requestId: p.requestId,
      principal: p.principal,
      endpoint: '/v1/responses',
      sessionId: conversation?.id ?? parent?.sessionId ?? undefined,
      state: { responses: state, ...(conversation ? { conversation } : {}) },
      signal: job.signal,
    };
    await api.run(codec, input);
    return { status: 'completed' };
  } catch (err) {
    if (isInterrupted(err) || job.signal.aborted) {
      // cancelled: the cancel wrote the row; lost: the new holder runs it; shutdown: queued again
      if (isInterrupted(job.signal.reason, 'shutdown')) await requeue(deps, p.id, p.owner);
      throw err;
    }
    if (isShutdown(err)) {
      // the gateway cut the call as it shut down: the next process runs it
      await requeue(deps, p.id, p.owner);
      return job.release();
    }
    // failed (the runner already retried the call): the record tap stored it as failed, unless
    // the call never began (a conversation that is gone, say)
    await markFailed(deps, p, err);
    return { status: 'failed' };
  }
}

async function markFailed(deps: ResponsesDeps, p: BackgroundPayload, err: unknown): Promise<void> {
  const stored = await deps.repo.get(p.id, p.owner);
  if (!stored || stored.status !== 'in_progress') return;
  const e = err instanceof GatewayError ? err : undefined;
  const error = { code: e?.publicCode ?? 'server_error', message: e?.expose ? e.message : 'The request failed.' };
  await deps.repo.updateIf({ ...stored, status: 'failed', response: { ...stored.response, status: 'failed', error } }, ['in_progress']);
}

/** Back to `queued` (unless it was cancelled or finished meanwhile). */
async function requeue(deps: ResponsesDeps, id: string, owner: string): Promise<void> {
  const stored = await deps.repo.get(id, owner);
  if (stored) await deps.repo.updateIf({ ...stored, status: 'queued', response: { ...stored.response, status: 'queued' } }, ['in_progress']);
}

async function openConversation(deps: ResponsesDeps, p: BackgroundPayload) {
  const c = p.body.conversation;
  if (c === undefined || c === null) return undefined;
  const service = deps.api.services.conversations;
  if (!service) throw new GatewayError('GW_ERR_PLUGIN', "The 'conversation' parameter needs the plugin @switchyard/conversations, which is not loaded.", { param: 'conversation' });
  return service.open(typeof c === 'string' ? c : c.id, p.principal ?? {}, 'conversation');
}

/**
 * A background response still `queued` or `in_progress` whose job ended without it (failed
 * for good: its process died on every attempt) is failed, with the job's reason: never left
 * running forever. Others are returned as they are.
 *
 * @example
 * ```ts
 * return { body: (await settleOrphan(deps, stored)).response };
 * ```
 */
export async function settleOrphan(deps: ResponsesDeps, stored: StoredResponse): Promise<StoredResponse> {
  if (!stored.background || !RUNNING.includes(stored.status)) return stored;
  const job = await deps.store.jobs.find(BACKGROUND_KIND, stored.id);
  if (job?.state !== 'failed') return stored;
  const error = { code: job.error?.code ?? 'server_error', message: `The background run stopped: ${job.error?.message ?? 'its job failed'}.` };
  const failed = { ...stored, status: 'failed' as const, response: { ...stored.response, status: 'failed' as const, error } };
  return (await deps.repo.updateIf(failed, RUNNING)) ? failed : ((await deps.repo.get(stored.id, stored.owner)) ?? stored);
}

/** Options of the background worker. */
export interface BackgroundOptions {
  concurrency: number;
  leaseMs: number;
}

/**
 * Starts the background-response worker of this process.
 *
 * @example
 * ```ts
 * gateway.hooks.ready.tapPromise(NAME, async () => void startBackground(deps, store, { concurrency: 16, leaseMs: 30_000 }));
 * ```
 */
export function startBackground(deps: ResponsesDeps, store: Store, options: BackgroundOptions): JobWorker {
  return store.jobs.work<BackgroundPayload>(BACKGROUND_KIND, (job) => runBackground(deps, job), {
    concurrency: options.concurrency,
    leaseMs: options.leaseMs,
    // a call running at shutdown goes on while the gateway drains; the gateway cuts it at the end
    shutdown: 'drain',
  });
}
