/**
 * A loopback OTLP/HTTP receiver for tests: accepts `POST /v1/traces` and `/v1/metrics` in
 * the OTLP/JSON encoding (what the `exporter-*-otlp-http` exporters send) and keeps every
 * span and metric, flattened, with its resource attributes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One received span, flattened from the OTLP/JSON envelope. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status?: { code?: number; message?: string };
  links: Array<{ traceId: string; spanId: string }>;
  /** Attributes of the resource that exported the span (`service.name`, ...). */
  resource: Record<string, unknown>;
  scope?: string;
}

/** One received metric (OTLP/JSON), with its data points as sent. */
export interface ReceivedMetric {
  name: string;
  unit?: string;
  /** Data points of the metric's sum, gauge or histogram, attributes flattened. */
  points: Array<{ attributes: Record<string, unknown>; value?: number; count?: number; sum?: number }>;
  resource: Record<string, unknown>;
}

/** A running OTLP receiver. */
export interface OtlpReceiver {
  /** Base endpoint, e.g. `http://127.0.0.1:4318` (the exporter appends `/v1/traces`). */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Every metric received so far (`POST /v1/metrics`), in arrival order. */
  metrics: ReceivedMetric[];
  /** Headers of every export request. */
  requests: Array<{ headers: http.IncomingHttpHeaders; contentType: string | undefined }>;
  close(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.kvlistValue) return attributesOf(v.kvlistValue.values);
  return v.bytesValue;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  links?: Array<{ traceId: string; spanId: string }>;
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}

/**
 * Flattens an OTLP/JSON `ExportTraceServiceRequest`.
 *
 * @example
 * ```ts
 * const spans = spansOf(JSON.parse(body));
 * ```
 */
export function spansOf(req: ExportTraceServiceRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(s.startTimeUnixNano),
          endTimeUnixNano: String(s.endTimeUnixNano),
          attributes: attributesOf(s.attributes),
          status: s.status,
          links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
          resource,
          scope: ss.scope?.name,
        });
      }
    }
  }
  return out;
}

interface OtlpPoint {
  attributes?: KeyValue[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
  sum?: number;
}
interface ExportMetricsServiceRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: Array<{
      metrics?: Array<{ name: string; unit?: string } & Partial<Record<'sum' | 'gauge' | 'histogram', { dataPoints?: OtlpPoint[] }>>>;
    }>;
  }>;
}

/**
 * Flattens an OTLP/JSON `ExportMetricsServiceRequest`.
 *
 * @example
 * ```ts
 * const metrics = metricsOf(JSON.parse(body));
 * ```
 */
export function metricsOf(req: ExportMetricsServiceRequest): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const resource = attributesOf(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const data = m.sum ?? m.gauge ?? m.histogram;
        out.push({
          name: m.name,
          unit: m.unit,
          resource,
          points: (data?.dataPoints ?? []).map((p) => ({
            attributes: attributesOf(p.attributes),
            ...(p.asInt !== undefined ? { value: Number(p.asInt) } : p.asDouble !== undefined ? { value: p.asDouble } : {}),
            ...(p.count !== undefined ? { count: Number(p.count), sum: p.sum } : {}),
          })),
        });
      }
    }
  }
  return out;
}

/**
 * Starts an OTLP/HTTP receiver on a free loopback port. Protobuf bodies are refused with
 * 415 (configure the exporter for JSON, the default of exporter-trace-otlp-http).
 *
 * @example
 * ```ts
 * const otlp = await startOtlpReceiver();
 * // plugins: [otel({ endpoint: otlp.endpoint })]
 * await vi.waitFor(() => expect(otlp.spans.length).toBeGreaterThan(0));
 * await otlp.close();
 * ```
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = req.headers['content-type']?.split(';')[0]?.trim();
      requests.push({ headers: req.headers, contentType });
      const path = req.url?.split('?')[0];
      if (req.method !== 'POST' || (path !== '/v1/traces' && path !== '/v1/metrics')) {
        res.writeHead(404).end();
        return;
      }
      if (contentType !== 'application/json') {
        res.writeHead(415, { 'content-type': 'application/json' }).end('{"message":"only OTLP/JSON is accepted"}');
        return;
      }
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (path === '/v1/traces') spans.push(...spansOf(body as ExportTraceServiceRequest));
        else metrics.push(...metricsOf(body as ExportMetricsServiceRequest));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"bad OTLP/JSON"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
