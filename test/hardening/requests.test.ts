/**
 * Requests that used to crash, freeze or hold the default gateway, each answered now with
 * an OpenAI-shaped error while the gateway keeps serving. Real HTTP on loopback; raw
 * sockets where a client misbehaves below what fetch can express.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, openaiProvider, startOpenAIEmulator, tempDbFile, type TestGateway } from '@switchyard/test-kit';

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

async function post(t: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('json') === true;
  return { status: res.status, headers: res.headers, text, json: isJson ? (JSON.parse(text) as ErrorBody & Record<string, unknown>) : undefined };
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

/** A raw HTTP exchange: writes `request`, resolves with everything the server sent before closing. */
function raw(port: number, request: string | ((socket: net.Socket) => void), waitMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, waitMs);
    socket.on('data', (d) => (got += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('connect', () => (typeof request === 'string' ? socket.write(request) : request(socket)));
  });
}

function bodyOf(response: string): ErrorBody {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as ErrorBody;
}

async function stillServes(t: TestGateway): Promise<void> {
  const r = await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'alive?' }] });
  expect(r.choices[0]!.message.content).toBe('alive?');
}

describe('requests that used to kill or hold the gateway', () => {
  let t: TestGateway;
  let port: number;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), responses(), mockProvider()],
      server: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxHeaderSize: 4096 },
    });
    port = Number(new URL(t.origin).port);
  });
  afterAll(() => t.close());

  it.each(['error-099', 'error-000', 'error-150', 'error-200', 'error-302', 'error-600'])(
    'mock/%s on chat and Responses is a 404 model_not_found, not a crash or a hang',
    async (model) => {
      const a = await post(t, '/v1/chat/completions', chat(`mock/${model}`));
      expect(a.status).toBe(404);
      expect(a.json!.error).toMatchObject({ code: 'model_not_found', param: 'model' });
      const b = await post(t, '/v1/responses', { model: `mock/${model}`, input: 'hi' });
      expect(b.status).toBe(404);
      await stillServes(t);
    },
  );

  it('mock/error-<4xx|5xx> answers with that status', async () => {
    for (const status of [400, 418, 429, 503, 599]) {
      const r = await post(t, '/v1/chat/completions', chat(`mock/error-${status}`));
      expect(r.status).toBe(status);
      expect(r.json!.error.message).toBe(`mock error ${status}`);
    }
  });

  it.each([1e9, 1e8, 65_537])('max_tokens %d on mock/lorem is a 400 naming max_tokens, at once', async (max) => {
    const r = await post(t, '/v1/chat/completions', chat('mock/lorem', { max_tokens: max }));
    expect(r.status).toBe(400);
    expect(r.json!.error).toMatchObject({ param: 'max_tokens', type: 'invalid_request_error' });
    expect(r.json!.error.message).toMatch(/too large/);
    const s = await post(t, '/v1/chat/completions', chat('mock/lorem', { max_completion_tokens: max, stream: true }));
    expect(s.status).toBe(400);
    expect(s.json!.error.param).toBe('max_completion_tokens');
  });

  it('metadata nested 4,500 deep is a 400 json_too_deep before any work; 60 deep is served and logged', async () => {
    // built as text: JSON.stringify itself overflows the stack at this depth
    const deep = `{"model":"mock/echo","messages":[{"role":"user","content":"hi"}],"metadata":{"deep":${'{"a":'.repeat(4_500)}"x"${'}'.repeat(4_500)}}}`;
    const r = await post(t, '/v1/chat/completions', deep);
    expect(r.status).toBe(400);
    expect(r.json!.error.code).toBe('json_too_deep');

    let ok: unknown = 'x';
    for (let i = 0; i < 60; i++) ok = { a: ok };
    const served = await post(t, '/v1/chat/completions', chat('mock/echo', { metadata: { deep: ok } }), { 'x-session-id': 'deep-60' });
    expect(served.status).toBe(200);
    await t.gateway.flush();
    const session = await fetch(`${t.origin}/v1/sessions/deep-60`).then((x) => x.json() as Promise<{ calls: Array<{ status: number }> }>);
    expect(session.calls.map((c) => c.status)).toEqual([200]);
  });

  it('server.jsonDepth is exact: a body nested exactly that deep is served, one level more is a 400 json_too_deep', async () => {
    const shallow = await createTestGateway({ plugins: [mockProvider()], server: { jsonDepth: 8 } });
    try {
      // a body `depth` levels deep: the body object is level 1, metadata level 2, then objects inside it
      const nested = (depth: number) => `{"model":"mock/echo","messages":[{"role":"user","content":"hi"}],"metadata":{"deep":${'{"a":'.repeat(depth - 2)}"x"${'}'.repeat(depth - 2)}}}`;
      const atLimit = await post(shallow, '/v1/chat/completions', nested(8));
      expect(atLimit.status).toBe(200);
      const over = await post(shallow, '/v1/chat/completions', nested(9));
      expect(over.status).toBe(400);
      expect(over.json!.error).toMatchObject({ code: 'json_too_deep', type: 'invalid_request_error' });
      expect(over.json!.error.message).toContain('deeper than 8 levels');
    } finally {
      await shallow.close();
    }
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x', 'multipart/form-data'],
  ])('a %s body is a 415 (a web page cannot spend through a local gateway)', async (type, shown) => {
    const res = await fetch(`${t.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(chat('mock/echo')) });
    expect(res.status).toBe(415);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toContain(shown);
  });

  it('a body without a content type is a 415; application/json with a charset or a +json type is parsed', async () => {
    const none = await raw(port, `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`);
    expect(none).toMatch(/^HTTP\/1.1 415/);
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const res = await fetch(`${t.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(chat('mock/echo')) });
      expect(res.status).toBe(200);
    }
  });

  it('TRACE is a 501 whose message says the method is not supported', async () => {
    const answer = await raw(port, 'TRACE /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 501/);
    expect(bodyOf(answer).error.message).toMatch(/method is not supported/);
  });

  it("Node's own 431 (header overflow) and 400 (not HTTP) come in the OpenAI error shape", async () => {
    const big = await raw(port, `GET /v1/models HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1.1 431/);
    expect(bodyOf(big).error.code).toBe('request_header_fields_too_large');
    const garbage = await raw(port, 'HELLO\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1.1 (400|501)/);
    expect(bodyOf(garbage).error.type).toBe('invalid_request_error');
  });

  it('slow headers and a body that never ends are cut by the timeouts with a 408, not held for minutes', async () => {
    const slow = await raw(port, (s) => s.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n'), 10_000);
    expect(slow).toMatch(/^HTTP\/1.1 408/);
    expect(bodyOf(slow).error.code).toBe('request_timeout');
    const endless = await raw(
      port,
      (s) => {
        s.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"model":');
        const timer = setInterval(() => (s.writable ? s.write(' ') : clearInterval(timer)), 200);
        s.on('close', () => clearInterval(timer));
      },
      10_000,
    );
    expect(endless).toMatch(/^HTTP\/1.1 408/);
    await stillServes(t);
  });

  it('a session id outside Latin-1 is served and echoed percent-encoded; one with control characters or too long is a 400 naming where it came from', async () => {
    for (const id of ['日本', '☕ break']) {
      const r = await post(t, '/v1/chat/completions', chat('mock/echo', { metadata: { session_id: id } }));
      expect(r.status).toBe(200);
      expect(decodeURIComponent(r.headers.get('x-session-id')!)).toBe(id);
    }
    const bad: Array<[Record<string, unknown>, Record<string, string>, string]> = [
      [{ metadata: { session_id: 'tab\there' } }, {}, 'metadata.session_id'],
      [{ litellm_session_id: 'nul\u0000' }, {}, 'litellm_session_id'],
      [{ litellm_metadata: { session_id: 'x'.repeat(257) } }, {}, 'litellm_metadata.session_id'],
      [{}, { 'x-session-id': 'h'.repeat(257) }, 'x-session-id'],
    ];
    for (const [extra, headers, param] of bad) {
      const r = await post(t, '/v1/chat/completions', chat('mock/echo', extra), headers);
      expect(r.status).toBe(400);
      expect(r.json!.error).toMatchObject({ type: 'invalid_request_error', param, code: 'invalid_session_id' });
    }
  });

  it('a streamed answer puts few listeners on the response: no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await post(t, '/v1/chat/completions', chat('mock/lorem', { stream: true, max_tokens: 5 }));
        expect(r.text).toContain('data: [DONE]');
      }
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('a bad session id is refused before the model is called: nothing reaches the upstream', async () => {
    const emu = await startOpenAIEmulator();
    const g = await createTestGateway({
      plugins: [sessionTracker(), openaiProvider()],
      models: [{ name: 'gpt', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      const r = await post(g, '/v1/chat/completions', chat('gpt', { metadata: { session_id: 'a\nb' } }));
      expect(r.status).toBe(400);
      expect(emu.requests).toHaveLength(0);
      const ok = await post(g, '/v1/chat/completions', chat('gpt', { metadata: { session_id: 'a b' } }));
      expect(ok.status).toBe(200);
      expect(emu.requests).toHaveLength(1);
    } finally {
      await g.close();
      await emu.close();
    }
  });
});

describe('connection and stream caps', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [mockProvider({ chunkDelayMs: 50 })], server: { maxConnections: 20, maxStreams: 2 } });
  });
  afterAll(() => t.close());

  it('idle connections beyond the cap are closed to make room, so new clients are still served', async () => {
    const port = Number(new URL(t.origin).port);
    const idle = await Promise.all(
      Array.from({ length: 30 }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      })),
    );
    await stillServes(t);
    for (const s of idle) s.destroy();
  });

  it('a stream over maxStreams is a 503 too_many_streams with retry-after, before any upstream work', async () => {
    const open = await Promise.all([0, 1].map(() => t.client.chat.completions.create({ model: 'mock/lorem', stream: true, max_tokens: 40, messages: [{ role: 'user', content: 'x' }] })));
    const third = await post(t, '/v1/chat/completions', chat('mock/lorem', { stream: true }));
    expect(third.status).toBe(503);
    expect(third.json!.error.code).toBe('too_many_streams');
    expect(third.headers.get('retry-after')).toBe('1');
    for (const s of open) for await (const _ of s) void _;
    const after = await post(t, '/v1/chat/completions', chat('mock/lorem', { stream: true, max_tokens: 2 }));
    expect(after.status).toBe(200);
    expect(after.text).toContain('data: [DONE]');
  });
});
