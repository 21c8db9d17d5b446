/**
 * The fault suite: every upstream fault the emulators can inject, for chat completions
 * (streamed and not), the Responses API (native pass-through, streamed and not) and embeddings. Each
 * gives the client the right error, is recorded as failed in the call log, never passes
 * as a success, never hangs, and leaves no upstream socket behind.
 */
import net from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import mockProvider from '@switchyard/provider-mock';
import embeddings from '@switchyard/embeddings';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, freePort, startOpenAIEmulator, startRedis, tempDbFile, type Fault, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

interface Recorded {
  status: number;
  outcome: string;
  error: { code: string | null; message: string | null } | null;
}

let emu: OpenAIEmulator;
let t: TestGateway;
let seq = 0;
const SECRET = 'sk-emulator-secret-0123456789abcdef';

beforeAll(async () => {
  emu = await startOpenAIEmulator({ apiKey: SECRET });
  const closed = await freePort(); // nothing listens there: connection refused
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), responses(), embeddings(), openaiProvider()],
    models: [
      { name: 'gpt', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: SECRET, timeoutMs: 800 },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiBase: emu.baseURL, apiKey: SECRET, timeoutMs: 800 },
      { name: 'embed-refused', provider: 'openai', model: 'text-embedding-3-small', apiBase: `http://127.0.0.1:${closed}/v1`, apiKey: SECRET },
      { name: 'refused', provider: 'openai', model: 'gpt-4o', apiBase: `http://127.0.0.1:${closed}/v1`, apiKey: SECRET },
      { name: 'no-dns', provider: 'openai', model: 'gpt-4o', apiBase: 'http://upstream.invalid/v1', apiKey: SECRET },
      { name: 'tls', provider: 'openai', model: 'gpt-4o', apiBase: `https://127.0.0.1:${emu.port}/v1`, apiKey: SECRET },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await emu.close();
});

/** The call log's record of the one call made with session `id`. */
async function recorded(id: string): Promise<Recorded> {
  await t.gateway.flush();
  const res = await fetch(`${t.origin}/v1/sessions/${id}?include_bodies=false`);
  expect(res.status).toBe(200);
  const session = (await res.json()) as { calls: Recorded[] };
  expect(session.calls).toHaveLength(1);
  return session.calls[0]!;
}

/** A chat call with a fresh session; resolves with the SDK's error (or throws if it succeeded). */
async function chatFails(model: string, stream: boolean, fault?: Fault): Promise<{ err: InstanceType<typeof OpenAI.APIError>; chunks: number; session: string }> {
  if (fault) emu.fault(fault);
  const session = `fault-${++seq}`;
  let chunks = 0;
  try {
    const opts = { headers: { 'x-session-id': session } };
    if (stream) {
      const s = await t.client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'one two three four' }] }, opts);
      for await (const _ of s) chunks++;
    } else {
      await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, opts);
    }
  } catch (err) {
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return { err: err as InstanceType<typeof OpenAI.APIError>, chunks, session };
  }
  throw new Error(`the call succeeded (${chunks} chunks) although the upstream failed`);
}

