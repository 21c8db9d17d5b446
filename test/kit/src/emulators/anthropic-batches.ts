/**
 * The Anthropic emulator's Message Batches API (`/v1/messages/batches`): create, retrieve,
 * list, results, cancel, delete, in the real shapes (typed with `@anthropic-ai/sdk`). A batch
 * moves on as it is polled: each retrieve runs the next share of its requests through the
 * emulator's own Messages answer (all of them after `polls` retrieves), then it is `ended`
 * with a `results_url`. While `held` is set nothing runs (for cancel tests); a cancelled
 * batch ends on the next retrieve, its unrun requests `canceled`; with `expireAfter` a batch
 * ends once that many requests ran, the rest `expired`.
 */
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { MessageBatch, MessageBatchIndividualResponse, MessageBatchResult } from '@anthropic-ai/sdk/resources/messages/batches';
import { sendJson, type EmulatorExchange } from './server.js';

/** An emulated Message Batch: its object, its requests and the results so far. */
export interface EmuMessageBatch {
  object: MessageBatch;
  requests: Array<{ custom_id: string; params: MessageCreateParams }>;
  results: MessageBatchIndividualResponse[];
}

/** What a test controls and reads of the emulated Message Batches. */
export interface EmulatedMessageBatches {
  /** Retrieves before every request of a batch has run (default 2). */
  polls: number;
  /** While true, no request runs however often a batch is polled. */
  held: boolean;
  /** When set, a batch whose run requests reach this many has the rest `expired` (its 24 h passed). */
  expireAfter: number | null;
  /** Batches by id. */
  readonly batches: Map<string, EmuMessageBatch>;
  /** Requests run by batches so far (each counted once). */
  linesRun: number;
}

/** Runs one batch request through the emulated model. */
export type MessageBatchRunner = (params: MessageCreateParams) => MessageBatchResult;

/** What the routes answer errors with (the emulator's Anthropic error body). */
export type MessageBatchError = (res: EmulatorExchange['res'], status: number, message: string) => true;

let counter = 0;
const iso = (ms = Date.now()) => new Date(ms).toISOString();

/**
 * The state of the emulated Message Batches.
 *
 * @example
 * ```ts
 * const state = messageBatchesState();
 * state.held = true; // keep batches in progress
 * ```
 */
export function messageBatchesState(polls = 2): EmulatedMessageBatches {
  return { polls, held: false, expireAfter: null, batches: new Map(), linesRun: 0 };
}

function counts(b: EmuMessageBatch): MessageBatch['request_counts'] {
  const c = { processing: b.requests.length - b.results.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  for (const r of b.results) c[r.result.type === 'canceled' ? 'canceled' : r.result.type] += 1;
  return c;
}

function advance(state: EmulatedMessageBatches, b: EmuMessageBatch, run: MessageBatchRunner): void {
  const o = b.object;
  if (o.processing_status === 'ended') return;
  if (o.processing_status === 'canceling') {
    for (const r of b.requests.slice(b.results.length)) b.results.push({ custom_id: r.custom_id, result: { type: 'canceled' } });
  } else if (!state.held) {
    const share = Math.max(1, Math.ceil(b.requests.length / Math.max(state.polls, 1)));
    const limit = state.expireAfter ?? Infinity;
    for (const r of b.requests.slice(b.results.length, b.results.length + share)) {
      if (b.results.length >= limit) break;
      state.linesRun += 1;
      b.results.push({ custom_id: r.custom_id, result: run(r.params) });
    }
    if (b.results.length >= limit) for (const r of b.requests.slice(b.results.length)) b.results.push({ custom_id: r.custom_id, result: { type: 'expired' } });
  }
  o.request_counts = counts(b);
  if (b.results.length === b.requests.length) {
    o.processing_status = 'ended';
    o.ended_at = iso();
    o.results_url = `/v1/messages/batches/${o.id}/results`;
  }
}

/**
 * Serves `/v1/messages/batches…` (`path` without the query). Returns false for other paths.
 *
 * @example
 * ```ts
 * if (path.startsWith('/v1/messages/batches')) return messageBatchesRoute(state, x, path, run, error);
 * ```
 */
export function messageBatchesRoute(state: EmulatedMessageBatches, x: EmulatorExchange, path: string, run: MessageBatchRunner, error: MessageBatchError): boolean {
  const { req, res } = x;
  if (req.method === 'POST' && path === '/v1/messages/batches') {
    const body = req.body as { requests?: unknown } | undefined;
    if (!Array.isArray(body?.requests) || body.requests.length === 0) return error(res, 400, 'requests: Field required (a non-empty list)');
    const seen = new Set<string>();
    for (const [i, r] of (body.requests as Array<Record<string, unknown>>).entries()) {
      const id = r?.custom_id;
      if (typeof id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(id)) return error(res, 400, `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      if (seen.has(id)) return error(res, 400, `requests.${i}.custom_id: Duplicate custom_id '${id}'`);
      seen.add(id);
      if (!r.params || typeof r.params !== 'object') return error(res, 400, `requests.${i}.params: Field required`);
      if ((r.params as { stream?: unknown }).stream === true) return error(res, 400, `requests.${i}.params.stream: streaming is not supported in batches`);
    }
    const t = Date.now();
    const b: EmuMessageBatch = {
      requests: body.requests as EmuMessageBatch['requests'],
      results: [],
      object: {
        id: `msgbatch_emu${(++counter).toString().padStart(6, '0')}`,
        type: 'message_batch',
        processing_status: 'in_progress',
        request_counts: { processing: body.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
        created_at: iso(t),
        expires_at: iso(t + 86_400_000),
        ended_at: null,
        archived_at: null,
        cancel_initiated_at: null,
        results_url: null,
      },
    };
    state.batches.set(b.object.id, b);
    sendJson(res, 200, b.object);
    return true;
  }
  if (req.method === 'GET' && path === '/v1/messages/batches') {
    const data = [...state.batches.values()].map((b) => b.object).reverse();
    sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    return true;
  }
  const m = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
  if (!m) return false;
  const b = state.batches.get(decodeURIComponent(m[1]!));
  if (!b) return error(res, 404, `message_batch_id: No batch found with id '${m[1]}'`);
  const o = b.object;
  if (req.method === 'GET' && !m[2]) {
    advance(state, b, run);
    sendJson(res, 200, o);
    return true;
  }
  if (req.method === 'GET' && m[2] === '/results') {
    if (o.processing_status !== 'ended') return error(res, 400, `Message Batch ${o.id} has not yet ended; results are not available.`);
    res.writeHead(200, { 'content-type': 'application/binary' });
    res.end(b.results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return true;
  }
  if (req.method === 'POST' && m[2] === '/cancel') {
    if (o.processing_status === 'in_progress') Object.assign(o, { processing_status: 'canceling', cancel_initiated_at: iso() });
    sendJson(res, 200, o);
    return true;
  }
  if (req.method === 'DELETE' && !m[2]) {
    if (o.processing_status !== 'ended') return error(res, 400, `Message Batch ${o.id} is still in progress; cancel it before deleting.`);
    state.batches.delete(o.id);
    sendJson(res, 200, { id: o.id, type: 'message_batch_deleted' });
    return true;
  }
  return false;
}
