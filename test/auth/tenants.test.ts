/**
 * The tenant-isolation suite: two tenants (keys A and B, each with its own user and team, and a
 * second key A2 in A's team) share one gateway. Every object type (calls, sessions, bridged,
 * native and background responses, conversations kept by the gateway, held upstream and
 * started from LiteLLM ids, and their items, spend, keys, users, teams) on every read, list, modify,
 * delete and cancel path, in both path forms: nothing crosses, another tenant's object is a
 * 404 (never a 403), the master key sees everything. Then a secrets scan of every answer, log
 * line, call-log row, stored row and span of the suite finds no key and no key hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import conversations from '@switchyard/conversations';
import costTracker from '@switchyard/cost-tracker';
import fileLogger from '@switchyard/logger-file';
import otel from '@switchyard/otel';
import mockProvider from '@switchyard/provider-mock';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startOpenAIEmulator, startOtlpReceiver, tempDbFile, type OpenAIEmulator, type OtlpReceiver, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-tenants-0123456789abcdef';
const UPSTREAM = 'sk-upstream-tenants-0123456789abcdef';
const FORMS = ['/v1', ''] as const;

let emu: OpenAIEmulator;
let rx: OtlpReceiver;
let tracing: ReturnType<typeof otel>;
let t: TestGateway;
const dbFile = tempDbFile();
const logFile = `${dbFile}.calls.jsonl`;
/** Every answer body and header block the suite received, with the key it may show (its own, once). */
const answers: Array<{ text: string; shows?: string }> = [];
const issued: string[] = [];

interface Reply {
  status: number;
  json: Record<string, unknown> & { error?: { code: string | null; param: string | null; type: string } };
}

const record = async (res: Response): Promise<string> => {
  const text = await res.text();
  const shown = /"key":"(sk-[^"]+)"/.exec(text)?.[1];
  if (shown) issued.push(shown);
  answers.push({ text: `${JSON.stringify([...res.headers])}\n${text}`, shows: shown });
  return text;
};

/** A fetch that keeps every answer for the secrets scan (given to the SDK clients too). */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const copy = res.clone();
  void record(copy);
  return res;
};

function as(key: string) {
  const send = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${t.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await record(res);
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Reply['json'] };
  };
  return {
    key,
    sdk: new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0, fetch: recordingFetch }),
    get: (path: string) => send('GET', path),
    post: (path: string, body?: unknown) => send('POST', path, body ?? {}),
    del: (path: string) => send('DELETE', path),
  };
}
type Caller = ReturnType<typeof as>;

let admin: Caller;
let A: Caller & { token: string };
let B: Caller & { token: string };
let A2: Caller & { token: string };

/** What a tenant made: its objects' ids. */
interface Made {
  bridged: string;
  chain: string;
  native: string;
  background: string;
  session: string;
  spendRow: string;
  /** Conversations: kept by the gateway, held upstream (native), started from a LiteLLM id; an item of each. */
  conversations: Array<{ id: string; item: string }>;
}
const made: Record<'A' | 'B', Made> = {} as never;

async function makeObjects(c: Caller, tag: string): Promise<Made> {
  for (let i = 0; i < 2; i++) {
    await c.sdk.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: `${tag} secret prompt ${i}` }] }, { headers: { 'x-session-id': 'shared-session' } });
  }
  const bridged = await c.sdk.responses.create({ model: 'bridged', input: `${tag} first turn` });
  const chain = await c.sdk.responses.create({ model: 'bridged', input: `${tag} second turn`, previous_response_id: bridged.id });
  const native = await c.sdk.responses.create({ model: 'native', input: `${tag} native turn` });
  const background = await c.sdk.responses.create({ model: 'slow', input: `${tag} background`, background: true });
  const convs: Made['conversations'] = [];
  const kept = await c.sdk.conversations.create({ metadata: { tag }, items: [{ type: 'message', role: 'user', content: `${tag} conversation secret` }] });
  const heldUpstream = await c.sdk.conversations.create({ metadata: { tag } });
  const litellm = `litellm_conv_id_${crypto.randomUUID()}`;
  for (const [id, model] of [[kept.id, 'bridged'], [heldUpstream.id, 'native'], [litellm, 'bridged']] as const) {
    const r = await c.sdk.responses.create({ model, conversation: id, input: `${tag} turn in ${model} conversation` });
    convs.push({ id, item: r.output[0]!.id });
  }
  const logs = (await c.get('/spend/logs')).json as unknown as { data: Array<{ id: string }> };
  return { bridged: bridged.id, chain: chain.id, native: native.id, background: background.id, session: bridged.id, spendRow: logs.data[0]!.id, conversations: convs };
}

