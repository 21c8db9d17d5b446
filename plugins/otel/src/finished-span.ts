/**
 * A span that is born finished: what a span processor and exporter read (`ReadableSpan`),
 * built in one step from a call's recorded times and attributes. An SDK Span would copy the
 * attributes one by one, keep mutable state, and call the processors twice; a finished
 * call needs none of that.
 */
import { SpanStatusCode, type Attributes, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { SpanSpec } from './span-out.js';

/** What every span of the plugin shares. */
export interface SpanScope {
  resource: Resource;
  instrumentationScope: InstrumentationScope;
}

const OK: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** Epoch milliseconds as [seconds, nanoseconds], rounded as the SDK's own conversion. */
const hrTime = (ms: number): HrTime => [Math.trunc(ms / 1000), Math.round((ms % 1000) * 1e6)];

/**
 * A finished span.
 *
 * @example
 * ```ts
 * processor.onEnd(new FinishedSpan(spec, { traceId, spanId, traceFlags: 1 }, spec.attributes, scope));
 * ```
 */
export class FinishedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly status: SpanStatus;
  readonly #context: SpanContext;
  readonly #start: number;
  readonly #end: number;
  readonly #scope: SpanScope;

  constructor(spec: SpanSpec, context: SpanContext, attributes: Attributes, scope: SpanScope) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.parentSpanContext = spec.parent;
    this.attributes = attributes;
    this.links = spec.links ?? NONE;
    this.status = spec.error === undefined ? OK : { code: SpanStatusCode.ERROR, message: spec.error };
    this.#context = context;
    this.#start = spec.startTime;
    this.#end = Math.max(spec.endTime, spec.startTime);
    this.#scope = scope;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  get startTime(): HrTime {
    return hrTime(this.#start);
  }

  get endTime(): HrTime {
    return hrTime(this.#end);
  }

  get duration(): HrTime {
    const [s1, n1] = this.startTime;
    const [s2, n2] = this.endTime;
    return n2 >= n1 ? [s2 - s1, n2 - n1] : [s2 - s1 - 1, n2 - n1 + 1e9];
  }

  get resource(): Resource {
    return this.#scope.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.#scope.instrumentationScope;
  }

  get events(): TimedEvent[] {
    return NONE;
  }

  get ended(): boolean {
    return true;
  }

  get droppedAttributesCount(): number {
    return 0;
  }

  get droppedEventsCount(): number {
    return 0;
  }

  get droppedLinksCount(): number {
    return 0;
  }
}
