/**
 * A client that hangs up while the upstream is still working is recorded as a 499
 * (client_closed_request), not as an internal error: the benchmark found every
 * load-generator stop logged as a 500.
 */
import { definePlugin, type CallEvent } from '@switchyard/core';
import openai from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator } from '@switchyard/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const emu = await startOpenAIEmulator({ latencyMs: 1_000 });
afterAll(() => emu.close());

describe('client hang-up before the upstream answers', () => {
  it('logs a 499 client_closed_request and reports no internal error', async () => {
    const events: CallEvent[] = [];
    const spy = definePlugin({ name: 'spy', apply: (g) => void g.hooks.log.tapPromise('spy', async (e) => void events.push(e)) });
    const t = await createTestGateway({
      plugins: [openai(), spy],
      models: [{ name: 'slow', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      const body = JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] });
      const request = fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(200),
      });
      await expect(request).rejects.toThrow();
      await expect.poll(() => emu.requests.length).toBe(1);
      await expect.poll(async () => (await t.gateway.flush(), events.length), { timeout: 5_000 }).toBe(1);
      expect(events[0]!.outcome).toBe('error');
      expect(events[0]!.status).toBe(499);
      expect(events[0]!.error?.publicCode).toBe('client_closed_request');
      expect(t.diagnostics.messages.filter((m) => m.level === 'error')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
