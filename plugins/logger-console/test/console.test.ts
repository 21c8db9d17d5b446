import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import { createTestGateway, type TestGateway, mockProvider, sessionTracker } from '@switchyard/test-kit';
import consoleLogger from '@switchyard/logger-console';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records parsed from the wire are walked freely
type Json = Record<string, any>;

function collector() {
  const chunks: string[] = [];
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const lines = () => chunks.join('').split('\n').filter(Boolean);
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      const count = lines().length;
      for (const w of waiters.filter((x) => count >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      cb();
    },
  });
  /** Resolves once `n` lines were written. */
  const written = (n: number) => (lines().length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { stream, lines, written };
}

describe('@switchyard/logger-console', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('writes one JSON line per call with session, model, deployment, status, latency and tokens', async () => {
    const out = collector();
    t = await createTestGateway({ storePrompts: true, plugins: [mockProvider(), sessionTracker(), consoleLogger({ destination: out.stream, pretty: false })] });
    const r = await t.client.chat.completions.create(
      { model: 'mock/echo', messages: [{ role: 'user', content: 'hello logger' }], user: 'end-user-1' },
      { headers: { 'x-session-id': 'sess-42' } },
    );
    await t.client.chat.completions.create({ model: 'mock/lorem', max_tokens: 3, stream: true, messages: [{ role: 'user', content: 'x' }] }).then(async (s) => {
      for await (const _ of s) void _;
    });
    await expect(t.client.chat.completions.create({ model: 'mock/error-500', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    await t.gateway.flush();

    const lines = out.lines().map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(3);
    const first = lines.find((l) => l.model === 'mock/echo')!;
    expect(first).toMatchObject({
      level: 'info',
      sessionId: 'sess-42',
      model: 'mock/echo',
      provider: 'mock',
      upstreamModel: 'echo',
      status: 200,
      outcome: 'ok',
      stream: false,
      endUser: 'end-user-1',
      responseId: r.id,
      inputTokens: r.usage!.prompt_tokens,
      outputTokens: r.usage!.completion_tokens,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
    expect(first.msg).toMatch(/^chat mock\/echo 200 \d+ms$/);
    expect(first.deployment).toEqual(expect.any(String));
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    expect(first.ttftMs).toBeLessThanOrEqual(first.latencyMs);
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(first.request.messages[0].content).toBe('hello logger');
    expect(first.response.choices[0].message.content).toBe('hello logger');

    const streamed = lines.find((l) => l.model === 'mock/lorem')!;
    expect(streamed).toMatchObject({ stream: true, status: 200, outputTokens: 3 });
    expect(streamed.response.choices[0].message.content).toBe('lorem ipsum dolor');

    const failed = lines.find((l) => l.model === 'mock/error-500')!;
    expect(failed).toMatchObject({ level: 'error', status: 500, outcome: 'error' });
    expect(failed.error.message).toContain('mock error 500');
  });

  it('redact: true leaves prompts and responses out', async () => {
    const out = collector();
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), consoleLogger({ destination: out.stream, pretty: false, redact: true })] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'top secret prompt' }] });
    await t.gateway.flush();
    const [line] = out.lines();
    expect(line).toBeDefined();
    expect(line).not.toContain('top secret prompt');
    const parsed = JSON.parse(line!) as Record<string, unknown>;
    expect(parsed.request).toBeUndefined();
    expect(parsed.response).toBeUndefined();
    expect(parsed.outputTokens).toBe(3);
  });

  it('pretty: true writes one human-readable line per call', async () => {
    const out = collector();
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), consoleLogger({ destination: out.stream, pretty: true, redact: true })] });
    await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'pretty please' }] });
    await t.gateway.flush();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('chat mock/echo 200');
    expect(lines[0]).toContain('INFO');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('a throwing logger beside it does not fail the call, and the console line is still written', async () => {
    const out = collector();
    const broken = definePlugin({
      name: 'broken-logger',
      apply(gateway) {
        gateway.hooks.log.tapPromise('broken-logger', async () => {
          throw new Error('logger exploded');
        });
      },
    });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), broken, consoleLogger({ destination: out.stream, pretty: false })] });
    const r = await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'still fine' }] });
    expect(r.choices[0]!.message.content).toBe('still fine');
    await t.gateway.flush();
    expect(out.lines()).toHaveLength(1);
    expect(t.diagnostics.messages.some((m) => `${m.message} ${(m.detail as Error | undefined)?.message ?? ""}`.includes("logger exploded"))).toBe(true);
  });
  it('a slow logger holds back neither responses nor the other loggers', async () => {
    const out = collector();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let slowFinished = 0;
    const slow = definePlugin({
      name: 'slow-logger',
      apply(gateway) {
        gateway.hooks.log.tapPromise('slow-logger', async () => {
          await gate;
          slowFinished++;
        });
      },
    });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), slow, consoleLogger({ destination: out.stream, pretty: false, redact: true })] });
    const r = await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'not blocked' }] });
    expect(r.choices[0]!.message.content).toBe('not blocked');
    const stream = await t.client.chat.completions.create({ model: 'mock/lorem', max_tokens: 2, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const words: string[] = [];
    for await (const c of stream) words.push(c.choices[0]?.delta.content ?? '');
    expect(words.join('')).toBe('lorem ipsum');
    // both responses are complete and the console lines written while the slow logger still waits
    await out.written(2);
    expect(out.lines()).toHaveLength(2);
    expect(slowFinished).toBe(0);
    release();
    await t.gateway.flush();
    expect(slowFinished).toBe(2);
  });
});