/** Every way another tenant could reach a conversation or its items, in both path forms: all 404, nothing upstream. */
async function conversationPaths(c: Caller, conv: { id: string; item: string }): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  const base = (p: string) => `${p}/conversations/${conv.id}`;
  for (const p of FORMS) {
    for (const [label, r] of [
      ['GET', await c.get(base(p))],
      ['POST update', await c.post(base(p), { metadata: { stolen: 'yes' } })],
      ['GET items', await c.get(`${base(p)}/items?order=asc`)],
      ['POST items', await c.post(`${base(p)}/items`, { items: [{ type: 'message', role: 'user', content: 'planted' }] })],
      ['GET item', await c.get(`${base(p)}/items/${conv.item}`)],
      ['DELETE item', await c.del(`${base(p)}/items/${conv.item}`)],
      ['POST responses conversation', await c.post(`${p}/responses`, { model: 'bridged', input: 'steal', conversation: conv.id })],
      ['POST responses conversation {id}', await c.post(`${p}/responses`, { model: 'native', input: 'steal', conversation: { id: conv.id } })],
      ['DELETE', await c.del(base(p))],
    ] as const) {
      out.push([`${label} ${base(p).slice(0, 30)}`, r.status]);
      if (r.status === 404) expect(r.json.error).toMatchObject({ type: 'invalid_request_error', message: `Conversation with id '${conv.id}' not found.` });
    }
  }
  return out;
}

beforeAll(async () => {
  emu = await startOpenAIEmulator({ apiKey: UPSTREAM });
  rx = await startOtlpReceiver();
  t = await createTestGateway({
    plugins: [
      sqliteStore({ file: dbFile }),
      sessionTracker(),
      responses(),
      conversations(),
      costTracker(),
      auth({ masterKey: MASTER, cacheTtlMs: 0 }),
      mockProvider(),
      openaiProvider(),
      fileLogger({ path: logFile }),
      (tracing = otel({ endpoint: rx.endpoint, serviceName: 'tenants', captureContent: true })),
    ],
    models: [
      { name: 'bridged', provider: 'mock', model: 'transcript' },
      { name: 'slow', provider: 'mock', model: 'echo', latencyMs: 60_000 },
      { name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: UPSTREAM },
    ],
    storePrompts: true,
  });
  admin = as(MASTER);
  const tenant = async (name: string, team: string, user: string) => {
    const k = (await admin.post('/key/generate', { user_id: user, team_id: team, key_alias: name })).json as { key: string; token: string };
    return Object.assign(as(k.key), { token: k.token });
  };
  await admin.post('/team/new', { team_id: 'team-a' });
  await admin.post('/team/new', { team_id: 'team-b' });
  await admin.post('/user/new', { user_id: 'user-a', team_id: 'team-a', auto_create_key: false });
  await admin.post('/user/new', { user_id: 'user-b', team_id: 'team-b', auto_create_key: false });
  A = await tenant('tenant-a', 'team-a', 'user-a');
  B = await tenant('tenant-b', 'team-b', 'user-b');
  A2 = await tenant('tenant-a2', 'team-a', 'user-a');
  made.A = await makeObjects(A, 'alpha');
  made.B = await makeObjects(B, 'bravo');
});
afterAll(async () => {
  await t?.close();
  await emu?.close();
  await rx?.close();
});

