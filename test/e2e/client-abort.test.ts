/**
 * A client that hangs up while the upstream is still working is recorded as a 499
 * (client_closed_request), not as an internal error: the benchmark found every
 * load-generator stop logged as a 500.
 */
import { definePlugin, type CallEvent } from '@switchyard/core';
import openai from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator } from '@switchyard/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const emu = await startOpenAIEmulator();
afterAll(() => emu.close());

describe('client hang-up before the upstream answers', () => {
  it('logs a 499 client_closed_request and reports no internal error', async () => {
    let logged: (e: CallEvent) => void = () => {};
    const event = new Promise<CallEvent>((resolve) => (logged = resolve));
    const spy = definePlugin({ name: 'spy', apply: (g) => void g.hooks.log.tapPromise('spy', async (e) => logged(e)) });
    const t = await createTestGateway({
      plugins: [openai(), spy],
      models: [{ name: 'slow', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      emu.fault({ hang: true }); // the upstream is still working when the client goes
      const ac = new AbortController();
      const request = fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }),
        signal: ac.signal,
      });
      await emu.received(1);
      ac.abort();
      await expect(request).rejects.toThrow();
      const e = await event;
      expect(e.outcome).toBe('error');
      expect(e.status).toBe(499);
      expect(e.error?.publicCode).toBe('client_closed_request');
      expect(t.diagnostics.messages.filter((m) => m.level === 'error')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
