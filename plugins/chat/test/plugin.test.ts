/**
 * Chat completions as a plugin, over real HTTP with the official openai SDK: the core loads
 * `@switchyard/chat` unless a plugin provides `chat`; a plugin that does replaces the route
 * and the operation.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin, type ChatCompletion } from '@switchyard/core';
import { createTestGateway, mockProvider } from '@switchyard/test-kit';
import { chat } from '../src/index.js';

const ask = { model: 'mock/echo', messages: [{ role: 'user' as const, content: 'hello chat' }] };

describe('@switchyard/chat', () => {
  it('is loaded by the core when no plugin provides chat: JSON and streams, gateway.call, not listed among the config’s plugins', async () => {
    const t = await createTestGateway({ plugins: [mockProvider()] });
    const r = await t.client.chat.completions.create(ask);
    expect(r.choices[0]!.message.content).toBe('hello chat');
    expect(r.model).toBe('mock/echo');
    let streamed = '';
    for await (const c of await t.client.chat.completions.create({ ...ask, stream: true })) streamed += c.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('hello chat');
    const out = await t.gateway.call({ body: ask });
    expect(out.type === 'completion' && out.body.choices[0]!.message.content).toBe('hello chat');
    expect(t.gateway.plugins.map((p) => p.name)).toEqual(['@switchyard/provider-mock']);
    expect(t.gateway.routes).toContainEqual({ method: 'POST', path: '/v1/chat/completions' });
    await t.close();
  });

  it('listed by hand it is loaded once, and listed', async () => {
    const t = await createTestGateway({ plugins: [chat(), mockProvider()] });
    expect((await t.client.chat.completions.create(ask)).choices[0]!.message.content).toBe('hello chat');
    expect(t.gateway.plugins.map((p) => p.name)).toEqual(['@switchyard/chat', '@switchyard/provider-mock']);
    await t.close();
  });

  it('a plugin that provides chat replaces it: its route answers, and with no chat operation registered gateway.call is a coded 400', async () => {
    const canned: ChatCompletion = {
      id: 'chatcmpl-acme',
      object: 'chat.completion',
      created: 1,
      model: 'acme',
      choices: [{ index: 0, message: { role: 'assistant', content: 'from acme', refusal: null }, finish_reason: 'stop', logprobs: null }],
    };
    const acme = definePlugin({
      name: '@acme/chat',
      provides: ['chat'],
      apply: (api) => api.addRoute({ method: 'POST', path: '/v1/chat/completions', handler: () => ({ body: canned }) }),
    });
    const t = await createTestGateway({ plugins: [acme, mockProvider()] });
    expect((await t.client.chat.completions.create(ask)).choices[0]!.message.content).toBe('from acme');
    await expect(t.gateway.call({ body: ask })).rejects.toMatchObject({ status: 400, publicCode: 'operation_not_supported', message: expect.stringContaining('"chat"') });
    await t.close();
  });

  it('refuses options it does not know', () => {
    expect(() => chat({ stream: true } as never)).toThrow(/stream/);
  });
});
