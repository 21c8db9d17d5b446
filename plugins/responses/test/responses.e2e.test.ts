import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type ChatRequest } from '@switchyard/core';
import responses from '@switchyard/responses';
import { createTestGateway, tempDbFile, startOpenAIEmulator, type OpenAIEmulator, type TestGateway, mockProvider, openaiProvider, sessionTracker, sqliteStore } from '@switchyard/test-kit';

// keys as tenants: a tiny authenticate tap (a real key-management plugin would do this)
const keysAsTenants = definePlugin({
  name: 'test-keys',
  apply: (g) => g.hooks.authenticate.tapPromise('test-keys', async (r) => ({ keyId: String(r.headers.authorization ?? '').slice(7) || undefined })),
});

const text = (r: OpenAI.Responses.Response) => r.output_text;

// the chat requests bridged calls become, as a provider receives them
const seenRequests: ChatRequest[] = [];
const requestRecorder = definePlugin({
  name: 'test-request-recorder',
  apply: (g) =>
    g.providers.register({
      id: 'recording',
      async chat(req) {
        seenRequests.push(structuredClone(req));
        return {
          type: 'completion',
          body: { id: 'chatcmpl-rec', object: 'chat.completion', created: 1, model: req.model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
        };
      },
    }),
});

describe('Responses API', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  const dbFile = tempDbFile();
  const config = () => ({
    plugins: [sqliteStore({ file: dbFile }), keysAsTenants, requestRecorder, responses(), mockProvider(), openaiProvider()],
    models: [
      { name: 'bridged', provider: 'mock', model: 'transcript' },
      { name: 'tooly', provider: 'mock', model: 'tool' },
      { name: 'dropper', provider: 'mock', model: 'drop' },
      { name: 'slow', provider: 'mock', model: 'echo', latencyMs: 2000 },
      { name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
    ],
    secret: 'a-test-secret-of-sufficient-length',
  });
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    t = await createTestGateway(config());
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  describe('bridged (mock provider)', () => {
    it('keeps a 5-turn chain in order, and a branch from turn 2 sees only its own past', async () => {
      const ids: string[] = [];
      let prev: string | undefined;
      for (let i = 1; i <= 5; i++) {
        const r = await t.client.responses.create({ model: 'bridged', input: `t${i}`, previous_response_id: prev });
        expect(r.status).toBe('completed');
        expect(r.previous_response_id ?? undefined).toBe(prev);
        ids.push((prev = r.id));
        if (i === 5) expect(text(r)).toBe('t1 | t2 | t3 | t4 | t5');
      }
      const branch = await t.client.responses.create({ model: 'bridged', input: 'b3', previous_response_id: ids[1] });
      expect(text(branch)).toBe('t1 | t2 | b3');
    });

    it('carries instructions of the current call only, and usage in Responses shape', async () => {
      const r = await t.client.responses.create({ model: 'bridged', instructions: 'be brief', input: [{ role: 'user', content: 'hello' }] });
      expect(r.instructions).toBe('be brief');
      expect(r.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: 1, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
      expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    });

    it('retrieves, lists input items (paged), and deletes', async () => {
      const r = await t.client.responses.create({
        model: 'bridged',
        input: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      });
      expect(text(await t.client.responses.retrieve(r.id))).toBe('a | c');
      const firstPage = await t.client.responses.inputItems.list(r.id, { limit: 2, order: 'asc' });
      expect(firstPage.data).toHaveLength(2);
      expect(firstPage.has_more).toBe(true);
      const all = [];
      for await (const item of t.client.responses.inputItems.list(r.id, { limit: 1, order: 'asc' })) all.push(item);
      expect(all.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant', 'user']);
      await t.client.responses.delete(r.id);
      const err = await t.client.responses.retrieve(r.id).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 404 });
    });

    it('says has_more exactly: false on a page that ends at the last input item, true only before it', async () => {
      const r = await t.client.responses.create({ model: 'bridged', input: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
      const list = async (query: string) => {
        const res = await fetch(`${t.url}/responses/${r.id}/input_items?${query}`, { headers: { authorization: 'Bearer sk-test-client' } });
        expect(res.status).toBe(200);
        return (await res.json()) as { data: Array<{ id: string }>; has_more: boolean; first_id: string; last_id: string };
      };
      const whole = await list('limit=3&order=asc');
      expect(whole.data).toHaveLength(3);
      expect(whole.has_more).toBe(false);
      const first = await list('limit=2&order=asc');
      expect([first.data.length, first.has_more]).toEqual([2, true]);
      const rest = await list(`limit=1&order=asc&after=${first.last_id}`);
      expect(rest.data.map((i) => i.id)).toEqual([whole.data[2]!.id]);
      expect(rest.has_more).toBe(false);
      const desc = await list('limit=1');
      expect([desc.data[0]!.id, desc.has_more]).toEqual([whole.data[2]!.id, true]);
      expect((await list('limit=4')).has_more).toBe(false);
    });

    it('passes temperature 0 and the other sampling settings to the bridged model exactly', async () => {
      seenRequests.length = 0;
      await t.client.responses.create({ model: 'recording/any', input: 'x', temperature: 0, top_p: 0, max_output_tokens: 16 });
      expect(seenRequests).toHaveLength(1);
      expect(seenRequests[0]).toMatchObject({ temperature: 0, top_p: 0, max_completion_tokens: 16 });
    });

    it('streams the full event sequence through the strict SDK helper, stored for retrieval', async () => {
      const events: string[] = [];
      const final = await t.client.responses
        .stream({ model: 'bridged', input: 'stream me' })
        .on('event', (e) => events.push(e.type))
        .finalResponse();
      expect(text(final)).toBe('stream me');
      expect(final.usage).toMatchObject({ output_tokens: 2, input_tokens: expect.any(Number) });
      expect(events[0]).toBe('response.created');
      expect(events).toContain('response.output_text.delta');
      expect(events.at(-1)).toBe('response.completed');
      expect(text(await t.client.responses.retrieve(final.id))).toBe('stream me');
    });

    it('round-trips tool calls: function_call out, function_call_output in, streamed too', async () => {
      const tools = [{ type: 'function' as const, name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false }];
      const r1 = await t.client.responses.create({ model: 'tooly', input: 'find it', tools });
      const call = r1.output.find((o) => o.type === 'function_call')!;
      expect(call).toMatchObject({ type: 'function_call', name: 'lookup' });
      if (call.type !== 'function_call') throw new Error('no call');
      expect(JSON.parse(call.arguments)).toEqual({ input: 'find it' });
      const r2 = await t.client.responses.create({
        model: 'tooly',
        previous_response_id: r1.id,
        tools,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: '42' }],
      });
      expect(text(r2)).toBe('tool said: 42');
      const streamed = await t.client.responses.stream({ model: 'tooly', input: 'again', tools }).finalResponse();
      expect(streamed.output[0]).toMatchObject({ type: 'function_call', name: 'lookup' });
    });

    it('with store: false keeps nothing, and chaining to it is a 404 previous_response_not_found', async () => {
      const r = await t.client.responses.create({ model: 'bridged', input: 'x', store: false });
      expect(r.store).toBe(false);
      const err = (await t.client.responses.create({ model: 'bridged', input: 'y', previous_response_id: r.id }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(404);
      expect(err.code).toBe('previous_response_not_found');
      expect(err.param).toBe('previous_response_id');
    });

    it('ends a stream whose upstream drops with response.failed after the events already sent', async () => {
      const stream = await t.client.responses.create({ model: 'dropper', input: 'x', stream: true });
      const types: string[] = [];
      let failed: OpenAI.Responses.Response | undefined;
      for await (const e of stream) {
        types.push(e.type);
        if (e.type === 'response.failed') failed = e.response;
      }
      expect(types).toContain('response.output_text.delta');
      expect(types.at(-1)).toBe('response.failed');
      expect(failed!.error).toMatchObject({ code: 'upstream_connection_error' });
      expect((await t.client.responses.retrieve(failed!.id)).status).toBe('failed');
    });

    it('runs in the background and can be cancelled', async () => {
      const r = await t.client.responses.create({ model: 'slow', input: 'x', background: true });
      expect(r.status).toBe('queued');
      const cancelled = await t.client.responses.cancel(r.id);
      expect(cancelled.status).toBe('cancelled');
      expect((await t.client.responses.retrieve(r.id)).status).toBe('cancelled');
      const notBackground = await t.client.responses.create({ model: 'bridged', input: 'x' });
      expect(await t.client.responses.cancel(notBackground.id).catch((e: unknown) => e)).toMatchObject({ status: 400 });
    });
  });

  describe('native (OpenAI emulator)', () => {
    it('passes through with signed ids, chains upstream, retrieves, lists and deletes', async () => {
      const r1 = await t.client.responses.create({ model: 'native', input: 'hello' });
      expect(r1.id).toMatch(/^resp_n/);
      expect(text(r1)).toBe('echo: hello (turn 1)');
      const r2 = await t.client.responses.create({ model: 'native', input: 'again', previous_response_id: r1.id });
      expect(text(r2)).toBe('echo: again (turn 2)'); // the upstream saw its own previous_response_id
      expect(r2.previous_response_id).toBe(r1.id);
      const got = await t.client.responses.retrieve(r2.id);
      expect(got.id).toBe(r2.id);
      expect(got.previous_response_id).toBe(r1.id);
      const items = await t.client.responses.inputItems.list(r2.id);
      expect(items.data).toHaveLength(1);
      await t.client.responses.delete(r2.id);
      expect(await t.client.responses.retrieve(r2.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    });

    it('streams native events with the gateway id in every response object', async () => {
      const types: string[] = [];
      const final = await t.client.responses
        .stream({ model: 'native', input: 'streamed' })
        .on('event', (e) => types.push(e.type))
        .finalResponse();
      expect(final.id).toMatch(/^resp_n/);
      expect(text(final)).toBe('echo: streamed (turn 1)');
      expect(types.at(-1)).toBe('response.completed');
    });

    it('rejects a tampered id and another tenant’s id with 404', async () => {
      const r = await t.client.responses.create({ model: 'native', input: 'mine' });
      const flipped = r.id.slice(0, -1) + (r.id.endsWith('A') ? 'B' : 'A');
      expect(await t.client.responses.retrieve(flipped).catch((e: unknown) => e)).toMatchObject({ status: 404 });
      const other = new OpenAI({ apiKey: 'other-key', baseURL: t.url, maxRetries: 0 });
      expect(await other.responses.retrieve(r.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
      const bridged = await t.client.responses.create({ model: 'bridged', input: 'mine too' });
      expect(await other.responses.retrieve(bridged.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
      expect(await other.responses.create({ model: 'bridged', input: 'x', previous_response_id: bridged.id }).catch((e: unknown) => e)).toMatchObject({
        status: 404,
        code: 'previous_response_not_found',
      });
    });

    it('answers a tampered, forged or foreign native id with 404 on every endpoint and path form, and changes nothing', async () => {
      const r = await t.client.responses.create({ model: 'native', input: 'precious' });
      const [payload, sig] = r.id.slice('resp_n'.length).split('.') as [string, string];
      const [deployment, upstreamId] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
      // the same upstream response claimed for another owner, signature kept (same length, wrong)
      const forged = `resp_n${Buffer.from(JSON.stringify([deployment, upstreamId, 'other-key'])).toString('base64url')}.${sig}`;
      const flipped = `resp_n${payload}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
      const mine = { authorization: 'Bearer sk-test-client' };
      const theirs = { authorization: 'Bearer other-key' };
      const cases: Array<[string, Record<string, string>]> = [
        [flipped, mine],
        [forged, theirs],
        [forged, mine],
        [r.id, theirs],
      ];
      const upstreamBefore = emu.requests.length;
      for (const [id, headers] of cases) {
        for (const [method, path] of [
          ['GET', `/v1/responses/${id}`],
          ['GET', `/responses/${id}`],
          ['GET', `/v1/responses/${id}/input_items`],
          ['POST', `/v1/responses/${id}/cancel`],
          ['DELETE', `/v1/responses/${id}`],
          ['DELETE', `/responses/${id}`],
        ] as const) {
          const res = await fetch(`${t.origin}${path}`, { method, headers });
          expect([method, path, res.status]).toEqual([method, path, 404]);
          const body = (await res.json()) as { error: Record<string, unknown> };
          expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
        }
        const chained = await fetch(`${t.url}/responses`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'native', input: 'next', previous_response_id: id }),
        });
        expect(chained.status).toBe(404);
        expect(((await chained.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });
      }
      expect(emu.requests.length).toBe(upstreamBefore); // nothing reached the upstream
      expect(text(await t.client.responses.retrieve(r.id))).toBe('echo: precious (turn 1)'); // nor was deleted
    });

    it('continues a native chain on a bridged provider, and a bridged chain on the native one', async () => {
      const n1 = await t.client.responses.create({ model: 'native', input: 'first' });
      const b2 = await t.client.responses.create({ model: 'bridged', input: 'second', previous_response_id: n1.id });
      expect(text(b2)).toBe('first | second');
      const n3 = await t.client.responses.create({ model: 'native', input: 'third', previous_response_id: b2.id });
      expect(text(n3)).toBe('echo: third (turn 1)'); // history sent as input items, not as an upstream id
      const sent = emu.requests.at(-1)!.body as { input: Array<{ role?: string }>; previous_response_id?: string };
      expect(sent.previous_response_id).toBeUndefined();
      expect(sent.input.filter((i) => i.role === 'user')).toHaveLength(3);
    });
  });

  it('answers unknown ids and models in the OpenAI error shape', async () => {
    expect(await t.client.responses.create({ model: 'bridged', input: 'x', previous_response_id: 'resp_nope' }).catch((e: unknown) => e)).toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
    });
    expect(await t.client.responses.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(await t.client.responses.create({ model: 'bridged', input: 'x', temperature: 9 }).catch((e: unknown) => e)).toMatchObject({ status: 400, param: 'temperature' });
    expect(await t.client.responses.create({ model: 'bridged', input: 'x', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e)).toMatchObject({
      status: 400,
      param: 'tools[0].type',
    });
  });

  it('keeps chains across a gateway restart', async () => {
    const r1 = await t.client.responses.create({ model: 'bridged', input: 'before restart' });
    const n1 = await t.client.responses.create({ model: 'native', input: 'native before' });
    await t.close();
    t = await createTestGateway(config()); // same SQLite file, same secret
    const r2 = await t.client.responses.create({ model: 'bridged', input: 'after restart', previous_response_id: r1.id });
    expect(text(r2)).toBe('before restart | after restart');
    const n2 = await t.client.responses.create({ model: 'native', input: 'native after', previous_response_id: n1.id });
    expect(text(n2)).toBe('echo: native after (turn 2)');
  });
});

describe('Responses chains are sessions', () => {
  it('puts every response of a chain in the session its first response started, or the explicit one', async () => {
    const emu = await startOpenAIEmulator();
    const seen: Array<{ id: string; session?: string }> = [];
    const recorder = definePlugin({
      name: 'session-recorder',
      apply: (g) => g.hooks.log.tapPromise('session-recorder', async (e) => void seen.push({ id: e.ctx.requestId, session: e.ctx.sessionId })),
    });
    const t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), recorder, responses(), mockProvider(), openaiProvider()],
      models: [
        { name: 'bridged', provider: 'mock', model: 'transcript' },
        { name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
      ],
    });
    const r1 = await t.client.responses.create({ model: 'bridged', input: 'a' });
    const r2 = await t.client.responses.create({ model: 'native', input: 'b', previous_response_id: r1.id });
    const r3 = await t.client.responses.create({ model: 'bridged', input: 'c', previous_response_id: r2.id });
    const tagged = await t.client.responses.create({ model: 'bridged', input: 'd', metadata: { litellm_session_id: 'my-run' } });
    await t.gateway.flush();
    expect(seen.map((s) => s.session)).toEqual([r1.id, r1.id, r1.id, 'my-run']);
    expect(r3.output_text).toBe('a | b | c');
    expect(tagged.metadata).toEqual({ litellm_session_id: 'my-run' });
    await t.close();
    await emu.close();
  });
});