/** Every way another tenant could reach a response, in both path forms: all 404, nothing upstream. */
async function responsePaths(c: Caller, id: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (const p of FORMS) {
    for (const [label, r] of [
      ['GET', await c.get(`${p}/responses/${id}`)],
      ['GET input_items', await c.get(`${p}/responses/${id}/input_items`)],
      ['POST cancel', await c.post(`${p}/responses/${id}/cancel`)],
      ['DELETE', await c.del(`${p}/responses/${id}`)],
      ['POST previous_response_id', await c.post(`${p}/responses`, { model: 'bridged', input: 'steal', previous_response_id: id })],
    ] as const) {
      out.push([`${label} ${p}/responses/${id.slice(0, 12)}`, r.status]);
      if (r.status === 404) expect(r.json.error?.type).toBe('invalid_request_error');
    }
  }
  return out;
}

describe('nothing crosses between tenants', () => {
  it.each([
    ['B', 'A'],
    ['A2 (same team as A)', 'A'],
    ['A', 'B'],
  ] as const)("%s reads, modifies, deletes and cancels none of %s's responses: 404 every time, nothing reaches the upstream", async (who, whose) => {
    const c = who === 'B' ? B : who === 'A' ? A : A2;
    const m = made[whose];
    const upstream = emu.requests.length;
    for (const id of [m.bridged, m.chain, m.native, m.background]) {
      for (const [path, status] of await responsePaths(c, id)) expect(status, path).toBe(404);
    }
    expect(emu.requests.length).toBe(upstream);
  });

  it.each([
    ['B', 'A'],
    ['A2 (same team as A)', 'A'],
    ['A', 'B'],
  ] as const)("%s reaches none of %s's conversations or their items, in any form: 404 every time, nothing upstream, nothing changed", async (who, whose) => {
    const c = who === 'B' ? B : who === 'A' ? A : A2;
    const upstream = emu.requests.length;
    for (const conv of made[whose].conversations) {
      for (const [path, status] of await conversationPaths(c, conv)) expect(status, path).toBe(404);
    }
    expect(emu.requests.length).toBe(upstream);
    const owner = whose === 'A' ? A : B;
    for (const conv of made[whose].conversations) {
      const items = await owner.sdk.conversations.items.list(conv.id, { order: 'asc' });
      expect(items.data.map((i) => i.id)).toContain(conv.item);
      expect(JSON.stringify(items.data)).not.toMatch(/planted|steal/);
      expect((await owner.sdk.conversations.retrieve(conv.id)).metadata).not.toHaveProperty('stolen');
    }
  });

  it("a conversation is its owner's session: listed for it alone, its turns' spans carry gen_ai.conversation.id", async () => {
    const [kept] = made.A.conversations;
    const session = (await A.get(`/v1/sessions/${kept!.id}`)).json as { call_count: number; key_id: string };
    expect(session).toMatchObject({ call_count: 1, key_id: A.token });
    for (const c of [B, A2]) expect((await c.get(`/v1/sessions/${kept!.id}`)).status).toBe(404);
    // (not gateway.flush(): it would wait for the suite's minute-long background responses)
    await tracing.flush(); // the turn's spans, ended in beforeAll, are exported and received once this resolves
    const tagged = rx.spans.filter((sp) => sp.attributes['gen_ai.conversation.id'] === kept!.id);
    expect(tagged.length).toBeGreaterThan(0);
  });

  it("the owner still has every object afterwards (nothing was deleted or cancelled by the other tenant)", async () => {
    for (const [c, m] of [
      [A, made.A],
      [B, made.B],
    ] as const) {
      for (const id of [m.bridged, m.chain, m.native, m.background]) expect((await c.get(`/v1/responses/${id}`)).status).toBe(200);
      const bg = (await c.get(`/v1/responses/${m.background}`)).json as { status: string };
      expect(bg.status).not.toBe('cancelled');
      expect((await c.get(`/v1/responses/${m.chain}/input_items`)).status).toBe(200);
    }
  });

  it('sessions: lists show only the caller\'s; a shared session id is two sessions; another tenant\'s session is a 404', async () => {
    for (const p of FORMS) {
      const listA = (await A.get(`${p}/sessions?limit=100`)).json as unknown as { data: Array<{ id: string; key_id: string }> };
      expect(listA.data.length).toBeGreaterThan(0);
      expect(listA.data.every((s) => s.key_id === A.token)).toBe(true);
      expect(listA.data.map((s) => s.id)).not.toContain(made.B.session);
      const sharedA = (await A.get(`${p}/sessions/shared-session`)).json as { key_id: string; calls: unknown[]; call_count: number };
      expect(sharedA).toMatchObject({ key_id: A.token, call_count: 2 });
      expect(sharedA.calls).toHaveLength(2);
      expect(JSON.stringify(sharedA)).toContain('alpha secret prompt');
      expect(JSON.stringify(sharedA)).not.toContain('bravo');
      for (const c of [B, A2]) expect((await c.get(`${p}/sessions/${made.A.session}`)).status).toBe(404);
      // filters cannot widen a list: another key's id finds nothing
      const byKey = (await B.get(`${p}/sessions?key=${A.token}`)).json as { data: unknown[] };
      expect(byKey.data).toEqual([]);
      expect((await B.get(`${p}/sessions?after=${made.A.session}`)).status).toBe(400); // as for an id that never existed
    }
  });

  it("a chat call naming another tenant's response does not join that tenant's session", async () => {
    const before = ((await A.get(`/v1/sessions/${made.A.session}`)).json as { call_count: number }).call_count;
    const r = await B.sdk.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'join?' }], previous_response_id: made.A.bridged } as never).withResponse();
    expect(r.response.headers.get('x-session-id')).toBeNull();
    expect(((await A.get(`/v1/sessions/${made.A.session}`)).json as { call_count: number }).call_count).toBe(before);
  });

  it("spend: logs and reports show only the caller's key; another key's filter or cursor finds nothing", async () => {
    const logs = (await B.get('/spend/logs?limit=1000')).json as unknown as { data: Array<{ key_id: string }> };
    expect(logs.data.length).toBeGreaterThan(0);
    expect(logs.data.every((r) => r.key_id === B.token)).toBe(true);
    expect(((await B.get(`/spend/logs?key=${A.token}`)).json as { data: unknown[] }).data).toEqual([]);
    const report = (await B.get('/spend/report?group_by=key')).json as { data: Array<{ group: string }> };
    expect(report.data.map((r) => r.group)).toEqual([B.token]);
    expect(((await B.get(`/spend/report?group_by=key&key=${A.token}`)).json as { data: unknown[] }).data).toEqual([]);
    const cursor = await B.get(`/spend/logs?after=${made.A.spendRow}`);
    expect(cursor.status).toBe(400);
    expect(cursor.json.error?.param).toBe('after');
  });

  it("keys, users and teams: another tenant's are a 404, in every form they can be named", async () => {
    for (const path of [`/key/info?key=${A.token}`, `/key/info?key=${encodeURIComponent(A.key)}`, '/user/info?user_id=user-a', '/team/info?team_id=team-a']) {
      const r = await B.get(path);
      expect(r.status, path).toBe(404);
    }
    expect((await B.post(`/key/${A.token}/regenerate`)).status).toBe(404);
    expect(((await B.get('/key/list')).json as { keys: string[] }).keys).toEqual([B.token]);
    const info = (await A2.get('/team/info?team_id=team-a')).json as { keys: Array<{ token: string }> };
    expect(info.keys.map((k) => k.token)).toEqual([A2.token]); // a team member sees the team, not the other keys' details
  });

  it('in-process calls run as the principal they are given, and not at all without one', async () => {
    const out = await t.gateway.call({ principal: { keyId: B.token, userId: 'user-b', teamId: 'team-b' }, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'in-process' }] }, sessionId: 'in-process-b' });
    expect(out.type).toBe('completion'); // recorded before the call returned (the record hook)
    expect((await B.get('/v1/sessions/in-process-b')).status).toBe(200);
    expect((await A.get('/v1/sessions/in-process-b')).status).toBe(404);
    await expect(t.gateway.call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'who?' }] } })).rejects.toMatchObject({ status: 401 });
  });
});

