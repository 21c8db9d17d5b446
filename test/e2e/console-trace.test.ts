/**
 * A session's trace link: `@switchyard/otel` with `traceBy: session` and a `traceUiUrl` offers
 * it, the console's API answers it, and it names the trace the session's spans are in.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import consolePlugin from '@switchyard/console';
import otel from '@switchyard/otel';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile } from '@switchyard/test-kit';

it("links a session to the trace its calls' spans are in", async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = otel({ spanProcessors: [new SimpleSpanProcessor(exporter)], traceBy: 'session', traceUiUrl: 'http://127.0.0.1:16686/trace/{traceId}' });
  const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), tracing, consolePlugin(), mockProvider()] });
  try {
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'traced' }], metadata: { session_id: 'traced-session' } });
    await t.gateway.flush();
    await tracing.flush(); // exports waiting on async resource attributes
    const caps = (await (await fetch(`${t.origin}/console/api/capabilities`)).json()) as { trace: boolean };
    expect(caps.trace).toBe(true);
    const link = (await (await fetch(`${t.origin}/console/api/trace?session=traced-session`)).json()) as { url: string };
    const traceIds = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    expect(link.url).toBe(`http://127.0.0.1:16686/trace/${[...traceIds][0]}`);
    const missing = await fetch(`${t.origin}/console/api/trace`);
    expect([missing.status, ((await missing.json()) as { error: { param: string } }).error.param]).toEqual([400, 'session']);
  } finally {
    await t.close();
  }
});

it('refuses a trace UI URL by trace id without traceBy: session, at boot', () => {
  expect(() => otel({ spanProcessors: [], traceUiUrl: 'http://127.0.0.1:16686/trace/{traceId}' })).toThrow(/traceBy: session/);
  expect(() => otel({ spanProcessors: [], traceUiUrl: 'http://127.0.0.1:16686/trace/' })).toThrow(/\{traceId\} or \{sessionId\}/);
});
