import { metrics as sdkMetrics } from '@opentelemetry/sdk-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway, mockProvider, sessionTracker } from '@switchyard/test-kit';
import otel from '@switchyard/otel';

describe('@switchyard/otel metrics', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('records token usage, operation duration, time to first chunk and request counters', async () => {
    const exporter = new sdkMetrics.InMemoryMetricExporter(sdkMetrics.AggregationTemporality.CUMULATIVE);
    const reader = new sdkMetrics.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const plugin = otel({ spanProcessors: [], metricReaders: [reader] });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), plugin] });
    const r = await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'count my tokens' }] });
    const s = await t.client.chat.completions.create({ model: 'mock/lorem', max_tokens: 6, stream: true, messages: [{ role: 'user', content: 'x' }] });
    for await (const _ of s) void _;
    await expect(t.client.chat.completions.create({ model: 'mock/error-500', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    await t.gateway.flush();
    await plugin.flush();

    const all = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const byName = (name: string) => all.filter((m) => m.descriptor.name === name).at(-1)!;
    type Point = { attributes: Record<string, unknown>; value: number | { count: number; sum?: number } };
    const points = (name: string) => byName(name).dataPoints as unknown as Point[];

    const tokens = points('gen_ai.client.token.usage');
    const echoInput = tokens.find((p) => p.attributes['gen_ai.request.model'] === 'echo' && p.attributes['gen_ai.token.type'] === 'input')!;
    expect(echoInput.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'mock', 'gen_ai.response.model': 'echo' });
    expect(echoInput.value).toMatchObject({ count: 1, sum: r.usage!.prompt_tokens });
    const loremOutput = tokens.find((p) => p.attributes['gen_ai.request.model'] === 'lorem' && p.attributes['gen_ai.token.type'] === 'output')!;
    expect(loremOutput.value).toMatchObject({ count: 1, sum: 6 });

    const durations = points('gen_ai.client.operation.duration');
    expect(durations.map((p) => p.attributes['gen_ai.request.model']).sort()).toEqual(['echo', 'error-500', 'lorem']);
    expect(durations.find((p) => p.attributes['gen_ai.request.model'] === 'error-500')!.attributes['error.type']).toBe('server_error');

    const ttfc = points('gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc.map((p) => p.attributes['gen_ai.request.model'])).toEqual(['lorem']);

    const requests = points('switchyard.gateway.requests');
    const total = requests.reduce((n, p) => n + (p.value as number), 0);
    expect(total).toBe(3);
    expect(requests.find((p) => p.attributes['http.response.status_code'] === 500)!.value).toBe(1);
  });
});