describe('the master key sees everything', () => {
  it("lists every tenant's sessions and spend, and reads every tenant's objects", async () => {
    const sessions = (await admin.get('/v1/sessions?limit=100')).json as unknown as { data: Array<{ id: string; key_id: string }> };
    const owners = new Set(sessions.data.map((s) => s.key_id));
    expect(owners.has(A.token) && owners.has(B.token)).toBe(true);
    for (const m of [made.A, made.B]) {
      for (const id of [m.bridged, m.native, m.background]) expect((await admin.get(`/v1/responses/${id}`)).status).toBe(200);
      for (const conv of m.conversations) {
        expect((await admin.get(`/v1/conversations/${conv.id}`)).status).toBe(200);
        expect((await admin.get(`/conversations/${conv.id}/items/${conv.item}`)).status).toBe(200);
      }
      expect((await admin.get(`/sessions/${m.session}`)).status).toBe(200);
    }
    const shared = (await admin.get(`/v1/sessions/shared-session?key=${B.token}`)).json as { key_id: string };
    expect(shared.key_id).toBe(B.token);
    expect(JSON.stringify(shared)).toContain('bravo secret prompt');
    const spend = (await admin.get('/spend/report?group_by=key')).json as { data: Array<{ group: string }> };
    expect(spend.data.map((r) => r.group)).toEqual(expect.arrayContaining([A.token, B.token]));
    expect(((await admin.get(`/key/info?key=${A.token}`)).json as { info: { key_alias: string } }).info.key_alias).toBe('tenant-a');
    for (const m of [made.A, made.B]) expect(((await admin.post(`/v1/responses/${m.background}/cancel`)).json as { status: string }).status).toBe('cancelled');
    expect((await admin.del(`/v1/responses/${made.B.chain}`)).status).toBe(200);
  });
});

