/**
 * Spans of a finished call, built after the fact from its CallEvent (nothing runs on the
 * hot path): a SERVER span for the gateway request and a CLIENT span per upstream attempt,
 * with explicit start and end times from the call's timestamps.
 */
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes, type Link, type SpanContext } from '@opentelemetry/api';
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
import type { SpanOut } from './span-out.js';

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
  /** Where the finished spans go. */
  out: SpanOut;
  traceBy: 'request' | 'session';
  captureContent: boolean;
  /** Whether a session's root span is emitted (with the derived ids): when the plugin's own SDK runs. */
  sessionRoots: boolean;
}

const MAX_SESSIONS = 10_000;
const NO_LINKS: Link[] = [];

/**
 * Builds the spans of finished calls.
 *
 * @example
 * ```ts
 * const spans = new CallSpans({ out: new TracerOut(tracer), traceBy: 'session', captureContent: false, sessionRoots: false });
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

  /** The parent of a call's SERVER span, and links to add to it. */
  #parent(event: CallEvent, sessionId: string | undefined): { parent: SpanContext | undefined; links: Link[] } {
    const incoming = incomingParent(event.ctx.headers);
    if (this.#o.traceBy === 'session' && sessionId) {
      const ids = sessionTrace(sessionId);
      this.#ensureRoot(sessionId, ids, event);
      const parent: SpanContext = { ...ids, traceFlags: TraceFlags.SAMPLED, isRemote: true };
      return { parent, links: incoming ? [{ context: incoming }] : NO_LINKS };
    }
    return { parent: incoming, links: NO_LINKS };
  }

  /** Emits the session's root span (with the derived ids) the first time this process sees the session. */
  #ensureRoot(sessionId: string, ids: { traceId: string; spanId: string }, event: CallEvent): void {
    if (!this.#o.sessionRoots || this.#rooted.has(sessionId)) return;
    if (this.#rooted.size >= MAX_SESSIONS) this.#rooted.delete(this.#rooted.values().next().value!);
    this.#rooted.add(sessionId);
    this.#o.out.emit({
      name: `session ${sessionId}`,
      kind: SpanKind.INTERNAL,
      parent: undefined,
      ids,
      startTime: event.ctx.startedAt,
      endTime: event.ctx.endedAt ?? event.ctx.startedAt,
      attributes: { 'session.id': sessionId, 'gen_ai.conversation.id': sessionId },
    });
  }

  /** Records the spans of one finished call (attribute sets built once and shared, not spread per span). */
  record(event: CallEvent): void {
    const { ctx, response, error } = event;
    const chat = asChatCompletion(response);
    const { out, captureContent } = this.#o;
    const sessionId = ctx.sessionId;
    const { parent, links } = this.#parent(event, sessionId);
    const operation = ctx.operation;
    const publicModel = ctx.model ?? event.request?.model ?? 'unknown';
    const endedAt = ctx.endedAt ?? ctx.startedAt;
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
    const server = out.emit({
      name: `${operation} ${publicModel}`,
      kind: SpanKind.SERVER,
      parent,
      startTime: ctx.startedAt,
      endTime: endedAt,
      attributes: a,
      ...(links.length > 0 ? { links } : {}),
      ...(error && event.status >= 500 ? { error: error.message } : {}),
    });

    const last = ctx.attempts.length - 1;
    for (let i = 0; i <= last; i++) {
      const attempt = ctx.attempts[i]!;
      const c = Object.assign(attemptAttributes(event, attempt), request);
      if (attempt.firstChunkAt !== undefined && ctx.stream) c['gen_ai.response.time_to_first_chunk'] = (attempt.firstChunkAt - attempt.startedAt) / 1000;
      if (i === last && !attempt.error) Object.assign(c, responseAttributes(response, attempt.model ?? chat?.model), outcome);
      if (attempt.error) c['error.type'] = errorType(attempt.error);
      out.emit({
        name: `${operation} ${attempt.deployment.model}`,
        kind: SpanKind.CLIENT,
        parent: server,
        startTime: attempt.startedAt,
        endTime: attempt.endedAt ?? endedAt,
        attributes: c,
        ...(attempt.error ? { error: attempt.error.message } : {}),
      });
    }
  }
}
