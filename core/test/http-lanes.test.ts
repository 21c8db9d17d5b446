/**
 * The direct lane (static paths, no Koa context) and the Koa lane must answer the same
 * request the same way: status, headers that matter, and body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway, definePlugin, GatewayError, memoryDiagnostics, type Gateway } from '../src/index.js';
import { fixedProvider, hi } from './helpers.js';

async function serve(listener: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Answer {
  status: number;
  type: string | null;
  length: string | null;
  requestId: string | null;
  body: string;
}

async function ask(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(base + path, init);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    requestId: res.headers.get('x-request-id'),
    body: await res.text(),
  };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('HTTP lanes', () => {
  let gateway: Gateway;
  let direct: Awaited<ReturnType<typeof serve>>;
  let koa: Awaited<ReturnType<typeof serve>>;
  const seen: string[] = [];

  beforeAll(async () => {
    const probe = definePlugin({
      name: 'probe',
      apply(g) {
        g.addRoute({ method: 'GET', path: '/v1/probe', handler: (req) => ({ body: { lane: 'any', query: req.query, path: req.path } }) });
        g.addRoute({ method: 'GET', path: '/v1/probe/:id', handler: (req) => ({ body: { id: req.params.id } }) });
        g.addRoute({ method: 'GET', path: '/v1/text', handler: () => ({ headers: { 'x-extra': '1' }, body: 'plain words' }) });
        g.addRoute({
          method: 'POST',
          path: '/v1/fails',
          handler: () => {
            throw new GatewayError('GW_ERR_RATE_LIMITED', 'slow down', { headers: { 'retry-after': '3' } });
          },
        });
        g.addRoute({ method: 'DELETE', path: '/v1/empty', handler: () => ({}) });
        g.hooks.authenticate.tapPromise('probe', async (req) => {
          seen.push(req.path);
          return req.headers.authorization === 'Bearer nope' ? Promise.reject(new GatewayError('GW_ERR_UNAUTHORIZED', 'bad key')) : {};
        });
      },
    });
    gateway = await createGateway({ plugins: [fixedProvider(), probe] }, { diagnostics: memoryDiagnostics() });
    direct = await serve(gateway.callback());
    koa = await serve(gateway.app.callback());
  });
  afterAll(async () => {
    await direct?.close();
    await koa?.close();
    await gateway?.close();
  });

  const same = async (path: string, init?: RequestInit) => {
    const headers = { 'x-request-id': 'req-lanes-1', ...(init?.headers as Record<string, string> | undefined) };
    const [a, b] = await Promise.all([ask(direct.url, path, { ...init, headers }), ask(koa.url, path, { ...init, headers })]);
    expect(a).toEqual(b);
    return a;
  };

  it('chat completions: same JSON, headers and request id', async () => {
    const a = await same('/v1/chat/completions', json(hi('lanes')));
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/json; charset=utf-8');
    expect(a.requestId).toBe('req-lanes-1');
    expect(JSON.parse(a.body).choices[0].message.content).toBe('fixed:lanes');
    expect(Number(a.length)).toBe(Buffer.byteLength(a.body));
    await same('/chat/completions', json(hi('no v1')));
  });

  it('chat completions streamed: same SSE frames', async () => {
    const a = await same('/v1/chat/completions', json({ ...hi('stream'), stream: true }));
    expect(a.type).toBe('text/event-stream; charset=utf-8');
    expect(a.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('bad input: same OpenAI-shaped errors with param', async () => {
    const bad = await same('/v1/chat/completions', json('{"model":'));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('invalid_json');
    const invalid = await same('/v1/chat/completions', json({ model: 'fixed/x', messages: [{ role: 'nobody', content: 'x' }] }));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.param).toBe('messages[0].role');
    const missing = await same('/v1/chat/completions', json(hi('x', 'nowhere/none')));
    expect(missing.status).toBe(404);
    const denied = await same('/v1/models', { headers: { authorization: 'Bearer nope' } });
    expect(denied.status).toBe(401);
  });

  it('errors thrown by routes keep their headers; strings, empty bodies and models answer alike', async () => {
    const res = await fetch(`${direct.url}/v1/fails`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    await same('/v1/fails', json({}));
    const text = await same('/v1/text');
    expect(text).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', body: 'plain words' });
    expect((await same('/v1/empty', { method: 'DELETE' })).status).toBe(204);
    expect(JSON.parse((await same('/v1/models')).body).object).toBe('list');
  });

  it('what the direct lane does not match exactly goes to Koa: queries, parameters, trailing slashes, HEAD, unknown URLs, wrong methods', async () => {
    expect(JSON.parse((await same('/v1/probe?limit=2')).body)).toEqual({ lane: 'any', query: { limit: '2' }, path: '/v1/probe' });
    expect(JSON.parse((await same('/v1/probe/abc')).body)).toEqual({ id: 'abc' });
    expect((await same('/v1/probe/')).status).toBe(200);
    expect((await same('/v1/models', { method: 'HEAD' })).status).toBe(200);
    const unknown = await same('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_url');
    expect((await same('/v1/chat/completions', { method: 'GET' })).status).toBe(405);
    expect(seen).toContain('/v1/probe');
  });

  it('static paths skip Koa entirely; the rest build a Koa context', async () => {
    const contexts = vi.spyOn(gateway.app, 'createContext');
    await ask(direct.url, '/v1/chat/completions', json(hi('direct')));
    await ask(direct.url, '/v1/models');
    expect(contexts).not.toHaveBeenCalled();
    await ask(direct.url, '/v1/models?x=1');
    await ask(direct.url, '/v1/probe/abc');
    expect(contexts).toHaveBeenCalledTimes(2);
    contexts.mockRestore();
  });
});
