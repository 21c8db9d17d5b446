/**
 * Streams give their upstream connection back to the pool: a provider that stops reading at
 * `[DONE]` must not make the gateway open a new connection for every stream (the benchmark
 * found one TCP connect per streamed call).
 */
import dc from 'node:diagnostics_channel';
import openai from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator } from '@switchyard/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const emu = await startOpenAIEmulator({ chunkDelayMs: 5 }); // paced: the body ends after `[DONE]` is read
afterAll(() => emu.close());

describe('upstream keep-alive', () => {
  it('reuses one upstream connection for sequential streamed and non-streamed calls', async () => {
    let upstreamConnects = 0;
    const onConnect = (msg: unknown) => {
      if (Number((msg as { connectParams: { port: string | number } }).connectParams.port) === emu.port) upstreamConnects++;
    };
    dc.subscribe('undici:client:connected', onConnect);
    // upstream responses that ended: read to their end (the connection is free for the next
    // call) or given up (the connection is lost, which the connect count below catches)
    let completed = 0;
    let onComplete: (() => void) | undefined;
    const onEnded = (msg: unknown) => {
      if ((msg as { request: { origin: string } }).request.origin === emu.origin) {
        completed++;
        onComplete?.();
      }
    };
    dc.subscribe('undici:request:trailers', onEnded);
    dc.subscribe('undici:request:error', onEnded);
    const upstreamEnded = (n: number) =>
      new Promise<void>((resolve) => {
        onComplete = () => completed >= n && resolve();
        onComplete();
      });
    const t = await createTestGateway({
      plugins: [openai()],
      models: [{ name: 'm', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      for (let i = 0; i < 10; i++) {
        const stream = await t.client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: `hi ${i}` }] });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        expect(text).toBe(`echo: hi ${i}`);
        await upstreamEnded(i + 1); // the upstream body ends after `[DONE]`: wait for its end, not for a time
      }
      const r = await t.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'last' }] });
      expect(r.choices[0]!.message.content).toBe('echo: last');
      expect(upstreamConnects).toBe(1);
    } finally {
      dc.unsubscribe('undici:client:connected', onConnect);
      dc.unsubscribe('undici:request:trailers', onEnded);
      dc.unsubscribe('undici:request:error', onEnded);
      await t.close();
    }
  });
});
