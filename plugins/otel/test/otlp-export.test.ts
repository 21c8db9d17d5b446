import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import { createTestGateway, startOtlpReceiver, type OtlpReceiver, mockProvider, sessionTracker } from '@switchyard/test-kit';
import otel, { sessionTrace } from '@switchyard/otel';

const fixedCost = definePlugin({
  name: 'fixed-cost',
  apply(gateway) {
    gateway.hooks.cost.tapPromise('fixed-cost', async (event) => {
      event.ctx.cost = 0.002;
    });
  },
});

describe('@switchyard/otel exporting over OTLP/HTTP to a loopback receiver', () => {
  let rx: OtlpReceiver | undefined;
  const saved = { ...process.env };
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
    for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_HEADERS']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('a session of SDK calls arrives as one trace with the GenAI attributes, flushed on close', async () => {
    rx = await startOtlpReceiver();
    const t = await createTestGateway({
      plugins: [
        mockProvider(),
        sessionTracker(),
        fixedCost,
        otel({ endpoint: rx.endpoint, serviceName: 'switchyard-e2e', headers: { 'x-otlp-token': 'secret' }, traceBy: 'session' }),
      ],
    });
    const session = { headers: { 'x-session-id': 'e2e-run' } };
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'step one' }] }, session);
    const stream = await t.client.chat.completions.create({ model: 'mock/lorem', max_tokens: 3, stream: true, messages: [{ role: 'user', content: 'x' }] }, session);
    for await (const _ of stream) void _;
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'step three' }] }, session);
    await t.close(); // shuts the SDK down: the batch is exported before close() returns

    expect(rx.requests.length).toBeGreaterThan(0);
    expect(rx.requests.every((r) => r.contentType === 'application/json' && r.headers['x-otlp-token'] === 'secret')).toBe(true);
    const spans = rx.spans;
    expect(spans).toHaveLength(7); // session root + 3 × (SERVER + CLIENT)
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([sessionTrace('e2e-run').traceId]));
    expect(spans.every((s) => s.resource['service.name'] === 'switchyard-e2e')).toBe(true);
    expect(spans.every((s) => s.attributes['session.id'] === 'e2e-run' && s.attributes['gen_ai.conversation.id'] === 'e2e-run')).toBe(true);

    const servers = spans.filter((s) => s.kind === 2);
    const clients = spans.filter((s) => s.kind === 3);
    expect(servers.map((s) => s.name).sort()).toEqual(['chat mock/echo', 'chat mock/echo', 'chat mock/lorem']);
    expect(clients.map((s) => s.name).sort()).toEqual(['chat echo', 'chat echo', 'chat lorem']);
    const lorem = clients.find((s) => s.name === 'chat lorem')!;
    expect(lorem.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'lorem',
      'gen_ai.response.model': expect.any(String),
      'gen_ai.response.id': expect.any(String),
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'switchyard.cost.usd': 0.002,
    });
    for (const c of clients) expect(servers.map((s) => s.spanId)).toContain(c.parentSpanId);
    // metrics are flushed at shutdown too
    const usage = rx.metrics.filter((m) => m.name === 'gen_ai.client.token.usage').flatMap((m) => m.points);
    const output = usage.filter((p) => p.attributes['gen_ai.token.type'] === 'output' && p.attributes['gen_ai.request.model'] === 'lorem');
    expect(output).toHaveLength(1);
    expect(output[0]!.sum).toBe(3);
    expect(rx.metrics.some((m) => m.name === 'gen_ai.client.operation.duration')).toBe(true);
    expect(rx.metrics.find((m) => m.name === 'switchyard.gateway.requests')!.points.reduce((n, p) => n + (p.value ?? 0), 0)).toBe(3);
    const root = spans.find((s) => s.name === 'session e2e-run')!;
    expect(root.spanId).toBe(sessionTrace('e2e-run').spanId);
    for (const s of servers) expect(s.parentSpanId).toBe(root.spanId);
  });

  it('takes endpoint, headers and service name from the standard OTEL_* variables', async () => {
    rx = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = rx.endpoint;
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-env-token=abc';
    const t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), otel()] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'env' }] });
    await t.close();
    expect(rx.spans).toHaveLength(2);
    expect(rx.spans.every((s) => s.resource['service.name'] === 'from-env')).toBe(true);
    expect(rx.requests[0]!.headers['x-env-token']).toBe('abc');
  });
});
