/**
 * The flat call record every logger writes: one shape for console, file, webhook and
 * in-house loggers, built from a {@link CallEvent} in one place.
 */
import { timeOrderedId } from '../ids.js';
import type { CallEvent, ChatCompletion } from '../types/index.js';

/**
 * One finished call as loggers write it (JSON-safe, flat), made by {@link toCallRecord}.
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise('@acme/audit', async (event) => {
 *   const r: CallRecord = toCallRecord(event, { redact: true });
 *   console.log(`${r.time} ${r.model} ${r.status} ${r.latencyMs}ms ${r.cost ?? '-'} USD`);
 * });
 * ```
 */
export interface CallRecord {
  /** Id of the call: the same in every logger's record of it and in the call log. */
  id: string;
  /** ISO time the gateway received the call. */
  time: string;
  requestId: string;
  operation: string;
  endpoint: string;
  sessionId?: string;
  /** Public model name the client asked for. */
  model?: string;
  /** Deployment id that served the call. */
  deployment?: string;
  provider?: string;
  /** Upstream model id. */
  upstreamModel?: string;
  status: number;
  outcome: CallEvent['outcome'];
  stream: boolean;
  /** Wall time from receipt to end, in ms. */
  latencyMs: number;
  /** Time to the first streamed chunk (or the whole body), in ms. */
  ttftMs?: number;
  /** Number of upstream attempts. */
  attempts: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** USD; null when the price is unknown; absent when no one priced the call. */
  cost?: number | null;
  keyId?: string;
  userId?: string;
  teamId?: string;
  /** The request's `user` field (end user). */
  endUser?: string;
  responseId?: string;
  finishReason?: string | null;
  /** Gateway error code (`GW_ERR_…`), OpenAI error type and message. */
  error?: { code: string; type: string; message: string };
  metadata?: Record<string, unknown>;
  /** Request body (absent when redacted). */
  request?: unknown;
  /** Response body (absent when redacted). */
  response?: unknown;
}

/**
 * Options of {@link toCallRecord}.
 *
 * @example
 * ```ts
 * const options: CallRecordOptions = { storePrompts: gateway.settings.storePrompts }; // bodies only where prompts are stored
 * const record = toCallRecord(event, options);
 * ```
 */
export interface CallRecordOptions {
  /**
   * `true`: leave out request and response bodies (prompts and completions); `false`: keep
   * them. Unset: keep them only where prompts are stored ({@link CallRecordOptions.storePrompts}).
   */
  redact?: boolean;
  /**
   * The gateway's `storePrompts` (pass `gateway.settings.storePrompts`); a call's
   * `ctx.state.storePrompts` wins. Loggers pass it so that they follow the privacy default.
   */
  storePrompts?: boolean;
}

/**
 * Whether a record of `event` leaves the bodies out: `redact` when set, else when the call's
 * prompts are not stored (`ctx.state.storePrompts`, else `storePrompts`); with neither, bodies stay.
 *
 * @example
 * ```ts
 * redactsBodies(event, { storePrompts: gateway.settings.storePrompts }); // true unless prompts are stored
 * ```
 */
export function redactsBodies(event: CallEvent, options: CallRecordOptions): boolean {
  if (options.redact !== undefined) return options.redact;
  const store = (event.ctx.state as { storePrompts?: boolean }).storePrompts ?? options.storePrompts;
  return store === undefined ? false : !store;
}

const ms = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : Math.round((b - a) * 1000) / 1000;

/**
 * Turns a finished call into the flat record loggers write. Built once per call and shared
 * by every logger, the call log and webhooks (the copy with bodies once more): treat it as
 * read-only.
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
 *   sink.write(JSON.stringify(toCallRecord(event, { redact: opts.redact, storePrompts: gateway.settings.storePrompts })) + '\n');
 * });
 * ```
 */
export function toCallRecord(event: CallEvent, options: CallRecordOptions = {}): CallRecord {
  let cache = built.get(event);
  if (!cache) built.set(event, (cache = {}));
  const bare = (cache.bare ??= build(event));
  if (redactsBodies(event, options)) return bare;
  return (cache.full ??= { ...bare, request: event.request ?? event.payload?.request, response: event.response ?? event.payload?.response });
}

/** The records of each call, built once and shared by every logger and the call log (read-only). */
const built = new WeakMap<CallEvent, { bare?: CallRecord; full?: CallRecord }>();

function build(event: CallEvent): CallRecord {
  const { ctx, request, response, error } = event;
  // a chat completion (it has choices) says why it stopped
  const chat = Array.isArray(response?.choices) ? (response as ChatCompletion) : undefined;
  const usage = ctx.usage ?? chat?.usage;
  const record: CallRecord = {
    id: (event.id ??= timeOrderedId()),
    time: new Date(ctx.startedAt).toISOString(),
    requestId: ctx.requestId,
    operation: ctx.operation,
    endpoint: ctx.endpoint,
    sessionId: ctx.sessionId,
    model: ctx.model ?? request?.model,
    deployment: ctx.deployment?.id,
    provider: ctx.deployment?.provider,
    upstreamModel: ctx.deployment?.model,
    status: event.status,
    outcome: event.outcome,
    stream: ctx.stream,
    latencyMs: ms(ctx.startedAt, ctx.endedAt) ?? 0,
    ttftMs: ms(ctx.startedAt, ctx.firstTokenAt),
    attempts: ctx.attempts.length,
    inputTokens: usage?.prompt_tokens,
    outputTokens: usage?.completion_tokens,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens,
    cost: ctx.cost,
    keyId: ctx.principal.keyId,
    userId: ctx.principal.userId,
    teamId: ctx.principal.teamId,
    endUser: typeof request?.user === 'string' ? request.user : undefined,
    responseId: typeof response?.id === 'string' ? response.id : undefined,
    finishReason: chat?.choices[0]?.finish_reason ?? undefined,
    error: error ? { code: error.code, type: error.type, message: error.message } : undefined,
    metadata: Object.keys(ctx.metadata).length > 0 ? ctx.metadata : undefined,
  };
  for (const key of Object.keys(record) as Array<keyof CallRecord>) if (record[key] === undefined) delete record[key];
  return record;
}