const garbage: Array<[string, Fault, number, string]> = [
  ['an empty object', { raw: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' } }, 502, 'upstream_invalid_response'],
  ['null', { raw: { status: 200, headers: { 'content-type': 'application/json' }, body: 'null' } }, 502, 'upstream_invalid_response'],
  ['an array', { raw: { status: 200, headers: { 'content-type': 'application/json' }, body: '[1,2]' } }, 502, 'upstream_invalid_response'],
  ['an HTML page', { raw: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' } }, 502, 'upstream_invalid_response'],
  ['an empty body', { raw: { status: 200, headers: { 'content-type': 'application/json' } } }, 502, 'upstream_invalid_response'],
  ['a redirect', { raw: { status: 302, headers: { location: 'http://10.1.2.3:8080/internal' } } }, 502, 'upstream_invalid_response'],
  ['a 500', { status: 500 }, 500, ''],
  ['a reset connection', { reset: true }, 502, 'upstream_connection_error'],
  ['a hang (timeout)', { hang: true }, 504, 'upstream_timeout'],
];

describe('chat completions, not streamed', () => {
  it.each(garbage)('%s is an error to the client and a failure in the call log', async (_what, fault, status, code) => {
    const { err, session } = await chatFails('gpt', false, fault);
    expect(err.status).toBe(status);
    if (code) expect(err.code).toBe(code);
    const r = await recorded(session);
    expect(r.outcome).toBe('error');
    expect(r.status).toBe(status);
  });

  it('a 429 keeps its status and retry-after', async () => {
    const { err } = await chatFails('gpt', false, { status: 429, headers: { 'retry-after': '7' } });
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('7');
  });

  it.each([
    ['refused', 'connection refused'],
    ['no-dns', 'host name not found'],
    ['tls', 'TLS error'],
  ])('%s: a 502 that names the kind of failure but not the address', async (model, words) => {
    const { err, session } = await chatFails(model, false);
    expect(err.status).toBe(502);
    expect(err.message).toContain(words);
    expect(err.message).not.toMatch(/127\.0\.0\.1|upstream\.invalid|:\d{2,5}/);
    expect((await recorded(session)).outcome).toBe('error');
  });

  it('a redirect does not reveal where it pointed', async () => {
    const { err } = await chatFails('gpt', false, { raw: { status: 301, headers: { location: 'http://10.9.9.9/secret-path' }, body: 'Moved to http://10.9.9.9/secret-path' } });
    expect(err.message).not.toContain('10.9.9.9');
  });

  it("an upstream error that echoes the gateway's key (or the client's) reaches no one with the key in it", async () => {
    const { err, session } = await chatFails('gpt', false, {
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${SECRET}; client said Bearer sk-test-client`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    expect(err.status).toBe(401);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toContain('[redacted]');
    const r = await recorded(session);
    expect(r.error?.message).not.toContain(SECRET);
    expect(t.diagnostics.messages.map((e) => `${e.message} ${String(e.detail ?? '')}`).join('\n')).not.toContain(SECRET);
  });
});

describe('chat completions, streamed', () => {
  const streamFaults: Array<[string, Fault, string]> = [
    ['a stream ended without finish_reason or [DONE]', { endAfterEvents: 2 }, 'upstream_stream_incomplete'],
    ['a stream cut by a dropped connection', { dropAfterEvents: 2 }, 'upstream_connection_error'],
    ['a stream that stalls (idle timeout)', { stallAfterEvents: 2 }, 'upstream_timeout'],
    ['a stream event that is not JSON', { replaceEvents: ['data: {not json\n\n'] }, 'upstream_invalid_response'],
    ['a stream event that is not a chunk', { replaceEvents: ['data: {"hello":"world"}\n\n', 'data: [DONE]\n\n'] }, 'upstream_invalid_response'],
  ];
  it.each(streamFaults)('%s ends with an error frame after the chunks sent, and is logged as failed', async (_what, fault, code) => {
    const { err, chunks, session } = await chatFails('gpt', true, fault);
    expect(chunks).toBeGreaterThanOrEqual(1); // the first chunk reached the client before the fault
    expect(err.code ?? (err.error as { code?: string } | undefined)?.code).toBe(code);
    const r = await recorded(session);
    expect(r.outcome).toBe('error');
    expect(r.status).toBeGreaterThanOrEqual(500);
  });

  const beforeFirst: Array<[string, Fault, number]> = [
    ['an HTML 200', { raw: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' } }, 502],
    ['a JSON 200', { raw: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' } }, 502],
    ['an empty event stream', { raw: { status: 200, headers: { 'content-type': 'text/event-stream' } } }, 502],
    ['a redirect', { raw: { status: 307, headers: { location: 'http://10.0.0.1/' } } }, 502],
    ['a 429', { status: 429, headers: { 'retry-after': '3' } }, 429],
    ['a reset', { reset: true }, 502],
  ];
  it.each(beforeFirst)('%s before the first chunk is an HTTP error status (not a 200 with [DONE])', async (_what, fault, status) => {
    const { err, chunks, session } = await chatFails('gpt', true, fault);
    expect(chunks).toBe(0);
    expect(err.status).toBe(status);
    expect((await recorded(session)).status).toBe(status);
  });
});

describe('Responses API, native pass-through', () => {
  async function responsesFails(stream: boolean, fault: Fault) {
    emu.fault({ pathIncludes: '/responses', ...fault });
    const session = `rfault-${++seq}`;
    try {
      if (stream) {
        const s = await t.client.responses.create({ model: 'gpt', input: 'one two three', stream: true }, { headers: { 'x-session-id': session } });
        const types: string[] = [];
        for await (const ev of s) types.push(ev.type);
        return { types, session };
      }
      await t.client.responses.create({ model: 'gpt', input: 'hi' }, { headers: { 'x-session-id': session } });
    } catch (err) {
      return { err: err as InstanceType<typeof OpenAI.APIError>, session };
    }
    throw new Error('the call succeeded although the upstream failed');
  }

  it.each([
    ['{}', '{}'],
    ['null', 'null'],
    ['a response without output', '{"id":"resp_x","object":"response"}'],
  ])('a non-streamed answer of %s is a 502 and logged as failed', async (_what, body) => {
    const { err, session } = await responsesFails(false, { raw: { status: 200, headers: { 'content-type': 'application/json' }, body } });
    expect(err!.status).toBe(502);
    expect((await recorded(session)).outcome).toBe('error');
  });

  it('a stream with no terminal event ends in response.failed and is logged as failed', async () => {
    const { types, err, session } = await responsesFails(true, { endAfterEvents: 2 });
    if (types) expect(types.at(-1)).toBe('response.failed');
    else expect(err!.status).toBeGreaterThanOrEqual(500);
    const r = await recorded(session);
    expect(r.outcome).toBe('error');
    expect(r.error?.code).toBe('upstream_stream_incomplete');
  });

  it('an upstream that repeats a response id gets a 502 and the call is logged', async () => {
    const body = JSON.stringify({ id: 'resp_repeated', object: 'response', created_at: 1, status: 'completed', model: 'gpt-4o', output: [], usage: null });
    const raw = { status: 200, headers: { 'content-type': 'application/json' }, body };
    emu.fault({ pathIncludes: '/responses', raw });
    await t.client.responses.create({ model: 'gpt', input: 'first' });
    const { err, session } = await responsesFails(false, { raw });
    expect(err!.status).toBe(502);
    expect(err!.code).toBe('upstream_duplicate_id');
    expect((await recorded(session)).outcome).toBe('error');
  });
});

describe('embeddings', () => {
  /** An embeddings call with a fresh session; resolves with the SDK's error (or throws if it succeeded). */
  async function embeddingsFails(model: string, fault?: Fault, input: string | string[] = 'hi') {
    if (fault) emu.fault({ pathIncludes: '/embeddings', ...fault });
    const session = `efault-${++seq}`;
    try {
      await t.client.embeddings.create({ model, input }, { headers: { 'x-session-id': session } });
    } catch (err) {
      expect(err).toBeInstanceOf(OpenAI.APIError);
      return { err: err as InstanceType<typeof OpenAI.APIError>, session };
    }
    throw new Error('the call succeeded although the upstream failed');
  }
  const vector = (embedding: unknown) => ({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } });
  const json = (body: unknown) => ({ raw: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } });
  const embeddingGarbage: Array<[string, Fault, number, string]> = [
    ...garbage,
    ['a list without data', json({ object: 'list', data: [], model: 'm' }), 502, 'upstream_invalid_response'],
    ['an embedding of strings', json(vector(['a', 'b'])), 502, 'upstream_invalid_response'],
    ['an embedding with a null value', json(vector([0.1, null])), 502, 'upstream_invalid_response'],
    ['an empty embedding', json(vector([])), 502, 'upstream_invalid_response'],
    ['base64 that is not whole float32 values', json(vector('AAEC')), 502, 'upstream_invalid_response'],
  ];
  it.each(embeddingGarbage)('%s is an error to the client and a failure in the call log', async (_what, fault, status, code) => {
    const { err, session } = await embeddingsFails('embed', fault);
    expect(err.status).toBe(status);
    if (code) expect(err.code).toBe(code);
    const r = await recorded(session);
    expect(r.outcome).toBe('error');
    expect(r.status).toBe(status);
  });

  it('fewer vectors than inputs is a 502, never a short answer', async () => {
    const { err, session } = await embeddingsFails('embed', json(vector([0.5])), ['a', 'b', 'c']);
    expect(err.status).toBe(502);
    expect(err.message).toContain('answered 1 embeddings for 3 inputs');
    expect((await recorded(session)).outcome).toBe('error');
  });

  it('a 429 keeps its status and retry-after; a refused connection is a 502 without the address', async () => {
    const { err } = await embeddingsFails('embed', { status: 429, headers: { 'retry-after': '5' } });
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('5');
    const refused = await embeddingsFails('embed-refused');
    expect(refused.err.status).toBe(502);
    expect(refused.err.message).toContain('connection refused');
    expect(refused.err.message).not.toMatch(/127\.0\.0\.1|:\d{2,5}/);
  });

  it("an upstream error that echoes the key reaches no one with the key in it", async () => {
    const { err, session } = await embeddingsFails('embed', {
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${SECRET}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    expect(err.status).toBe(401);
    expect(err.message).not.toContain(SECRET);
    expect((await recorded(session)).error?.message).not.toContain(SECRET);
  });

  it('still embeds after the faults', async () => {
    const r = await t.client.embeddings.create({ model: 'embed', input: 'fine again', dimensions: 4 });
    expect(r.data[0]!.embedding).toHaveLength(4);
  });
});

describe('sockets', () => {
  it('aborted and failed calls leave no idle upstream sockets beyond the reused pool', async () => {
    await t.gateway.flush();
    const before = await emu.connections();
    for (let i = 0; i < 10; i++) {
      const ac = new AbortController();
      const s = await t.client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'a b c d e f g' }] }, { signal: ac.signal });
      for await (const _ of s) {
        ac.abort();
        break;
      }
    }
    // the gateway ends an abandoned upstream stream within about a second: wait for that, not longer
    const deadline = Date.now() + 5_000;
    while ((await emu.connections()) > before + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await emu.connections()).toBeLessThanOrEqual(before + 1);
  });

  it('the gateway still serves after the whole suite', async () => {
    const r = await t.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'still there' }] });
    expect(r.choices[0]!.message.content).toBe('echo: still there');
    expect(net.isIP('127.0.0.1')).toBe(4);
  });
});

describe('the rate limiter loses Redis', () => {
  const MASTER = 'sk-master-faults-0123456789abcdef';
  it('limited calls get a 503 rate_limiter_unavailable (never admitted unchecked); unlimited keys and the master key still work', async () => {
    const redis = await startRedis();
    const g = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER, limiter: 'redis', redisUrl: redis.url }), mockProvider()] });
    try {
      const gen = async (body: unknown) => {
        const res = await fetch(`${g.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return ((await res.json()) as { key: string }).key;
      };
      const limited = new OpenAI({ apiKey: await gen({ rpm_limit: 100 }), baseURL: g.url, maxRetries: 0 });
      const free = new OpenAI({ apiKey: await gen({}), baseURL: g.url, maxRetries: 0 });
      const master = new OpenAI({ apiKey: MASTER, baseURL: g.url, maxRetries: 0 });
      const ask = (c: OpenAI) => c.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
      await ask(limited);
      await redis.stop();
      const err = await ask(limited).catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err).toMatchObject({ status: 503, code: 'rate_limiter_unavailable', type: 'server_error' });
      expect((err as InstanceType<typeof OpenAI.APIError>).headers.get('retry-after')).toBe('1');
      expect((await ask(free)).choices[0]!.message.content).toBe('hi');
      expect((await ask(master)).choices[0]!.message.content).toBe('hi');
    } finally {
      await g.close();
      await redis.stop();
    }
  });

  it('a gateway whose Redis cannot be reached does not start, and says why', async () => {
    const port = await freePort();
    await expect(
      createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER, limiter: 'redis', redisUrl: `redis://127.0.0.1:${port}` }), mockProvider()] }),
    ).rejects.toThrow(/cannot reach Redis/);
  });
});
