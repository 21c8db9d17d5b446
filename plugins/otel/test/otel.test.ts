import { context, createContextKey, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import { createTestGateway, type TestGateway, mockProvider, sessionTracker } from '@switchyard/test-kit';
import otel, { sessionTrace, type OtelOptions } from '@switchyard/otel';

const ask = (content: string, model = 'mock/echo') => ({ model, messages: [{ role: 'user' as const, content }] });

/** Prices every call at a fixed figure, as a cost plugin would (cost runs before log). */
const fixedCost = definePlugin({
  name: 'fixed-cost',
  apply(gateway) {
    gateway.hooks.cost.tapPromise('fixed-cost', async (event) => {
      event.ctx.cost = 0.0125;
    });
  },
});

/**
 * Both ways out: finished spans straight to the plugin's batch processor (`spanExporter`, the
 * default with OTLP), and SDK spans through the tracer (`spanProcessors`).
 */
const WAYS = [
  { way: 'finished spans to the batch processor (spanExporter)', options: (e: InMemorySpanExporter): OtelOptions => ({ spanExporter: e }) },
  { way: 'SDK spans through the tracer (spanProcessors)', options: (e: InMemorySpanExporter): OtelOptions => ({ spanProcessors: [new SimpleSpanProcessor(e)] }) },
];

describe.each(WAYS)('@switchyard/otel with an in-memory exporter: $way', ({ options: way }) => {
  let t: TestGateway | undefined;
  let exporter: InMemorySpanExporter;
  let plugin: ReturnType<typeof otel>;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function boot(options: OtelOptions = {}) {
    exporter = new InMemorySpanExporter();
    plugin = otel({ ...way(exporter), ...options });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), fixedCost, plugin] });
    return t;
  }
  const spans = async () => {
    await t!.gateway.flush(); // log observers done
    await plugin.flush(); // exports waiting on async resource attributes done
    return exporter.getFinishedSpans();
  };
  const servers = (list: ReadableSpan[]) => list.filter((s) => s.kind === SpanKind.SERVER);
  const clients = (list: ReadableSpan[]) => list.filter((s) => s.kind === SpanKind.CLIENT);

  it('records a SERVER span and a CLIENT span `chat <model>` with the GenAI attributes', async () => {
    const { client } = await boot();
    const r = await client.chat.completions.create({ ...ask('trace me'), max_tokens: 50, temperature: 0.2 }, { headers: { 'x-session-id': 'sess-a' } });
    const list = await spans();
    expect(list).toHaveLength(2);
    const [server] = servers(list);
    const [upstream] = clients(list);
    expect(server!.name).toBe('chat mock/echo');
    expect(server!.attributes['gen_ai.response.model']).toBe(r.model);
    expect(r.model).toBe('mock/echo');
    expect(upstream!.name).toBe('chat echo');
    expect(upstream!.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    expect(upstream!.spanContext().traceId).toBe(server!.spanContext().traceId);
    expect(upstream!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'echo',
      'gen_ai.response.model': 'echo', // what the upstream said; the client sees the public name
      'gen_ai.response.id': r.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': r.usage!.prompt_tokens,
      'gen_ai.usage.output_tokens': r.usage!.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.request.stream': false,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'switchyard.cost.usd': 0.0125,
      'gen_ai.conversation.id': 'sess-a',
      'session.id': 'sess-a',
      'http.response.status_code': 200,
    });
    expect(server!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'mock/echo',
      'gen_ai.provider.name': 'mock',
      'gen_ai.response.id': r.id,
      'gen_ai.usage.output_tokens': r.usage!.completion_tokens,
      'switchyard.cost.usd': 0.0125,
      'session.id': 'sess-a',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
    });
    expect(server!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(upstream!.attributes['gen_ai.output.messages']).toBeUndefined();
    // explicit times from the call: the upstream attempt lies inside the gateway request
    const ns = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    expect(ns(upstream!.startTime) >= ns(server!.startTime)).toBe(true);
    expect(ns(upstream!.endTime) <= ns(server!.endTime)).toBe(true);
  });

  it('streams record time to first chunk; failed attempts record error.type and an error status', async () => {
    const { client } = await boot();
    const stream = await client.chat.completions.create({ ...ask('x', 'mock/lorem'), max_tokens: 4, stream: true });
    for await (const _ of stream) void _;
    await expect(client.chat.completions.create(ask('x', 'mock/error-429'))).rejects.toThrow();
    await expect(client.chat.completions.create(ask('x', 'mock/error-500'))).rejects.toThrow();
    const list = await spans();

    const streamed = clients(list).find((s) => s.name === 'chat lorem')!;
    expect(streamed.attributes['gen_ai.request.stream']).toBe(true);
    expect(streamed.attributes['gen_ai.usage.output_tokens']).toBe(4);
    expect(streamed.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
    expect(streamed.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));

    const limited = clients(list).find((s) => s.name === 'chat error-429')!;
    expect(limited.attributes['error.type']).toBe('rate_limit_exceeded');
    expect(limited.status.code).toBe(SpanStatusCode.ERROR);
    expect(servers(list).find((s) => s.name === 'chat mock/error-429')!.status.code).toBe(SpanStatusCode.UNSET); // 4xx: the gateway worked

    const failed = clients(list).find((s) => s.name === 'chat error-500')!;
    expect(failed.attributes['error.type']).toBe('server_error');
    expect(failed.attributes['http.response.status_code']).toBe(500);
    const failedServer = servers(list).find((s) => s.name === 'chat mock/error-500')!;
    expect(failedServer.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedServer.attributes['error.type']).toBe('server_error');
  });

  it('captureContent: true records prompts and completions', async () => {
    const { client } = await boot({ captureContent: true });
    await client.chat.completions.create(ask('the prompt text'));
    const [upstream] = clients(await spans());
    expect(JSON.parse(String(upstream!.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', content: 'the prompt text' }]);
    expect(JSON.parse(String(upstream!.attributes['gen_ai.output.messages']))[0]).toMatchObject({ role: 'assistant', content: 'the prompt text', finish_reason: 'stop' });
  });

  it("traceBy: 'session' puts three calls of a session in one trace derived from the session id", async () => {
    const { client } = await boot({ traceBy: 'session' });
    for (const word of ['one', 'two', 'three']) await client.chat.completions.create(ask(word), { headers: { 'x-session-id': 'agent-run-1' } });
    await client.chat.completions.create({ ...ask('other'), metadata: { session_id: 'agent-run-2' } });
    await client.chat.completions.create(ask('no session'));
    const list = await spans();
    const expected = sessionTrace('agent-run-1');

    const run1 = list.filter((s) => s.attributes['session.id'] === 'agent-run-1');
    expect(run1.length).toBe(7); // root + 3 × (SERVER + CLIENT)
    expect(new Set(run1.map((s) => s.spanContext().traceId))).toEqual(new Set([expected.traceId]));
    const roots = run1.filter((s) => s.name === 'session agent-run-1');
    expect(roots).toHaveLength(1);
    expect(roots[0]!.spanContext().spanId).toBe(expected.spanId);
    expect(roots[0]!.parentSpanContext).toBeUndefined();
    for (const s of servers(run1)) {
      expect(s.parentSpanContext?.spanId).toBe(expected.spanId);
      expect(s.attributes['gen_ai.conversation.id']).toBe('agent-run-1');
    }

    const run2 = servers(list).filter((s) => s.attributes['session.id'] === 'agent-run-2');
    expect(run2).toHaveLength(1);
    expect(run2[0]!.spanContext().traceId).toBe(sessionTrace('agent-run-2').traceId);
    const loose = servers(list).find((s) => s.attributes['session.id'] === undefined)!;
    expect([expected.traceId, sessionTrace('agent-run-2').traceId]).not.toContain(loose.spanContext().traceId);
    expect(loose.parentSpanContext).toBeUndefined();
  });

  it('honours an incoming traceparent', async () => {
    const { client } = await boot();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await client.chat.completions.create(ask('joined'), { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    await client.chat.completions.create(ask('bad header'), { headers: { traceparent: 'garbage' } });
    const list = await spans();
    const joined = servers(list).find((s) => s.spanContext().traceId === traceId)!;
    expect(joined).toBeDefined();
    expect(joined.parentSpanContext?.spanId).toBe(parentId);
    expect(clients(list).filter((s) => s.spanContext().traceId === traceId)).toHaveLength(1);
    const fresh = servers(list).filter((s) => s.spanContext().traceId !== traceId);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.parentSpanContext).toBeUndefined();
  });

  it('a traceparent with the sampled flag off is honoured: nothing is exported for that call', async () => {
    const { client } = await boot();
    await client.chat.completions.create(ask('unsampled'), { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' } });
    expect(await spans()).toHaveLength(0);
  });

  it('registers a synchronous context manager unless asyncContext is on (no promise hooks for every await)', async () => {
    const key = createContextKey('switchyard-test');
    const activeAfterAwait = () =>
      context.with(context.active().setValue(key, 'set'), async () => {
        const inside = context.active().getValue(key);
        await new Promise((resolve) => setImmediate(resolve));
        return [inside, context.active().getValue(key)];
      });
    await boot();
    expect(await activeAfterAwait()).toEqual(['set', undefined]);
    await t!.close();
    t = undefined;
    await boot({ asyncContext: true });
    expect(await activeAfterAwait()).toEqual(['set', 'set']);
  });
});

describe('@switchyard/otel: both ways out export the same spans', () => {
  /** A call mix (success, stream, a 429, a 500, a session with a traceparent link), its spans by way. */
  async function spansOf(way: (typeof WAYS)[number]) {
    const exporter = new InMemorySpanExporter();
    const plugin = otel({ ...way.options(exporter), traceBy: 'session' });
    const t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), fixedCost, plugin] });
    try {
      await t.client.chat.completions.create({ ...ask('one'), max_tokens: 20, temperature: 0.5, stop: ['x'] }, { headers: { 'x-session-id': 'same-1' } });
      const stream = await t.client.chat.completions.create({ ...ask('x', 'mock/lorem'), max_tokens: 3, stream: true }, { headers: { 'x-session-id': 'same-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
      for await (const _ of stream) void _;
      await expect(t.client.chat.completions.create(ask('x', 'mock/error-429'))).rejects.toThrow();
      await expect(t.client.chat.completions.create(ask('x', 'mock/error-500'))).rejects.toThrow();
      await t.gateway.flush();
      await plugin.flush();
      return exporter.getFinishedSpans();
    } finally {
      await t.close();
    }
  }

  /** A span without what differs between runs (ids, times, ids in attributes), its parent named by index. */
  function shape(list: ReadableSpan[]) {
    const byId = new Map(list.map((s, i) => [s.spanContext().spanId, i]));
    const varying = new Set(['gen_ai.response.id', 'switchyard.request_id', 'gen_ai.response.time_to_first_chunk', 'switchyard.upstream.request_id']);
    return list
      .map((s) => ({
        name: s.name,
        kind: s.kind,
        status: s.status,
        parent: s.parentSpanContext ? (byId.has(s.parentSpanContext.spanId) ? list[byId.get(s.parentSpanContext.spanId)!]!.name : s.parentSpanContext.spanId) : null,
        sampled: s.spanContext().traceFlags,
        attributes: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => !varying.has(k))),
        links: s.links.map((l) => l.context.spanId),
        events: s.events,
        ended: s.ended,
        positive: s.duration[0] >= 0 && s.duration[1] >= 0,
        scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
        // the Node SDK may carry its own copy of @opentelemetry/resources: its version may differ
        resource: { ...s.resource.attributes, 'telemetry.sdk.version': typeof s.resource.attributes['telemetry.sdk.version'] },
      }))
      .sort((a, b) => `${a.kind}${a.name}${a.status.code}`.localeCompare(`${b.kind}${b.name}${b.status.code}`));
  }

  it('the same names, kinds, parents, statuses, attributes, links, scope and resource', async () => {
    const direct = await spansOf(WAYS[0]!);
    const sdk = await spansOf(WAYS[1]!);
    expect(direct).toHaveLength(9); // session root + 4 × (SERVER + CLIENT)
    expect(shape(direct)).toEqual(shape(sdk));
    expect(direct.every((s) => s.constructor.name === 'FinishedSpan')).toBe(true);
    expect(sdk.some((s) => s.constructor.name === 'FinishedSpan')).toBe(false);
  });
});

describe('@switchyard/otel: what only SDK spans apply', () => {
  afterEach(() => {
    delete process.env.OTEL_TRACES_SAMPLER;
  });

  it('OTEL_TRACES_SAMPLER in the environment is honoured (spans then go through the SDK tracer)', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    const exporter = new InMemorySpanExporter();
    const plugin = otel({ spanExporter: exporter });
    const t = await createTestGateway({ plugins: [mockProvider(), plugin] });
    try {
      await t.client.chat.completions.create(ask('not sampled'));
      await t.gateway.flush();
      await plugin.flush();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});
