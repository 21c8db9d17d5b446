/**
 * Setting up export: the OpenTelemetry Node SDK with an OTLP/HTTP exporter (or the span
 * exporter/processors given), an id generator that can pin the ids of a session's root
 * span, and a clean shutdown that leaves the globals free for the next SDK.
 */
import { context, metrics, propagation, ProxyTracerProvider, trace, type Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { metrics as sdkMetrics, NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '@switchyard/core';
import type { ResolvedOtelOptions } from './options.js';
import { SyncContextManager } from './sync-context.js';
import { DirectOut, TracerOut, type SpanOut } from './span-out.js';

/**
 * An id generator that hands out pinned ids once (for a session's root span), random ids otherwise.
 *
 * @example
 * ```ts
 * ids.pin({ traceId, spanId });
 * const root = tracer.startSpan('session s-1', { root: true }); // gets traceId and spanId
 * ```
 */
export class PinnableIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #traceId: string | undefined;
  #spanId: string | undefined;

  /** The next root span started gets these ids. */
  pin(ids: { traceId: string; spanId: string }): void {
    this.#traceId = ids.traceId;
    this.#spanId = ids.spanId;
  }

  generateTraceId(): string {
    const id = this.#traceId ?? this.#random.generateTraceId();
    this.#traceId = undefined;
    return id;
  }

  generateSpanId(): string {
    const id = this.#spanId ?? this.#random.generateSpanId();
    this.#spanId = undefined;
    return id;
  }
}

/** The tracing the plugin runs on. */
export interface Telemetry {
  /** Where finished spans go. */
  out: SpanOut;
  /** Present when metrics are on. */
  meter?: Meter;
  /** Whether the plugin's own SDK runs (then a session's root span is emitted, with the derived ids). */
  ownSdk: boolean;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes and stops the SDK the plugin started; a no-op otherwise. */
  shutdown(): Promise<void>;
}

/**
 * The OTLP traces URL for a configured endpoint: `/v1/traces` appended unless present.
 *
 * @example
 * ```ts
 * tracesUrl('http://collector:4318'); // 'http://collector:4318/v1/traces'
 * ```
 */
export function tracesUrl(endpoint: string): string {
  return signalUrl(endpoint, 'traces');
}

function signalUrl(endpoint: string, signal: 'traces' | 'metrics'): string {
  const base = endpoint.replace(/\/+$/, '').replace(/\/v1\/(traces|metrics)$/, '');
  return `${base}/v1/${signal}`;
}

/**
 * Whether the environment configures what only the SDK's spans apply: a sampler, span
 * limits, resource detectors. Then spans go through the SDK's tracer.
 */
function sdkSpansWanted(): boolean {
  const env = process.env;
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  if (sampler && sampler !== 'parentbased_always_on') return true;
  if (env.OTEL_NODE_RESOURCE_DETECTORS?.trim() || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return true;
  return Object.keys(env).some((k) => /^OTEL_(SPAN_)?(ATTRIBUTE|EVENT|LINK)_/.test(k) && env[k]?.trim());
}

/**
 * The resource the Node SDK would build: its defaults, the given attributes, then what the
 * env, process and host detectors find, then the service name.
 */
function plannedResource(attributes: ResolvedOtelOptions['resourceAttributes'], serviceName: string): Resource {
  const given = attributes ? defaultResource().merge(resourceFromAttributes(attributes)) : defaultResource();
  return given
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
}

/** Whether metrics are exported, from the options and `OTEL_METRICS_EXPORTER`. */
function metricsEnabled(opts: ResolvedOtelOptions): boolean {
  if (opts.metrics !== undefined) return opts.metrics;
  if (opts.metricReaders) return true;
  if (opts.spanExporter || opts.spanProcessors) return false;
  return !(process.env.OTEL_METRICS_EXPORTER ?? '').split(',').map((s) => s.trim()).includes('none');
}

function metricReaders(opts: ResolvedOtelOptions): sdkMetrics.MetricReader[] {
  if (!metricsEnabled(opts)) return [];
  if (opts.metricReaders) return opts.metricReaders;
  const exporter = new OTLPMetricExporter({
    ...(opts.endpoint ? { url: signalUrl(opts.endpoint, 'metrics') } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  return [new sdkMetrics.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: opts.metricsIntervalMs })];
}

type Flushable = { forceFlush?: () => Promise<void> };

/** The registered tracer provider behind the API's proxy. */
const registeredProvider = (): Flushable => {
  const p = trace.getTracerProvider();
  return (p instanceof ProxyTracerProvider ? p.getDelegate() : p) as Flushable;
};

/**
 * Starts tracing for the plugin.
 *
 * @example
 * ```ts
 * const telemetry = startTelemetry(opts, gateway.diagnostics, 'switchyard', '0.1.0');
 * ```
 */
export function startTelemetry(opts: ResolvedOtelOptions, diagnostics: Diagnostics, scope: string, version: string): Telemetry {
  const registered = trace.getTracerProvider();
  // a fresh proxy delegates to the API's no-op provider: the same delegate means nothing is registered
  const someoneElses = !(registered instanceof ProxyTracerProvider) || registered.getDelegate() !== new ProxyTracerProvider().getDelegate();
  if (!opts.startSdk || someoneElses) {
    if (opts.startSdk) diagnostics.info('a tracer provider is already registered; spans go to it (the plugin starts no SDK)');
    const provider = registeredProvider();
    return {
      out: new TracerOut(trace.getTracer(scope, version)),
      ownSdk: false,
      ...(opts.metrics !== false ? { meter: metrics.getMeter(scope, version) } : {}),
      flush: async () => provider.forceFlush?.(),
      shutdown: async () => provider.forceFlush?.(),
    };
  }

  const serviceName = opts.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'switchyard';
  const exporter = opts.spanProcessors
    ? undefined
    : (opts.spanExporter ?? new OTLPTraceExporter({ ...(opts.endpoint ? { url: tracesUrl(opts.endpoint) } : {}), ...(opts.headers ? { headers: opts.headers } : {}) }));
  // finished spans go straight to the batch processor unless the SDK's own span machinery is asked for
  const direct = exporter !== undefined && !sdkSpansWanted();
  const resource = direct ? plannedResource(opts.resourceAttributes, serviceName) : undefined;
  // sized by OTEL_BSP_*, as the one the Node SDK would make
  const batch = exporter ? new BatchSpanProcessor(exporter) : undefined;
  const ids = direct ? undefined : new PinnableIdGenerator();
  const sdk = new NodeSDK({
    serviceName,
    ...(resource ? { resource, autoDetectResources: false } : opts.resourceAttributes ? { resource: resourceFromAttributes(opts.resourceAttributes) } : {}),
    spanProcessors: opts.spanProcessors ?? [batch!],
    ...(ids ? { idGenerator: ids } : {}),
    metricReaders: metricReaders(opts),
    instrumentations: [],
    textMapPropagator: null,
    logRecordProcessors: [],
    // spans get explicit parents; the async manager is opt-in (see the asyncContext option)
    ...(opts.asyncContext ? {} : { contextManager: new SyncContextManager() }),
  });
  sdk.start();
  const provider = registeredProvider();
  const meterProvider = metricsEnabled(opts) ? (metrics.getMeterProvider() as Flushable) : undefined;
  return {
    out: direct ? new DirectOut(batch!, { resource: resource!, instrumentationScope: { name: scope, version } }) : new TracerOut(trace.getTracer(scope, version), ids),
    ownSdk: true,
    ...(meterProvider ? { meter: metrics.getMeter(scope, version) } : {}),
    flush: async () => {
      await provider.forceFlush?.();
      await meterProvider?.forceFlush?.();
    },
    async shutdown() {
      try {
        await sdk.shutdown();
      } finally {
        // free the globals so that a later SDK (the next gateway in this process) can register
        trace.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
