/**
 * @switchyard/otel: OpenTelemetry GenAI tracing of calls and sessions.
 */
import { otel } from './plugin.js';

export { otel } from './plugin.js';
export type { OtelPlugin } from './plugin.js';
export { OtelOptionsSchema } from './options.js';
export type { OtelOptions, ResolvedOtelOptions } from './options.js';
export { CallSpans, sessionTrace, incomingParent } from './spans.js';
export type { SpanBuilderOptions } from './spans.js';
export { startTelemetry, tracesUrl, PinnableIdGenerator } from './sdk.js';
export type { Telemetry } from './sdk.js';
export { CallMetrics } from './metrics.js';
export { providerName, errorType, PROVIDER_NAMES } from './attributes.js';
export default otel;
