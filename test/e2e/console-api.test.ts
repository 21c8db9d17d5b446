/**
 * The console's endpoints behind the real auth plugin: capabilities per caller, the live
 * feed scoped to its owner (a key sees its own calls, the master key all), deployment health
 * for admins only, the page itself served without a key, batches detected from the routes,
 * and a console tab left open never holds up shutdown.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import consolePlugin, { CONTENT_SECURITY_POLICY } from '@switchyard/console';
import costTracker from '@switchyard/cost-tracker';
import { definePlugin } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-console-0123456789';
let t: TestGateway;
let keyA: string;
let keyB: string;

const as = (key: string | undefined) => (key ? { authorization: `Bearer ${key}` } : {});
const getJson = async (p: string, key?: string) => {
  const res = await fetch(`${t.origin}${p}`, { headers: as(key) });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0 });

/** Opens the live feed as `key`; `next()` resolves with the next call it sends. */
async function openLive(key: string) {
  const ac = new AbortController();
  const res = await fetch(`${t.origin}/console/api/live`, { headers: as(key), signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  const first = await reader.read();
  const ready = JSON.parse(first.value!.data) as { scope: string };
  return {
    ready,
    async next(): Promise<Record<string, unknown>> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('live feed ended');
        if (value.event === 'call') return JSON.parse(value.data) as Record<string, unknown>;
      }
    },
    close: () => ac.abort(),
  };
}

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker(), auth({ masterKey: MASTER, cacheTtlMs: 0 }), consolePlugin(), mockProvider()],
  });
  const gen = async () => {
    const res = await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { ...as(MASTER), 'content-type': 'application/json' }, body: '{}' });
    return ((await res.json()) as { key: string }).key;
  };
  [keyA, keyB] = [await gen(), await gen()];
});
afterAll(async () => {
  await t?.close();
});

