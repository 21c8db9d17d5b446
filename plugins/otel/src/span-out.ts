/**
 * Where the spans of a finished call go. Two ways out: through a Tracer (an SDK the
 * application registered, custom span processors, env-configured samplers or limits), or
 * straight to the plugin's batch processor as finished spans, without SDK Span objects.
 */
import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace, type Attributes, type Link, type SpanContext, type SpanKind, type Tracer } from '@opentelemetry/api';
import type { PinnableIdGenerator } from './sdk.js';
import { FinishedSpan, type SpanScope } from './finished-span.js';
import { isAttributeValue } from '@opentelemetry/core';
import { RandomIdGenerator, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** One finished span, as the call's span builder describes it. */
export interface SpanSpec {
  name: string;
  kind: SpanKind;
  /** The parent span's context; none for a root span. */
  parent: SpanContext | undefined;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  attributes: Attributes;
  links?: Link[];
  /** Set on a failed span: its status becomes ERROR with this message. */
  error?: string;
  /** Fixed ids (a session's root span); random otherwise. */
  ids?: { traceId: string; spanId: string };
}

/**
 * Emits finished spans and hands back each one's context (the parent of its children).
 *
 * @example
 * ```ts
 * const server = out.emit({ name: 'chat gpt-4o', kind: SpanKind.SERVER, parent: undefined, startTime, endTime, attributes });
 * out.emit({ name: 'chat gpt-4o', kind: SpanKind.CLIENT, parent: server, startTime, endTime, attributes: {} });
 * ```
 */
export interface SpanOut {
  emit(spec: SpanSpec): SpanContext;
}

/**
 * Spans through a Tracer: whatever sampler, limits and processors its provider has apply.
 *
 * @example
 * ```ts
 * const out = new TracerOut(trace.getTracer('switchyard'), ids);
 * ```
 */
export class TracerOut implements SpanOut {
  readonly #tracer: Tracer;
  readonly #ids: PinnableIdGenerator | undefined;

  constructor(tracer: Tracer, ids?: PinnableIdGenerator) {
    this.#tracer = tracer;
    this.#ids = ids;
  }

  emit(spec: SpanSpec): SpanContext {
    const pinned = spec.ids !== undefined && this.#ids !== undefined;
    if (pinned) this.#ids!.pin(spec.ids!);
    const parent = spec.parent ? trace.setSpanContext(ROOT_CONTEXT, spec.parent) : ROOT_CONTEXT;
    const span = this.#tracer.startSpan(
      spec.name,
      { kind: spec.kind, startTime: spec.startTime, attributes: spec.attributes, ...(spec.links ? { links: spec.links } : {}), ...(pinned ? { root: true } : {}) },
      parent,
    );
    if (spec.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    span.end(spec.endTime);
    return span.spanContext();
  }
}

/**
 * Spans handed as finished to a span processor (the plugin's batch processor), parent-based
 * always-on sampling as the SDK's default: a call whose incoming parent is not sampled is not
 * recorded. Attribute values that are not valid OTel values are dropped, as the SDK does.
 *
 * @example
 * ```ts
 * const out = new DirectOut(batchProcessor, { resource, instrumentationScope: { name: 'switchyard' } });
 * ```
 */
export class DirectOut implements SpanOut {
  readonly #processor: SpanProcessor;
  readonly #scope: SpanScope;
  readonly #ids = new RandomIdGenerator();

  constructor(processor: SpanProcessor, scope: SpanScope) {
    this.#processor = processor;
    this.#scope = scope;
  }

  emit(spec: SpanSpec): SpanContext {
    const parent = spec.parent;
    const context: SpanContext = {
      traceId: spec.ids?.traceId ?? parent?.traceId ?? this.#ids.generateTraceId(),
      spanId: spec.ids?.spanId ?? this.#ids.generateSpanId(),
      traceFlags: parent ? parent.traceFlags & TraceFlags.SAMPLED : TraceFlags.SAMPLED,
    };
    if (context.traceFlags === TraceFlags.SAMPLED) this.#processor.onEnd(new FinishedSpan(spec, context, validAttributes(spec.attributes), this.#scope));
    return context;
  }
}

/**
 * The attributes as they are when every value is one the SDK keeps (the usual case), else a
 * copy without the others (null, undefined, objects, mixed arrays). The SDK's count limit
 * (128) is never reached by a call's few dozen attributes.
 */
function validAttributes(a: Attributes): Attributes {
  for (const k in a) {
    if (!isValue(a[k])) return Object.fromEntries(Object.entries(a).filter(([, v]) => isValue(v)));
  }
  return a;
}

const isValue = (v: unknown): boolean => v !== null && v !== undefined && isAttributeValue(v);
