/**
 * Spans of a finished call, built after the fact from its CallEvent (nothing runs on the
 * hot path): a SERVER span for the gateway request and a CLIENT span per upstream attempt,
 * with explicit start and end times from the call's timestamps.
 */
import { createHash } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { CallEvent } from '@switchyard/core';
import { asChatCompletion } from '@switchyard/chat-wire';
import {
  attemptAttributes,
  contentAttributes,
  errorType,
  providerName,
  requestAttributes,
  responseAttributes,
  usageAttributes,
} from './attributes.js';
import type { PinnableIdGenerator } from './sdk.js';

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: Readonly<Record<string, string | string[] | undefined>>) => Object.keys(carrier),
  get: (carrier: Readonly<Record<string, string | string[] | undefined>>, key: string) => carrier[key.toLowerCase()],
};

/**
 * The trace id and root span id of a session: the first 16 and next 8 bytes of sha256(session id).
 *
 * @example
 * ```ts
 * sessionTrace('run-1').traceId; // 32 hex chars, the same for every call of run-1
 * ```
 */
export function sessionTrace(sessionId: string): { traceId: string; spanId: string } {
  const hex = createHash('sha256').update(sessionId).digest('hex');
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

/**
 * The span context a call's `traceparent` header names, when it is valid.
 *
 * @example
 * ```ts
 * incomingParent({ traceparent: '00-4bf9…-00f0…-01' })?.traceId;
 * ```
 */
export function incomingParent(headers: Readonly<Record<string, string | string[] | undefined>>): SpanContext | undefined {
  if (headers.traceparent === undefined) return undefined;
  const sc = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, headerGetter));
  return sc && trace.isSpanContextValid(sc) ? sc : undefined;
}

/** What the span builder needs. */
export interface SpanBuilderOptions {
  tracer: Tracer;
  traceBy: 'request' | 'session';
  captureContent: boolean;
  /** Present when the plugin's SDK runs: lets a session's root span carry the derived ids. */
  ids?: PinnableIdGenerator;
}

const MAX_SESSIONS = 10_000;

/**
 * Builds the spans of finished calls.
 *
 * @example
 * ```ts
 * const spans = new CallSpans({ tracer, traceBy: 'session', captureContent: false });
 * gateway.hooks.log.tapPromise(NAME, async (event) => spans.record(event));
 * ```
 */
export class CallSpans {
  readonly #o: SpanBuilderOptions;
  /** Sessions whose root span this process already emitted (bounded, oldest forgotten). */
  readonly #rooted = new Set<string>();

  constructor(options: SpanBuilderOptions) {
    this.#o = options;
  }

  /** The parent context of a call, and links to add to its SERVER span. */
  #parent(event: CallEvent, sessionId: string | undefined): { parent: Context; links: Link[] } {
    const incoming = incomingParent(event.ctx.headers);
    if (this.#o.traceBy === 'session' && sessionId) {
      const ids = sessionTrace(sessionId);
      this.#ensureRoot(sessionId, ids, event);
      const sc: SpanContext = { ...ids, traceFlags: TraceFlags.SAMPLED, isRemote: true };
      return { parent: trace.setSpanContext(ROOT_CONTEXT, sc), links: incoming ? [{ context: incoming }] : [] };
    }
    return { parent: incoming ? trace.setSpanContext(ROOT_CONTEXT, incoming) : ROOT_CONTEXT, links: [] };
  }

  /** Emits the session's root span (with the derived ids) the first time this process sees the session. */
  #ensureRoot(sessionId: string, ids: { traceId: string; spanId: string }, event: CallEvent): void {
    if (!this.#o.ids || this.#rooted.has(sessionId)) return;
    if (this.#rooted.size >= MAX_SESSIONS) this.#rooted.delete(this.#rooted.values().next().value!);
    this.#rooted.add(sessionId);
    this.#o.ids.pin(ids);
    const root = this.#o.tracer.startSpan(
      `session ${sessionId}`,
      { root: true, kind: SpanKind.INTERNAL, startTime: event.ctx.startedAt, attributes: { 'session.id': sessionId, 'gen_ai.conversation.id': sessionId } },
      ROOT_CONTEXT,
    );
    root.end(event.ctx.endedAt ?? event.ctx.startedAt);
  }

  /** Records the spans of one finished call (attribute sets built once and shared, not spread per span). */
  record(event: CallEvent): void {
    const { ctx, response, error } = event;
    const chat = asChatCompletion(response);
    const { tracer, captureContent } = this.#o;
    const sessionId = ctx.sessionId;
    const { parent, links } = this.#parent(event, sessionId);
    const operation = ctx.operation;
    const publicModel = ctx.model ?? event.request?.model ?? 'unknown';
    // what the server span and the final attempt's span both carry
    const outcome: Attributes = usageAttributes(ctx.usage ?? chat?.usage);
    if (typeof ctx.cost === 'number') outcome['switchyard.cost.usd'] = ctx.cost;
    if (captureContent) Object.assign(outcome, contentAttributes(event));
    const request = requestAttributes(event);
    if (sessionId) request['session.id'] = request['gen_ai.conversation.id'] = sessionId;

    const a: Attributes = Object.assign({ 'gen_ai.operation.name': operation, 'gen_ai.request.model': publicModel }, request, responseAttributes(response), outcome);
    if (ctx.deployment) {
      a['gen_ai.provider.name'] = providerName(ctx.deployment);
      a['switchyard.deployment.id'] = ctx.deployment.id;
    }
    if (ctx.stream && ctx.firstTokenAt !== undefined) a['gen_ai.response.time_to_first_chunk'] = (ctx.firstTokenAt - ctx.startedAt) / 1000;
    a['http.route'] = ctx.endpoint;
    a['http.response.status_code'] = event.status;
    a['switchyard.request_id'] = ctx.requestId;
    a['switchyard.outcome'] = event.outcome;
    a['switchyard.attempts'] = ctx.attempts.length;
    if (ctx.principal.keyId) a['switchyard.key.id'] = ctx.principal.keyId;
    if (ctx.principal.userId) a['user.id'] = ctx.principal.userId;
    if (error) a['error.type'] = errorType(error);
    const server = tracer.startSpan(`${operation} ${publicModel}`, { kind: SpanKind.SERVER, startTime: ctx.startedAt, links, attributes: a }, parent);
    if (error && event.status >= 500) server.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    const serverContext = trace.setSpan(parent, server);

    const last = ctx.attempts.length - 1;
    for (let i = 0; i <= last; i++) {
      const attempt = ctx.attempts[i]!;
      const c = Object.assign(attemptAttributes(event, attempt), request);
      if (attempt.firstChunkAt !== undefined && ctx.stream) c['gen_ai.response.time_to_first_chunk'] = (attempt.firstChunkAt - attempt.startedAt) / 1000;
      if (i === last && !attempt.error) Object.assign(c, responseAttributes(response, attempt.model ?? chat?.model), outcome);
      if (attempt.error) c['error.type'] = errorType(attempt.error);
      const client = tracer.startSpan(`${operation} ${attempt.deployment.model}`, { kind: SpanKind.CLIENT, startTime: attempt.startedAt, attributes: c }, serverContext);
      if (attempt.error) client.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error.message });
      client.end(attempt.endedAt ?? ctx.endedAt);
    }
    server.end(ctx.endedAt);
  }
}
