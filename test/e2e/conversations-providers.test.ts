/**
 * The Conversations flow on the Anthropic and Gemini emulators (strict about what
 * they receive): the upstream is given every earlier item of the conversation, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import conversations from '@switchyard/conversations';
import anthropicProvider from '@switchyard/provider-anthropic';
import geminiProvider from '@switchyard/provider-gemini';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startAnthropicEmulator, startGeminiEmulator, tempDbFile, type AnthropicEmulator, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';

const texts = (parts: unknown): string =>
  Array.isArray(parts) ? parts.map((p: { text?: string }) => p.text ?? '').join('') : typeof parts === 'string' ? parts : '';

describe('Conversations on the Anthropic and Gemini emulators', () => {
  let claude: AnthropicEmulator;
  let gemini: GeminiEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    claude = await startAnthropicEmulator();
    gemini = await startGeminiEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), conversations(), anthropicProvider(), geminiProvider()],
      models: [
        { name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: claude.origin, apiKey: claude.apiKey },
        { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: gemini.origin, apiKey: gemini.apiKey },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await claude.close();
    await gemini.close();
  });

  it('Anthropic: the second turn is sent the conversation item, turn 1 and its answer, in order (streamed and not)', async () => {
    const conv = await t.client.conversations.create({ metadata: { topic: 'robots' }, items: [{ type: 'message', role: 'user', content: 'My name is Ada.' }] });
    const r1 = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'Write a short story about a robot' });
    // the emulator echoes the last user message: Anthropic got Ada's item and this turn's input as one user turn
    expect(r1.output_text).toBe('echo: My name is Ada. Write a short story about a robot');
    const r2 = await t.client.responses.stream({ model: 'claude-sonnet', conversation: conv.id, input: 'Now write a poem about that robot' }).finalResponse();
    expect(r2.conversation).toEqual({ id: conv.id });
    const sent = claude.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    const partsOf = (c: unknown): string[] => (typeof c === 'string' ? [c] : (c as Array<{ text?: string }>).map((p) => p.text ?? ''));
    expect(sent.messages.map((m) => [m.role, partsOf(m.content)])).toEqual([
      ['user', ['My name is Ada.', 'Write a short story about a robot']],
      ['assistant', [r1.output_text]],
      ['user', ['Now write a poem about that robot']],
    ]);
    const items = [];
    for await (const item of t.client.conversations.items.list(conv.id, { order: 'asc' })) items.push(item);
    expect(items.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'user', 'assistant', 'user', 'assistant']);
  });

  it('Gemini: every earlier item reaches the model as user/model contents, in order', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'My name is Ada.' }, { type: 'message', role: 'assistant', content: 'Hello Ada.' }] });
    const r1 = await t.client.responses.create({ model: 'flash', conversation: conv.id, input: 'Write a short story about a robot' });
    await t.client.responses.stream({ model: 'flash', conversation: { id: conv.id }, input: 'Now write a poem about that robot' }).finalResponse();
    const sent = gemini.requests.at(-1)!.body as { contents: Array<{ role: string; parts: unknown[] }> };
    expect(sent.contents.map((c) => [c.role, texts(c.parts)])).toEqual([
      ['user', 'My name is Ada.'],
      ['model', 'Hello Ada.'],
      ['user', 'Write a short story about a robot'],
      ['model', r1.output_text],
      ['user', 'Now write a poem about that robot'],
    ]);
  });
});
