import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, startAnthropicEmulator, type AnthropicEmulator, type TestGateway } from '@switchyard/test-kit';

type Sent = { system?: unknown; messages: Array<{ role: string; content: unknown }> };

describe('Responses API bridged to Anthropic (strict emulator)', () => {
  let emu: AnthropicEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startAnthropicEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), anthropicProvider()],
      models: [{ name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: emu.origin, apiKey: emu.apiKey }],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it('rebuilds a 3-turn chain as alternating Anthropic messages with the instructions as system', async () => {
    const r1 = await t.client.responses.create({ model: 'claude-sonnet', input: 'who is Michael Jordan' });
    expect(r1.output_text).toBe('echo: who is Michael Jordan');
    const r2 = await t.client.responses.create({ model: 'claude-sonnet', input: 'tell me more about him', previous_response_id: r1.id });
    const r3 = await t.client.responses.create({ model: 'claude-sonnet', instructions: 'be brief', input: 'and his teams?', previous_response_id: r2.id });
    expect(r3.output_text).toBe('echo: and his teams?');
    const sent = emu.requests.at(-1)!.body as Sent;
    expect(sent.system).toBe('be brief'); // this call's instructions, nothing else
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.stringify(sent.messages)).toContain('tell me more about him');
    expect(r3.usage!.input_tokens).toBeGreaterThan(r1.usage!.input_tokens);
  });

  it('streams through the SDK helper and round-trips a tool call', async () => {
    const tools = [{ type: 'function' as const, name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }];
    const r1 = await t.client.responses.stream({ model: 'claude-sonnet', input: 'find the score', tools }).finalResponse();
    const call = r1.output.find((o) => o.type === 'function_call');
    if (!call || call.type !== 'function_call') throw new Error('expected a function call');
    const r2 = await t.client.responses.create({
      model: 'claude-sonnet',
      previous_response_id: r1.id,
      tools,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '42-40' }],
    });
    expect(r2.output_text).toBe('tool result: 42-40');
    const sent = emu.requests.at(-1)!.body as Sent;
    expect(JSON.stringify(sent.messages.at(-1))).toContain('tool_result');
  });
});
