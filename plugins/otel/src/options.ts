/**
 * Options of the OpenTelemetry plugin.
 */
import type { metrics as sdkMetrics } from '@opentelemetry/sdk-node';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from '@switchyard/core';

const isExporter = (v: unknown): v is SpanExporter => typeof (v as { export?: unknown } | null)?.export === 'function';
const isReader = (v: unknown): v is sdkMetrics.MetricReader => typeof (v as { collect?: unknown } | null)?.collect === 'function';
const isProcessor = (v: unknown): v is SpanProcessor => typeof (v as { onEnd?: unknown } | null)?.onEnd === 'function';

/** The options schema (validated at boot). */
export const OtelOptionsSchema = z.strictObject({
  /**
   * OTLP/HTTP endpoint, e.g. `http://collector:4318` (`/v1/traces` is appended unless present).
   * Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318`.
   */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** Headers sent with every export (added to `OTEL_EXPORTER_OTLP_HEADERS`). */
  headers: z.record(z.string(), z.string()).optional(),
  /** `service.name` of the spans. Default: `OTEL_SERVICE_NAME`, else `switchyard`. */
  serviceName: z.string().min(1).optional(),
  /** Extra resource attributes (added to `OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /**
   * `request`: each call is its own trace (or joins the caller's `traceparent`).
   * `session`: every call of a session is one trace, its id derived from the session id.
   */
  traceBy: z.enum(['request', 'session']).default('request'),
  /**
   * The trace UI's URL of one trace, with `{traceId}` where the trace id goes (e.g. Jaeger's
   * `http://localhost:16686/trace/{traceId}`), or with `{sessionId}` (a search by session).
   * With `traceBy: session`, the console links each session to its trace. `{traceId}` needs
   * `traceBy: session` (a session's trace id is known only then).
   */
  traceUiUrl: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
    .refine((u) => u.includes('{traceId}') || u.includes('{sessionId}'), 'the URL needs {traceId} or {sessionId} where the id goes')
    .optional(),
  /** Record prompts and completions (`gen_ai.input.messages`, `gen_ai.output.messages`). Off by default. */
  captureContent: z.boolean().default(false),
  /** Export with this exporter (batched) instead of OTLP/HTTP. */
  spanExporter: z.custom<SpanExporter>(isExporter, 'expected a SpanExporter').optional(),
  /** Use these span processors instead of a batched exporter (e.g. `SimpleSpanProcessor(new InMemorySpanExporter())`). */
  spanProcessors: z.array(z.custom<SpanProcessor>(isProcessor, 'expected a SpanProcessor')).optional(),
  /**
   * Export metrics (`gen_ai.client.token.usage`, `gen_ai.client.operation.duration`, time to
   * first chunk, gateway request counters). Default: on when spans go over OTLP, off with a
   * custom span exporter or processors unless `metricReaders` are given.
   */
  metrics: z.boolean().optional(),
  /** How often metrics are exported over OTLP, in ms. */
  metricsIntervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
  /** Use these metric readers instead of OTLP/HTTP (e.g. a PeriodicExportingMetricReader on an InMemoryMetricExporter). */
  metricReaders: z.array(z.custom<sdkMetrics.MetricReader>(isReader, 'expected a MetricReader')).optional(),
  /**
   * `true` (default): start the OpenTelemetry Node SDK, registered globally, and shut it down with the gateway.
   * `false`: use the tracer provider the application registered itself.
   */
  startSdk: z.boolean().default(true),
  /**
   * Whether the SDK the plugin starts registers the async context manager (AsyncLocalStorage).
   * The plugin builds every span with an explicit parent and needs none; registering it turns on
   * Node's promise hooks for the whole process, which cost about 4% of the gateway's CPU in the
   * benchmark. Turn it on when code in the same process relies on `context.active()` spanning
   * awaits. Default `false`.
   */
  asyncContext: z.boolean().default(false),
});

/** Options of the OpenTelemetry plugin, as written in a config. */
export type OtelOptions = z.input<typeof OtelOptionsSchema>;
/** Parsed options. */
export type ResolvedOtelOptions = z.output<typeof OtelOptionsSchema>;
