/**
 * upstreamBuffered(): the whole answer as text over the pooled dispatcher, with the same
 * error mapping, timeouts and abort as upstreamFetch().
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { parseJson, upstreamBuffered } from '@switchyard/upstream';

describe('upstreamBuffered', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 2_000);
        if (req.url === '/limited') {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
          return void res.end('{"error":{"message":"slow down"}}');
        }
        if (req.url === '/html') return void res.end('<html>oops</html>');
        // a body in two writes, with a multi-byte character across them
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'up-1' });
        const text = Buffer.from(JSON.stringify({ ok: true, echo: body, word: 'héllo' }));
        const cut = text.indexOf(0xc3) + 1;
        res.write(text.subarray(0, cut));
        setTimeout(() => res.end(text.subarray(cut)), 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts JSON and returns status, lower-cased headers and the whole body as text', async () => {
    const res = await upstreamBuffered({ url: `${base}/v1/chat?x=1`, body: { a: 1 }, provider: 'test' });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('up-1');
    expect(parseJson(res.text, 'test')).toEqual({ ok: true, echo: '{"a":1}', word: 'héllo' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/chat?x=1', type: 'application/json' });
  });

  it('hands back error statuses with their headers; a body that is not JSON is a 502', async () => {
    const limited = await upstreamBuffered({ url: `${base}/limited`, method: 'GET', provider: 'test' });
    expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    const html = await upstreamBuffered({ url: `${base}/html`, method: 'GET', provider: 'test' });
    expect(() => parseJson(html.text, 'test')).toThrow(expect.objectContaining({ status: 502, publicCode: 'upstream_invalid_response' }));
  });

  it('maps refused connections to 502 and timeouts to 504', async () => {
    const refused = upstreamBuffered({ url: 'http://127.0.0.1:1/v1', method: 'GET', provider: 'test' });
    await expect(refused).rejects.toBeInstanceOf(GatewayError);
    await expect(refused).rejects.toMatchObject({ status: 502, code: 'GW_ERR_PROVIDER_CONNECTION' });
    await expect(upstreamBuffered({ url: `${base}/slow`, method: 'GET', timeoutMs: 100, provider: 'test' })).rejects.toMatchObject({ status: 504 });
  });

  it('aborts the upstream request when the signal fires, and refuses an already aborted one', async () => {
    const ac = new AbortController();
    const pending = upstreamBuffered({ url: `${base}/slow-abort`, method: 'GET', signal: ac.signal, provider: 'test' });
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(upstreamBuffered({ url: `${base}/v1`, signal: AbortSignal.abort(), provider: 'test' })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