describe('secrets', () => {
  it('an upstream error that echoes keys reaches the client and the call log scrubbed', async () => {
    emu.fault({ status: 400, body: { error: { message: `bad key ${UPSTREAM}; client sent Authorization: Bearer ${A.key} and x-api-key: ${A.key}`, type: 'invalid_request_error' } } });
    const e = await A.sdk.responses.create({ model: 'native', input: 'fail' }).catch((x: unknown) => x as Error);
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e.message).toContain('[redacted]');
    expect(e.message).not.toContain(A.key);
  });

  it('no answer, log line, call-log or stored row, logger line or span of the suite holds a key or a key hash', async () => {
    await t.gateway.flush();
    await t.close(); // flushes the span exporter and the file logger
    const secrets = [MASTER, UPSTREAM, ...new Set(issued)];
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const hashes = secrets.map((s) => createHash('sha256').update(s).digest('hex'));
    const scan = (label: string, text: string, allowed?: string) => {
      for (const s of secrets) if (s !== allowed && text.includes(s)) throw new Error(`${label} holds the key ${s.slice(0, 6)}…: ${text.slice(0, 300)}`);
      for (const h of hashes) if (text.includes(h)) throw new Error(`${label} holds a key hash: ${text.slice(0, 300)}`);
    };
    expect(answers.length).toBeGreaterThan(100);
    for (const a of answers) scan('an answer', a.text, a.shows);
    for (const m of t.diagnostics.messages) scan('a log line', inspect(m, { depth: 8 }));
    for (const line of readFileSync(logFile, 'utf8').split('\n')) scan('a file-logger line', line);
    expect(rx.spans.length).toBeGreaterThan(10);
    for (const s of rx.spans) scan('a span', JSON.stringify(s));
    const db = new Database(dbFile, { readonly: true });
    try {
      const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['sy_calls', 'sy_sessions', 'sy_spend_logs', 'sy_responses', 'sy_keys', 'sy_conversations', 'sy_conversation_items']));
      for (const table of tables) {
        for (const row of db.prepare(`select * from "${table}"`).all()) {
          const text = JSON.stringify(row);
          if (table === 'sy_keys') {
            for (const s of secrets) expect(text.includes(s), `sy_keys holds a key in plain text`).toBe(false);
          } else scan(`a row of ${table}`, text);
        }
      }
      // what the key table holds instead: the hash of each issued key, nothing else of it
      const stored = (db.prepare('select hash from sy_keys').all() as Array<{ hash: string }>).map((r) => r.hash);
      expect(stored).toContain(createHash('sha256').update(A.key).digest('hex'));
    } finally {
      db.close();
    }
  });
});
