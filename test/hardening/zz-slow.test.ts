import { it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import costTracker from '@switchyard/cost-tracker';
import { createTestGateway, tempDbFile } from '@switchyard/test-kit';
it('x', async () => {
  const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), responses(), costTracker(), mockProvider()], server: { bodyLimit: '1mb' }, storePrompts: true });
  const cases: Record<string,string> = {
    bigS: JSON.stringify({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'x '.repeat(400_000) }] }),
    bigL: JSON.stringify({ model: 'mock/lorem', max_tokens: 65000, stream: true, messages: [{ role: 'user', content: 'x' }] }),
  };
  for (const [k, body] of Object.entries(cases)) {
    for (const p of ['/v1/chat/completions']) {
      for (let i = 0; i < 3; i++) {
    const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();
    const t0 = performance.now();
    const r = await fetch(t.origin + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await r.text(); await t.gateway.flush();
    h.disable();
    console.log(k, p, r.status, (performance.now() - t0).toFixed(1), 'max stall', (h.max/1e6).toFixed(1));
      }
    }
  }
  await t.close();
});
