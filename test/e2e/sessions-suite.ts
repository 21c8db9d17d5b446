/**
 * The sessions end-to-end suite, run against each store (SQLite file, real PostgreSQL): the
 * official openai SDK talks to a real gateway with @switchyard/session-tracker and the mock
 * provider; sessions are read back through `GET /v1/sessions[/{id}]`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { bearerToken, definePlugin, type GatewayPlugin, type SwitchyardConfig } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import { createTestGateway, type TestGateway } from '@switchyard/test-kit';

/** How the suite gets a store plugin: each call is a new instance on the same database. */
export interface SessionsTarget {
  storePlugin(): GatewayPlugin;
}

/** Maps `Authorization: Bearer <token>` to the principal `{ keyId: 'key_<token>' }`; no token: anonymous. */
export const testAuth = () =>
  definePlugin({
    name: 'test-auth',
    apply(gateway) {
      gateway.hooks.authenticate.tapPromise('test-auth', async (req) => {
        const token = bearerToken(req.headers);
        return token && token !== 'anonymous' ? { keyId: `key_${token}`, teamId: 'team_test' } : undefined;
      });
    },
  });

/** Any session lookups a test wants to answer for `previous_response_id`. */
const responseSessions = new Map<string, string>();
const responseLookup = () =>
  definePlugin({
    name: 'test-response-sessions',
    apply(gateway) {
      gateway.services.sessionOfResponse = async (id) => responseSessions.get(id);
    },
  });

