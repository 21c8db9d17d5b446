import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import geminiProvider from '@switchyard/provider-gemini';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startGeminiEmulator, tempDbFile, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';

type Sent = { systemInstruction?: unknown; contents: Array<{ role: string; parts: unknown[] }> };

describe('Responses API bridged to Gemini (strict emulator)', () => {
  let emu: GeminiEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startGeminiEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), geminiProvider()],
      models: [{ name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey }],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it('rebuilds a chain as user/model contents, streams through the SDK helper', async () => {
    const r1 = await t.client.responses.create({ model: 'flash', input: 'first question' });
    expect(r1.output_text).toBe('echo: first question');
    const r2 = await t.client.responses
      .stream({ model: 'flash', instructions: 'answer briefly', input: 'second question', previous_response_id: r1.id })
      .finalResponse();
    expect(r2.output_text).toBe('echo: second question');
    const sent = emu.requests.at(-1)!.body as Sent;
    expect(sent.systemInstruction).toEqual({ parts: [{ text: 'answer briefly' }] });
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(r2.usage!.input_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call (function_call out, function_call_output in)', async () => {
    const tools = [{ type: 'function' as const, name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }];
    const r1 = await t.client.responses.create({ model: 'flash', input: 'look it up', tools });
    const call = r1.output.find((o) => o.type === 'function_call');
    if (!call || call.type !== 'function_call') throw new Error('expected a function call');
    const r2 = await t.client.responses.create({
      model: 'flash',
      previous_response_id: r1.id,
      tools,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"answer":7}' }],
    });
    expect(r2.output_text).toMatch(/^tool result: /);
    expect(r2.output_text).toContain('7');
  });
});
