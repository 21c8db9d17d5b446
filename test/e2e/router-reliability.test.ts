/**
 * Reliability on the router: retries, cooldowns, retry-after, fallbacks, context-window
 * fallbacks, streams after their first chunk, per-request timeouts, and a deployment process
 * killed in the middle of a load run. OpenAI emulators on loopback, the official openai SDK.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig, RouterConfig } from '@switchyard/core';
import openaiProvider from '@switchyard/provider-openai';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startEmulatorProcess, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

const hi = [{ role: 'user' as const, content: 'hi there' }];
const dep = (emu: { baseURL: string; apiKey: string }, id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  name: 'gpt',
  id,
  provider: 'openai',
  model: 'gpt-4o',
  apiBase: emu.baseURL,
  apiKey: emu.apiKey,
  ...extra,
});
const gateway = (models: ModelConfig[], router: RouterConfig): Promise<TestGateway> => createTestGateway({ plugins: [openaiProvider()], models, router });
const servedBy = async (t: TestGateway, model = 'gpt', extra: Record<string, unknown> = {}) => {
  const { data, response } = await t.client.chat.completions.create({ model, messages: hi, ...extra }).withResponse();
  return { data, deployment: response.headers.get('x-switchyard-deployment'), attempts: Number(response.headers.get('x-switchyard-attempts')), fallbacks: response.headers.get('x-switchyard-fallbacks') };
};

describe('router reliability', () => {
  let a: OpenAIEmulator;
  let b: OpenAIEmulator;
  beforeAll(async () => {
    [a, b] = await Promise.all([startOpenAIEmulator(), startOpenAIEmulator()]);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  it('retries a failed attempt on another deployment, and says so in the headers', async () => {
    a.reset();
    b.reset();
    const t = await gateway([dep(a, 'a'), dep(b, 'b')], { retries: 1, cooldownMs: 0 });
    a.fault({ status: 503, times: 1000 }); // a always fails (no cooldown: it stays in the shuffle)
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await servedBy(t));
    expect(results.every((r) => r.deployment === 'b' && r.data.choices[0]!.message.content === 'echo: hi there')).toBe(true);
    // the calls that tried a first took two attempts (a 1-in-a-million chance that none did)
    expect(results.some((r) => r.attempts === 2)).toBe(true);
    expect(results.filter((r) => r.attempts === 2)).toHaveLength(a.requests.length);
    await t.close();
  });

  it('cools a deployment answering 500s down after allowedFails, moves the traffic, and lets it back after cooldownMs', async () => {
    a.reset();
    b.reset();
    const t = await gateway([dep(a, 'a'), dep(b, 'b')], { retries: 1, allowedFails: 2, cooldownMs: 400 });
    a.fault({ status: 500, times: 1000 });
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) seen.push((await servedBy(t)).deployment!);
    expect(seen.every((d) => d === 'b')).toBe(true); // every call answered, by b
    const aTries = a.requests.length;
    expect(aTries).toBeLessThanOrEqual(4); // a was tried until it cooled down (3 fails), then skipped
    const health = (await (await fetch(`${t.origin}/health`)).json()) as { deployments: Array<{ id: string; healthy: boolean; last_error: string | null }> };
    expect(health.deployments.find((d) => d.id === 'a')).toMatchObject({ healthy: false, last_error: expect.stringContaining('500') });
    a.reset(); // a is well again
    await new Promise((r) => setTimeout(r, 450)); // the cooldown is a time: wait it out
    const after: string[] = [];
    for (let i = 0; i < 30; i++) after.push((await servedBy(t)).deployment!);
    expect(after).toContain('a');
    await t.close();
  });

  it("honours a 429's retry-after before retrying the same deployment", async () => {
    a.reset();
    const t = await gateway([dep(a, 'a')], { retries: 1 });
    a.fault({ status: 429, headers: { 'retry-after-ms': '300' } });
    const started = Date.now();
    const r = await servedBy(t);
    expect(r.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // a wait longer than maxRetryAfterMs ends the retries: the client gets the 429 at once
    const strict = await gateway([dep(a, 'a')], { retries: 3, maxRetryAfterMs: 1000 });
    a.fault({ status: 429, headers: { 'retry-after': '60' } });
    const err = (await strict.client.chat.completions.create({ model: 'gpt', messages: hi }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('60');
    await Promise.all([t.close(), strict.close()]);
  });

  it('falls back to another model group when every deployment fails, and to the context-window fallback on a context-too-long error', async () => {
    a.reset();
    b.reset();
    const t = await gateway(
      [dep(a, 'a'), dep(b, 'backup', { name: 'backup' }), dep(b, 'big', { name: 'big-window' })],
      { retries: 1, fallbacks: { gpt: ['backup'] }, contextWindowFallbacks: { gpt: ['big-window'] } },
    );
    a.fault({ status: 502, times: 2 });
    const fell = await servedBy(t);
    expect(fell).toMatchObject({ deployment: 'backup', fallbacks: '1' });
    expect(fell.data.model).toBe('gpt'); // the model the client asked for
    a.fault({ status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
    expect(await servedBy(t)).toMatchObject({ deployment: 'big', fallbacks: '1', attempts: 2 });
    // any other 400 is the request's fault: no retry, no fallback
    a.fault({ status: 400, body: { error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature', code: null } } });
    const err = (await t.client.chat.completions.create({ model: 'gpt', messages: hi }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(400);
    await t.close();
  });

  it("tries a model's fallbacks in their configured order, and router.defaultFallbacks for a model without its own", async () => {
    a.reset();
    b.reset();
    const t = await gateway(
      [dep(a, 'a'), dep(a, 'solo', { name: 'solo' }), dep(b, 'second', { name: 'second' }), dep(b, 'third', { name: 'third' })],
      { retries: 0, fallbacks: { gpt: ['second', 'third'] }, defaultFallbacks: ['third'] },
    );
    a.fault({ status: 503 });
    expect(await servedBy(t)).toMatchObject({ deployment: 'second', fallbacks: '1', attempts: 2 }); // the first listed, not the default
    a.fault({ status: 503 });
    b.fault({ status: 503 });
    expect(await servedBy(t)).toMatchObject({ deployment: 'third', fallbacks: '2', attempts: 3 }); // then the next, in order
    // `solo` names no fallbacks: the default ones apply
    a.fault({ status: 503 });
    expect(await servedBy(t, 'solo')).toMatchObject({ deployment: 'third', fallbacks: '1', attempts: 2 });
    await t.close();
  });

  it('retries a stream that failed before its first chunk, never one that failed after it', async () => {
    a.reset();
    b.reset();
    const t = await gateway([dep(a, 'a'), dep(b, 'b')], { retries: 2, strategy: 'least-busy' });
    a.fault({ status: 503 });
    b.fault({ status: 503 });
    const ok = await t.client.chat.completions.create({ model: 'gpt', messages: hi, stream: true });
    let text = '';
    for await (const c of ok) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: hi there');
    a.reset();
    b.reset();
    a.fault({ dropAfterEvents: 2 });
    b.fault({ dropAfterEvents: 2 });
    const cut = await t.client.chat.completions.create({ model: 'gpt', messages: hi, stream: true });
    const err = await (async () => {
      try {
        for await (const _ of cut) void _;
      } catch (e) {
        return e as InstanceType<typeof OpenAI.APIError>;
      }
    })();
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(a.requests.length + b.requests.length).toBe(1); // one attempt: the first chunk had gone out
    await t.close();
  });

  it('applies a per-request timeout (body timeout in seconds, or the x-switchyard-timeout header) to each attempt', async () => {
    const slow = await startOpenAIEmulator({ latencyMs: 300 });
    const t = await gateway([dep(slow, 'slow')], { retries: 0 });
    const err = (await t.client.chat.completions.create({ model: 'gpt', messages: hi, timeout: 0.1 } as never).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    const viaHeader = (await t.client.chat.completions.create({ model: 'gpt', messages: hi }, { headers: { 'x-switchyard-timeout': '0.1' } }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(viaHeader.status).toBe(504);
    expect((await servedBy(t)).deployment).toBe('slow'); // no timeout: it answers
    // the timeout field is the gateway's: the upstream never sees it
    expect(slow.requests.every((r) => (r.body as Record<string, unknown>).timeout === undefined)).toBe(true);
    await t.close();
    await slow.close();
  });

  it('keeps every attempt of a call in the call log (sessions API)', async () => {
    a.reset();
    b.reset();
    const t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), openaiProvider()],
      models: [dep(a, 'a', { name: 'first' }), dep(b, 'b', { name: 'second' })],
      router: { retries: 0, fallbacks: { first: ['second'] } },
    });
    a.fault({ status: 503 });
    await t.client.chat.completions.create({ model: 'first', messages: hi }, { headers: { 'x-session-id': 'attempts' } });
    const session = (await (await fetch(`${t.origin}/v1/sessions/attempts`)).json()) as { calls: Array<{ deployment: string; attempts: Array<{ deployment: string; status: number; error: string | null }> }> };
    expect(session.calls[0]!.deployment).toBe('b');
    expect(session.calls[0]!.attempts).toMatchObject([
      { deployment: 'a', status: 503 },
      { deployment: 'b', status: 200, error: null },
    ]);
    await t.close();
  });

  it('num_retries in the body overrides router.retries for that call', async () => {
    a.reset();
    const t = await gateway([dep(a, 'a')], { retries: 0 });
    a.fault({ status: 500 });
    const r = await servedBy(t, 'gpt', { num_retries: 1 });
    expect(r.attempts).toBe(2);
    await t.close();
  });
});

describe('a deployment killed in the middle of a load run', () => {
  it('costs the clients no error while the other deployments can answer', { timeout: 120_000 }, async () => {
    const procs = await Promise.all([startEmulatorProcess(), startEmulatorProcess(), startEmulatorProcess()]);
    const t = await gateway(
      procs.map((p, i) => dep(p, `p${i}`)),
      { retries: 2, allowedFails: 1, cooldownMs: 300 },
    );
    let running = true;
    let ok = 0;
    const errors: string[] = [];
    const served = new Map<string, number>();
    const worker = async () => {
      while (running) {
        try {
          const r = await servedBy(t);
          ok++;
          served.set(r.deployment!, (served.get(r.deployment!) ?? 0) + 1);
        } catch (e) {
          errors.push(String((e as Error).message));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const until = async (n: number) => {
      const target = ok + n;
      while (ok < target) await new Promise((r) => setTimeout(r, 10));
    };
    await until(100);
    await procs[0]!.kill(); // SIGKILL: connections reset, new ones refused
    await until(200);
    const whileDown = served.get('p0') ?? 0;
    await procs[0]!.start();
    await new Promise((r) => setTimeout(r, 400)); // the cooldown ends
    await until(300);
    running = false;
    await Promise.all(workers);
    await t.close();
    await Promise.all(procs.map((p) => p.stop()));
    expect(errors).toEqual([]);
    expect(served.get('p0')!).toBeGreaterThan(whileDown); // back in rotation after the restart
  });
});