describe('console API behind @switchyard/auth', () => {
  it('serves the page without a key, with a policy that allows this origin only', async () => {
    const res = await fetch(`${t.origin}/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await res.text();
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    expect(html).not.toMatch(/https?:\/\//); // nothing from elsewhere
    const js = await fetch(`${t.origin}${asset}`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const missing = await getJson('/ui/assets/nope.js');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'unknown_url']);
  });

  it('asks for a key on its API, and tells each caller what it may see', async () => {
    const anonymous = await getJson('/console/api/capabilities');
    expect([anonymous.status, anonymous.body.error.type]).toEqual([401, 'authentication_error']);
    const admin = await getJson('/console/api/capabilities', MASTER);
    expect(admin.body).toMatchObject({
      object: 'console.capabilities',
      auth: { enabled: true, loopback_only: false, admin: true },
      views: { sessions: true, spend: true, budgets: true, deployments: true, batches: false, live: true },
      trace: false,
    });
    const a = await getJson('/console/api/capabilities', keyA);
    expect(a.body.auth).toMatchObject({ enabled: true, admin: false, key_id: expect.any(String) });
    expect(a.body.views.deployments).toBe(false);
    expect((await getJson('/console/api/deployments', keyA)).status).toBe(403);
    const health = await getJson('/console/api/deployments', MASTER);
    expect(health.body.data.find((d: { id: string }) => d.id === 'mock/echo')).toMatchObject({ provider: 'mock', upstream_model: 'echo', inflight: 0, cooling: false });
  });

  it('sends each key only its own calls live, and the master key every call', async () => {
    const [liveA, liveB, liveAdmin] = [await openLive(keyA), await openLive(keyB), await openLive(MASTER)];
    expect([liveA.ready.scope, liveAdmin.ready.scope]).toEqual(['own', 'all']);
    try {
      const a = await client(keyA).chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'from a' }], metadata: { session_id: 'live-a' } }).withResponse();
      const b = await client(keyB).chat.completions.create({ model: 'mock/lorem', max_tokens: 4, messages: [{ role: 'user', content: 'from b' }] }).withResponse();
      const idA = a.response.headers.get('x-request-id');
      const idB = b.response.headers.get('x-request-id');
      // B's feed has B's call first: A's call, made before it, never reached B
      expect((await liveB.next()).request_id).toBe(idB);
      expect(await liveA.next()).toMatchObject({ request_id: idA, session_id: 'live-a', model: 'mock/echo', status: 200, outcome: 'ok', output_tokens: 2 });
      expect([(await liveAdmin.next()).request_id, (await liveAdmin.next()).request_id]).toEqual([idA, idB]);
      // the live row names the call as the sessions API does
      const session = await getJson('/v1/sessions/live-a', keyA);
      const third = await client(keyA).chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'again' }], metadata: { session_id: 'live-a' } });
      void third;
      const live = await liveA.next();
      const after = await getJson('/v1/sessions/live-a', keyA);
      expect(after.body.calls.map((c: { id: string }) => c.id)).toEqual([session.body.calls[0].id, live.id]);
    } finally {
      for (const l of [liveA, liveB, liveAdmin]) l.close();
    }
  });
});

describe('console without an auth plugin', () => {
  it('says the gateway is open to this machine only, detects a batches API, and its live feed ends at shutdown', async () => {
    const batches = definePlugin({
      name: 'test-batches-route',
      apply(g) {
        g.addRoute({ method: 'GET', path: '/v1/batches', handler: () => ({ body: { object: 'list', data: [] } }) });
      },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-console-open-'));
    const open = await createTestGateway({ dataDir: dir, plugins: [sqliteStore({ file: path.join(dir, 'db.sqlite') }), sessionTracker(), consolePlugin(), batches, mockProvider()] });
    const caps = (await (await fetch(`${open.origin}/console/api/capabilities`)).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(caps.auth).toEqual({ enabled: false, loopback_only: true, admin: false, key_id: null });
    expect(caps.views).toMatchObject({ sessions: true, spend: false, batches: true, deployments: true });
    const res = await fetch(`${open.origin}/console/api/live`);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready');
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    // an open console tab must not count as a call the shutdown has to wait for and cut
    const report = await open.gateway.close({ timeoutMs: 20_000 });
    expect(report).toMatchObject({ cut: 0, backgroundCut: 0, closed: true });
    expect(await ended).toBe(true);
  });

  it('shows a deployment that failed cooling down, with its error, and the other healthy', async () => {
    // cost-based: the cheaper (failing) deployment is tried first, then the call falls over
    const g = await createTestGateway({
      router: { strategy: 'cost-based', retries: 1, allowedFails: 0, cooldownMs: 60_000 },
      plugins: [consolePlugin(), mockProvider()],
      models: [
        { name: 'flaky', provider: 'mock', model: 'error-500', inputCostPerToken: 1e-9, outputCostPerToken: 1e-9 },
        { name: 'flaky', provider: 'mock', model: 'echo', inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 },
      ],
    });
    try {
      const { response } = await g.client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'x' }] }).withResponse();
      expect(response.headers.get('x-switchyard-deployment')).toBe('flaky#1');
      const body = (await (await fetch(`${g.origin}/console/api/deployments`)).json()) as { strategy: string; data: Array<Record<string, unknown>> };
      expect(body.strategy).toBe('cost-based');
      const [bad, good] = ['flaky#0', 'flaky#1'].map((id) => body.data.find((d) => d.id === id)!);
      expect(bad).toMatchObject({ cooling: true, cooling_until: expect.any(Number), last_error: expect.stringContaining('500'), upstream_model: 'error-500' });
      expect(good).toMatchObject({ cooling: false, cooling_until: null, requests_last_minute: 1, upstream_model: 'echo' });
      expect(good.latency_ms).toEqual(expect.any(Number));
    } finally {
      await g.close();
    }
  });

  it('names the plugin to add when the console is not loaded', async () => {
    const g = await createTestGateway({ plugins: [mockProvider()] });
    try {
      for (const p of ['/ui', '/console/api/capabilities']) {
        const res = await fetch(`${g.origin}${p}`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect([res.status, body.error.code]).toEqual([404, 'unknown_url']);
        expect(body.error.message).toContain('served by the plugin @switchyard/console, which is not loaded');
      }
    } finally {
      await g.close();
    }
  });

  it('answers 503 naming the build command when the page was not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'sy-console-unbuilt-'));
    const g = await createTestGateway({ plugins: [consolePlugin({ staticDir: empty }), mockProvider()] });
    try {
      const res = await fetch(`${g.origin}/ui`);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, body.error.code]).toEqual([503, 'console_not_built']);
      expect(body.error.message).toContain('npm run build:web -w @switchyard/console');
    } finally {
      await g.close();
    }
  });
});