let n = 0;
const sid = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${++n}`;
const user = (content: string) => [{ role: 'user' as const, content }];

export function sessionsSuite(name: string, target: () => Promise<SessionsTarget>): void {
  describe(`sessions end to end (${name})`, () => {
    const open: TestGateway[] = [];
    afterAll(async () => {
      for (const t of open) await t.close().catch(() => undefined);
    });
    const start = async (extra: Partial<SwitchyardConfig> = {}) => {
      const { storePlugin } = await target();
      const t = await createTestGateway({ ...extra, plugins: [storePlugin(), sessionTracker(), testAuth(), responseLookup(), mockProvider()] });
      open.push(t);
      return t;
    };
    const clientFor = (t: TestGateway, apiKey: string) => new OpenAI({ apiKey, baseURL: t.url, maxRetries: 0 });
    const getJson = async (t: TestGateway, path: string, apiKey = 'sk-test-client') => {
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    it('groups three calls with the same litellm_session_id (extra body) into one session, in order, echoing the id', async () => {
      const t = await start();
      const id = sid('chat');
      const requestIds: string[] = [];
      for (const [i, text] of ['one', 'two two', 'three three three'].entries()) {
        // the SDK sends unknown fields as they are, like Python's extra_body
        const params = { model: 'mock/echo', messages: user(text), metadata: { litellm_session_id: id }, user: 'end-user-1' };
        if (i === 1) {
          const stream = await t.client.chat.completions.create({ ...params, stream: true }).withResponse();
          expect(stream.response.headers.get('x-session-id')).toBe(id);
          for await (const _ of stream.data) void _;
          requestIds.push(stream.response.headers.get('x-request-id')!);
        } else {
          const { response } = await t.client.chat.completions.create(params).withResponse();
          expect(response.headers.get('x-session-id')).toBe(id);
          requestIds.push(response.headers.get('x-request-id')!);
        }
      }
      await t.gateway.flush();
      const { status, body } = await getJson(t, `/sessions/${id}`);
      expect(status).toBe(200);
      expect(body.object).toBe('session');
      expect(body.id).toBe(id);
      expect(body.call_count).toBe(3);
      expect(body.calls.map((c: { request_id: string }) => c.request_id)).toEqual(requestIds);
      expect(body.calls.map((c: { stream: boolean }) => c.stream)).toEqual([false, true, false]);
      expect(body.calls.every((c: { model: string; provider: string; status: number }) => c.model === 'mock/echo' && c.provider === 'mock' && c.status === 200)).toBe(true);
      const outputs = body.calls.map((c: { usage: { output_tokens: number } }) => c.usage.output_tokens);
      expect(outputs).toEqual([1, 2, 3]);
      expect(body.usage.output_tokens).toBe(6);
      expect(body.usage.input_tokens).toBe(body.calls.reduce((s: number, c: { usage: { input_tokens: number } }) => s + c.usage.input_tokens, 0));
      expect(body.usage.input_tokens).toBeGreaterThan(0);
      for (const c of body.calls) {
        expect(c.timings.ended_at_ms).toBeGreaterThanOrEqual(c.timings.started_at_ms);
        expect(c.timings.first_token_at_ms).not.toBeNull();
        expect(c.end_user).toBe('end-user-1');
        expect(c.metadata).toEqual({ litellm_session_id: id });
        expect(c.request).toBeNull(); // prompts are not stored by default
      }
      expect(body.conversation).toBeUndefined();
      expect(body.models).toEqual(['mock/echo']);
      const list = await getJson(t, '/sessions?limit=100');
      expect(list.body.object).toBe('list');
      expect(list.body.data.find((s: { id: string }) => s.id === id)).toMatchObject({ id, call_count: 3, end_user: 'end-user-1', key_id: 'key_sk-test-client' });
    });

    it('takes the header over the body, x-litellm-session-id too, and metadata.session_id over litellm_session_id', async () => {
      const t = await start();
      const [h, b, h2, s1, s2] = [sid('hdr'), sid('body'), sid('hdr2'), sid('sess'), sid('litellm')];
      const { response } = await t.client.chat.completions
        .create({ model: 'mock/echo', messages: user('x'), metadata: { litellm_session_id: b } }, { headers: { 'x-session-id': h } })
        .withResponse();
      expect(response.headers.get('x-session-id')).toBe(h);
      await t.client.chat.completions.create({ model: 'mock/echo', messages: user('y') }, { headers: { 'x-litellm-session-id': h2 } });
      const [both, loser] = [sid('both'), sid('loser')];
      const second = await t.client.chat.completions
        .create({ model: 'mock/echo', messages: user('w') }, { headers: { 'x-session-id': both, 'x-litellm-session-id': loser } })
        .withResponse();
      expect(second.response.headers.get('x-session-id')).toBe(both);
      await t.client.chat.completions.create({ model: 'mock/echo', messages: user('z'), metadata: { session_id: s1, litellm_session_id: s2 } });
      await t.gateway.flush();
      expect((await getJson(t, `/sessions/${h}`)).body.call_count).toBe(1);
      expect((await getJson(t, `/sessions/${h2}`)).body.call_count).toBe(1);
      expect((await getJson(t, `/sessions/${s1}`)).body.call_count).toBe(1);
      expect((await getJson(t, `/sessions/${b}`)).status).toBe(404);
      expect((await getJson(t, `/sessions/${s2}`)).status).toBe(404);
      expect((await getJson(t, `/sessions/${both}`)).body.call_count).toBe(1);
      expect((await getJson(t, `/sessions/${loser}`)).status).toBe(404);
    });

    it('gives a call without an id no session (no header, nothing recorded under a made-up id)', async () => {
      const t = await start();
      const before = (await getJson(t, '/sessions?limit=100')).body.data.length;
      const { response } = await t.client.chat.completions.create({ model: 'mock/echo', messages: user('lonely') }).withResponse();
      expect(response.headers.get('x-session-id')).toBeNull();
      await t.gateway.flush();
      expect((await getJson(t, '/sessions?limit=100')).body.data.length).toBe(before);
      const store = t.gateway.services.store!;
      const row = await store.db.selectFrom('sy_calls').select(['session_id', 'model', 'status']).where('request_id', '=', response.headers.get('x-request-id')!).executeTakeFirstOrThrow();
      expect(row).toEqual({ session_id: null, model: 'mock/echo', status: 200 });
    });

    it('takes the session of the response named in previous_response_id through the lookup seam', async () => {
      const t = await start();
      const id = sid('resp');
      responseSessions.set('resp_parent_1', id);
      const { response } = await t.client.chat.completions
        .create({ model: 'mock/echo', messages: user('continue'), previous_response_id: 'resp_parent_1' } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      expect(response.headers.get('x-session-id')).toBe(id);
      await t.client.chat.completions.create({ model: 'mock/echo', messages: user('unknown parent'), previous_response_id: 'resp_unknown' } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      await t.gateway.flush();
      expect((await getJson(t, `/sessions/${id}`)).body.call_count).toBe(1);
    });

    it('records failed calls in their session', async () => {
      const t = await start();
      const id = sid('err');
      await expect(t.client.chat.completions.create({ model: 'no-such-model', messages: user('x'), metadata: { session_id: id } })).rejects.toMatchObject({ status: 404 });
      await t.client.chat.completions.create({ model: 'mock/echo', messages: user('ok'), metadata: { session_id: id } });
      await t.gateway.flush();
      const { body } = await getJson(t, `/sessions/${id}`);
      expect(body.call_count).toBe(2);
      expect(body.error_count).toBe(1);
      expect(body.calls[0]).toMatchObject({ status: 404, outcome: 'error', model: 'no-such-model', error: { code: 'model_not_found' } });
    });

    it('round-trips a 50 kB prompt exactly with storePrompts, and shows the conversation', async () => {
      const t = await start({ storePrompts: true });
      const id = sid('prompts');
      const prompt = `${randomBytes(18_000).toString('base64')} ✓ 🚂 "quoted" \\ \n`.repeat(3).slice(0, 50_000);
      expect(prompt.length).toBe(50_000);
      const first = await t.client.chat.completions.create({ model: 'mock/echo', messages: user(prompt), metadata: { session_id: id } });
      expect(first.choices[0]!.message.content).toBe(prompt);
      await t.client.chat.completions.create({
        model: 'mock/echo',
        messages: [...user(prompt), { role: 'assistant', content: prompt }, ...user('and again')],
        metadata: { session_id: id },
      });
      await t.gateway.flush();
      const { body } = await getJson(t, `/sessions/${id}`);
      expect(body.calls[0].request.messages[0].content).toBe(prompt);
      expect(body.calls[0].response.choices[0].message.content).toBe(prompt);
      expect(body.conversation.map((m: { role: string; content: string }) => [m.role, m.content.length])).toEqual([
        ['user', 50_000],
        ['assistant', 50_000],
        ['user', 9],
        ['assistant', 9],
      ]);
      expect(body.conversation[0].content).toBe(prompt);
      expect(body.conversation.map((m: { call_id: string }) => m.call_id)).toEqual([body.calls[0].id, body.calls[0].id, body.calls[1].id, body.calls[1].id]);
      const lean = await getJson(t, `/sessions/${id}?include_bodies=false`);
      expect(lean.body.calls[0].request).toBeUndefined();
      expect(lean.body.conversation).toBeUndefined();
    });

    it("answers 404 in the OpenAI error shape for unknown ids and another key's session", async () => {
      const t = await start();
      const id = sid('owned');
      const a = clientFor(t, 'sk-a');
      const b = clientFor(t, 'sk-b');
      await a.chat.completions.create({ model: 'mock/echo', messages: user('mine'), metadata: { session_id: id } });
      await t.gateway.flush();
      expect((await getJson(t, `/sessions/${id}`, 'sk-a')).body).toMatchObject({ id, call_count: 1, key_id: 'key_sk-a', team_id: 'team_test' });
      for (const [path, key] of [[`/sessions/${id}`, 'sk-b'], [`/sessions/${id}`, 'anonymous'], ['/sessions/never-seen', 'sk-a']] as const) {
        const res = await getJson(t, path, key);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: { message: expect.stringContaining('No session found'), type: 'invalid_request_error', param: 'session_id', code: 'session_not_found' } });
      }
      expect((await getJson(t, '/sessions?limit=100', 'sk-b')).body.data.some((s: { id: string }) => s.id === id)).toBe(false);
      // the same id used by another key is that key's own session
      await b.chat.completions.create({ model: 'mock/echo', messages: user('theirs'), metadata: { session_id: id } });
      await t.gateway.flush();
      expect((await getJson(t, `/sessions/${id}`, 'sk-b')).body).toMatchObject({ call_count: 1, key_id: 'key_sk-b' });
      expect((await getJson(t, `/sessions/${id}`, 'sk-a')).body.call_count).toBe(1);
    });

    it('lists sessions newest first, paged by after, filtered by user and time', async () => {
      const t = await start();
      const key = `sk-list-${n}-${Date.now()}`;
      const c = clientFor(t, key);
      const ids = [sid('l'), sid('l'), sid('l'), sid('l'), sid('l')];
      const startedAt = Date.now();
      for (const [i, id] of ids.entries()) {
        await c.chat.completions.create({ model: 'mock/echo', messages: user(`s${i}`), metadata: { session_id: id }, user: i % 2 === 0 ? 'even' : 'odd' });
        await new Promise((r) => setTimeout(r, 3));
      }
      await t.gateway.flush();
      const seen: string[] = [];
      let after = '';
      for (let page = 0; page < 5; page++) {
        const { body } = await getJson(t, `/sessions?limit=2${after ? `&after=${after}` : ''}`, key);
        seen.push(...body.data.map((s: { id: string }) => s.id));
        if (!body.has_more) break;
        after = body.last_id;
      }
      expect(seen).toEqual([...ids].reverse());
      const odd = await getJson(t, '/sessions?user=odd', key);
      expect(odd.body.data.map((s: { id: string }) => s.id)).toEqual([ids[3], ids[1]]);
      const future = await getJson(t, `/sessions?from=${new Date(Date.now() + 60_000).toISOString()}`, key);
      expect(future.body.data).toEqual([]);
      const past = await getJson(t, `/sessions?to=${Math.floor(startedAt / 1000) - 60}`, key);
      expect(past.body.data).toEqual([]);
      const all = await getJson(t, `/sessions?from=${Math.floor(startedAt / 1000) - 1}&key=key_${key}`, key);
      expect(all.body.data.length).toBe(5);
      expect((await getJson(t, '/sessions?limit=0', key)).status).toBe(400);
      expect((await getJson(t, '/sessions?from=yesterday', key)).body.error.param).toBe('from');
      expect((await getJson(t, '/sessions?after=nope', key)).body.error.param).toBe('after');
    });

    it('filters the list by model (a session with any call to it) and by id prefix, wildcards taken literally', async () => {
      const t = await start();
      const key = `sk-filter-${n}-${Date.now()}`;
      const c = clientFor(t, key);
      const base = sid('find');
      const [echoOnly, both, lorem, percent] = [`${base}-a`, `${base}-b`, `${base}-c`, `${base}%x`];
      for (const [id, model] of [[echoOnly, 'mock/echo'], [both, 'mock/echo'], [both, 'mock/lorem'], [lorem, 'mock/lorem'], [percent, 'mock/echo']] as const) {
        await c.chat.completions.create({ model, max_tokens: 3, messages: user(id), metadata: { session_id: id } });
      }
      const ids = async (q: string) => ((await getJson(t, `/sessions?limit=100&${q}`, key)).body.data as Array<{ id: string }>).map((s) => s.id).sort();
      expect(await ids('model=mock/lorem')).toEqual([both, lorem].sort());
      expect(await ids(`search=${encodeURIComponent(base)}`)).toEqual([echoOnly, both, lorem, percent].sort());
      expect(await ids(`search=${encodeURIComponent(`${base}-`)}&model=mock/echo`)).toEqual([echoOnly, both].sort());
      expect(await ids(`search=${encodeURIComponent(`${base}%`)}`)).toEqual([percent]);
      expect(await ids(`search=${encodeURIComponent(`${base}_`)}`)).toEqual([]);
      expect(await ids('model=mock/none')).toEqual([]);
    });

    it('keeps everything across a restart on the same database', async () => {
      const t1 = await start({ storePrompts: true });
      const id = sid('restart');
      for (const text of ['before one', 'before two']) {
        await t1.client.chat.completions.create({ model: 'mock/echo', messages: user(text), metadata: { session_id: id } });
      }
      // no flush: a clean shutdown commits what was acknowledged
      await t1.close();
      const t2 = await start({ storePrompts: true });
      await t2.client.chat.completions.create({ model: 'mock/echo', messages: user('after'), metadata: { session_id: id } });
      await t2.gateway.flush();
      const { body } = await getJson(t2, `/sessions/${id}`);
      expect(body.call_count).toBe(3);
      expect(body.calls.map((c: { response: { choices: Array<{ message: { content: string } }> } }) => c.response.choices[0]!.message.content)).toEqual([
        'before one',
        'before two',
        'after',
      ]);
    });
  });
}
