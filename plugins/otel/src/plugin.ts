/**
 * The OpenTelemetry plugin: GenAI spans of every call, exported over OTLP/HTTP by the
 * OpenTelemetry Node SDK. Spans are built after the response was sent, from the call's
 * recorded timestamps, so tracing adds no work to the request path.
 */
import { definePlugin, GatewayError, parsePluginOptions, type GatewayPlugin } from '@switchyard/core';
import { OtelOptionsSchema, type OtelOptions } from './options.js';
import { startTelemetry, type Telemetry } from './sdk.js';
import { CallMetrics } from './metrics.js';
import { CallSpans, sessionTrace } from './spans.js';

const PLUGIN_NAME = '@switchyard/otel';
const VERSION = '0.1.0';

/** The OpenTelemetry plugin object. */
export interface OtelPlugin extends GatewayPlugin {
  /** Exports the spans buffered so far (e.g. before reading an in-memory exporter). */
  flush(): Promise<void>;
}

/**
 * Traces every call: a SERVER span per gateway request and a CLIENT span per upstream
 * attempt (`chat gpt-4o`), with the GenAI semantic-convention attributes, cost, and
 * sessions as one trace with `traceBy: 'session'`.
 *
 * @example
 * ```ts
 * import otel from '@switchyard/otel';
 * const gateway = await createGateway({
 *   plugins: [mockProvider(), otel({ endpoint: 'http://localhost:4318', traceBy: 'session' })],
 * });
 * ```
 */
export function otel(options?: OtelOptions): OtelPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OtelOptionsSchema, options);
  if (opts.traceUiUrl?.includes('{traceId}') && opts.traceBy !== 'session') {
    throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `${PLUGIN_NAME}: traceUiUrl with {traceId} needs traceBy: session (a session's trace id is known only then); or link by {sessionId}`);
  }
  let telemetry: Telemetry | undefined;
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    flush: async () => telemetry?.flush(),
    apply(gateway) {
      const t = (telemetry = startTelemetry(opts, gateway.diagnostics, PLUGIN_NAME, VERSION));
      const spans = new CallSpans({ out: t.out, traceBy: opts.traceBy, captureContent: opts.captureContent, sessionRoots: t.ownSdk });
      const meters = t.meter ? new CallMetrics(t.meter) : undefined;
      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
        spans.record(event);
        meters?.record(event);
      });
      const ui = opts.traceUiUrl;
      if (ui) {
        gateway.services.sessionTraceUrl = (sessionId) =>
          ui.replaceAll('{traceId}', sessionTrace(sessionId).traceId).replaceAll('{sessionId}', encodeURIComponent(sessionId));
      }
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        await t.shutdown();
        telemetry = undefined;
      });
    },
  });
}
