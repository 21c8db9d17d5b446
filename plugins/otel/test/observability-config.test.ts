import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway, loadConfigFile, memoryDiagnostics } from '@switchyard/core';
import { startOtlpReceiver } from '@switchyard/test-kit';
import { sessionTrace } from '@switchyard/otel';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('one config: cost, console logging and OpenTelemetry', () => {
  it('a session of SDK calls shows its cost per call in headers, its total in /spend/report, and one trace at the OTLP receiver', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-observability-'));
    const otlp = await startOtlpReceiver();
    try {
      const { config } = await loadConfigFile({ configPath: path.join(here, 'fixtures', 'observability.yaml') });
      const callLog = path.join(dir, 'calls.log');
      const gateway = await createGateway(config as object, {
        configDir: path.join(here, 'fixtures'),
        env: { DATA_DIR: dir, CALL_LOG: callLog, OTLP_ENDPOINT: otlp.endpoint },
        diagnostics: memoryDiagnostics(),
      });
      const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
      const client = new OpenAI({ apiKey: 'sk-agent', baseURL: url, maxRetries: 0 });

      const costs: number[] = [];
      const ids: string[] = [];
      for (const step of ['plan the trip', 'book the train', 'summarise']) {
        const { data, response } = await client.chat.completions
          .create({ model: 'assistant', messages: [{ role: 'user', content: step }] }, { headers: { 'x-session-id': 'agent-42' } })
          .withResponse();
        const cost = Number(response.headers.get('x-switchyard-response-cost'));
        expect(cost).toBeCloseTo(data.usage!.prompt_tokens * 1e-6 + data.usage!.completion_tokens * 2e-6, 12);
        costs.push(cost);
        ids.push(data.id);
      }

      const report = (await (await fetch(`${url.slice(0, -3)}/spend/report?group_by=session`)).json()) as {
        data: Array<{ group: string; requests: number; cost: number }>;
      };
      const session = report.data.find((r) => r.group === 'agent-42')!;
      expect(session.requests).toBe(3);
      expect(session.cost).toBeCloseTo(costs.reduce((a, b) => a + b, 0), 9);

      await gateway.close(); // flushes the console log and the OTel SDK

      // one trace for the session, with the GenAI attributes and each call's cost
      const expected = sessionTrace('agent-42');
      expect(otlp.spans.length).toBe(7);
      expect(new Set(otlp.spans.map((s) => s.traceId))).toEqual(new Set([expected.traceId]));
      const clients = otlp.spans.filter((s) => s.kind === 3);
      expect(clients.map((s) => s.name)).toEqual(['chat echo', 'chat echo', 'chat echo']);
      expect(clients.map((s) => s.attributes['gen_ai.response.id'])).toEqual(ids);
      clients.forEach((s, i) => {
        expect(s.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'mock',
          'gen_ai.request.model': 'echo',
          'gen_ai.conversation.id': 'agent-42',
          'session.id': 'agent-42',
          'gen_ai.usage.input_tokens': expect.any(Number),
          'gen_ai.usage.output_tokens': expect.any(Number),
        });
        expect(s.attributes['switchyard.cost.usd']).toBeCloseTo(costs[i]!, 12);
        expect(s.resource['service.name']).toBe('llm-gateway');
      });

      // one console line per call with session, model, status, tokens and cost, no prompts
      const lines = (await readFile(callLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(3);
      lines.forEach((l, i) => {
        expect(l).toMatchObject({ sessionId: 'agent-42', model: 'assistant', status: 200, provider: 'mock', responseId: ids[i] });
        expect(l.cost).toBeCloseTo(costs[i]!, 12);
      });
      expect(lines.some((l) => JSON.stringify(l).includes('book the train'))).toBe(false);
    } finally {
      await otlp.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
