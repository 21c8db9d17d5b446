/**
 * What plugins see of a call over real HTTP (openai SDK → gateway → OpenAI emulator): the
 * streamed aggregate observers get, a client that abandons a stream, and what a client is
 * told when a plugin fails with an internal error.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { definePlugin, GatewayError, type CallEvent, type ChatCompletion } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import openaiProvider from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

/** Records what postCall and log see, and lets a test wait for the next logged call. */
function spy() {
  const postCalls: ChatCompletion[] = [];
  const logs: CallEvent[] = [];
  let waiting: ((e: CallEvent) => void) | undefined;
  const plugin = definePlugin({
    name: 'spy',
    apply(g) {
      g.hooks.postCall.tapPromise('spy', async (res) => {
        postCalls.push(structuredClone(res));
        return res;
      });
      g.hooks.log.tapPromise('spy', async (e) => {
        logs.push(e);
        waiting?.(e);
      });
    },
  });
  return { plugin, postCalls, logs, nextLog: () => new Promise<CallEvent>((resolve) => (waiting = resolve)) };
}

describe('plugins see calls over HTTP', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  const s = spy();
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    const secretive = definePlugin({
      name: 'secretive',
      apply: (g) =>
        g.hooks.preCall.tapPromise('secretive', async (req) => {
          if (req.model === 'internal-500') throw new GatewayError('GW_ERR_INTERNAL', 'connect to postgres://admin:hunter2@db failed');
          if (req.model === 'status-500') throw new GatewayError('GW_ERR_PLUGIN', 'vault token s.hunter2 expired', { status: 500 });
          return undefined;
        }),
    });
    t = await createTestGateway({
      plugins: [openaiProvider(), mockProvider(), s.plugin, secretive],
      models: [
        { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
        { name: 'internal-500', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
        { name: 'status-500', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.reset();
    s.postCalls.length = 0;
    s.logs.length = 0;
  });

  it('gives postCall and log a streamed tool call whole, though its arguments arrive in pieces', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const logged = s.nextLog();
    const stream = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, tools, messages: [{ role: 'user', content: 'find the weather in Paris' }] });
    const fragments: string[] = [];
    for await (const c of stream) for (const tc of c.choices[0]?.delta.tool_calls ?? []) if (tc.function?.arguments) fragments.push(tc.function.arguments);
    expect(fragments.length).toBeGreaterThan(1); // the emulator splits the arguments
    const event = await logged;
    const whole = { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup', arguments: '{"q":"find the weather in Paris"}' } };
    expect(s.postCalls).toHaveLength(1);
    expect(s.postCalls[0]!.choices[0]!.message.tool_calls).toEqual([whole]);
    expect(s.postCalls[0]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(event.response!.choices[0]!.message.tool_calls).toEqual([whole]);
  });

  /** Starts a stream over raw HTTP, reads until `until` arrived, then hangs up. */
  async function abandon(body: Record<string, unknown>, until: string) {
    const ac = new AbortController();
    const res = await fetch(`${t.origin}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = '';
    while (!received.includes(until)) received += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
  }

  it('logs a stream the client abandons while chunks still flow as a 499', async () => {
    const logged = s.nextLog();
    // far more than socket buffers hold: the gateway is still sending when the client goes
    await abandon({ model: 'mock/lorem', max_tokens: 60_000, messages: [{ role: 'user', content: 'x' }] }, 'lorem');
    const event = await logged;
    expect(event).toMatchObject({ outcome: 'error', status: 499, error: { publicCode: 'client_closed_request' } });
    expect(t.diagnostics.messages.filter((m) => m.level === 'error')).toEqual([]);
  });

  it('logs a stream the client abandons while upstream is silent as a 499, with the chunks it was sent', async () => {
    emu.fault({ stallAfterEvents: 2 }); // the role chunk and "echo:", then nothing until the client goes
    const logged = s.nextLog();
    await abandon({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one two three' }] }, 'echo:');
    const event = await logged;
    expect(event).toMatchObject({ outcome: 'error', status: 499, error: { publicCode: 'client_closed_request' } });
    expect(event.response!.choices[0]!.message.content).toBe('echo:');
    expect(t.diagnostics.messages.filter((m) => m.level === 'error')).toEqual([]);
  });

  it.each([
    ['internal-500', 'hunter2'],
    ['status-500', 'hunter2'],
  ])('answers an internal error thrown by a plugin (%s) with the generic message, never its own', async (model, secret) => {
    for (const stream of [false, true]) {
      const err = (await t.client.chat.completions.create({ model, stream, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(500);
      expect(err.error).toEqual({ message: expect.stringMatching(/^The gateway had an internal error \(request req_\w+\)\.$/), type: 'server_error', param: null, code: null });
      expect(JSON.stringify(err.error)).not.toContain(secret);
    }
    // the full message is for the operator: in diagnostics, not on the wire
    expect(t.diagnostics.messages.some((m) => m.level === 'error' && String((m.detail as Error | undefined)?.message).includes(secret))).toBe(true);
    expect(emu.requests).toHaveLength(0);
  });
});
