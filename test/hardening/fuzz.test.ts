/**
 * The bad-input fuzzer: property-based (fast-check) requests to every endpoint of the default
 * plugin set (conversations and their items included) plus @switchyard/auth (the key, user and
 * team API), in both path forms, with the
 * master key, no key, a wrong key or key headers of every kind: random and mutated bodies,
 * wrong types, huge and deep values, unicode edge cases, invalid ids, odd headers and content
 * types. Every answer is a
 * success or a 4xx in the OpenAI error shape (never a 5xx from the gateway itself), the
 * gateway never stops serving, its event loop never stalls, and the store is consistent
 * afterwards. `FUZZ_RUNS=100000 npx vitest run test/hardening/fuzz.test.ts` is the long run.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import auth from '@switchyard/auth';
import conversations from '@switchyard/conversations';
import costTracker from '@switchyard/cost-tracker';
import embeddings from '@switchyard/embeddings';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const MASTER = 'sk-master-fuzz-0123456789abcdef';
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// models that answer, fail as a client error, or do not exist; never the mock's 5xx models,
// whose 5xx is the emulated provider's, not the gateway's
const MODELS = ['mock/echo', 'mock/lorem', 'mock/tool', 'mock/transcript', 'mock/drop', 'mock/error-400', 'mock/error-429', 'mock/nope', 'nope/echo', 'echo', '', 'mock/embed'];

// LiteLLM ids start a conversation on first use (beforeAll starts the first two): the fuzzer reaches live ones
const CONVERSATION_IDS = ['litellm_conv_id_fuzz-a', 'litellm_conv_id_fuzz-b', 'litellm_conv_id_fuzz-c', 'conv_nope', 'conv_', 'x', 'litellm_conv_id_', 'conv_%2F..'];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates, astral planes
  fc.constantFrom('', ' ', '\u0000', '\n', '日本語', '☕', '\uD800', '\u202E', 'a'.repeat(300)),
);
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, -1, 0, 1e308, -0, 2 ** 53 + 1, [], {}, '') },
  { weight: 1, arbitrary: text },
);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer'), jsonish),
    content: fc.oneof(text, fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'input_audio', 'x'), text }), { maxLength: 3 }), jsonish),
    tool_call_id: text,
    tool_calls: fc.array(fc.record({ id: text, type: fc.constant('function'), function: fc.record({ name: text, arguments: text }) }), { maxLength: 2 }),
  },
  { requiredKeys: ['role'] },
);
const chatBody = fc.record(
  {
    model: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...MODELS) }, { weight: 1, arbitrary: jsonish }),
    messages: fc.oneof({ weight: 5, arbitrary: fc.array(message, { maxLength: 4 }) }, { weight: 1, arbitrary: jsonish }),
    stream: fc.oneof(fc.boolean(), jsonish),
    max_tokens: fc.oneof(fc.integer({ min: -3, max: 80 }), fc.constantFrom(0, 65_537, 1e9, 1e300, 1.5), jsonish),
    temperature: fc.oneof(fc.double({ min: -1, max: 3, noNaN: true }), jsonish),
    n: fc.oneof(fc.integer({ min: -1, max: 200 }), jsonish),
    stop: fc.oneof(text, fc.array(text, { maxLength: 6 }), jsonish),
    tools: fc.array(fc.record({ type: fc.constant('function'), function: fc.record({ name: text, parameters: jsonish }) }), { maxLength: 2 }),
    tool_choice: fc.oneof(fc.constantFrom('none', 'auto', 'required'), jsonish),
    response_format: fc.oneof(fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema', 'xml') }), jsonish),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 3 }), jsonish),
    stream_options: fc.oneof(fc.record({ include_usage: fc.boolean() }), jsonish),
    user: text,
  },
  { requiredKeys: ['model', 'messages'] },
);
const responsesBody = fc.record(
  {
    model: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...MODELS) }, { weight: 1, arbitrary: jsonish }),
    input: fc.oneof(text, fc.array(fc.record({ type: fc.constantFrom('message', 'function_call_output', 'x'), role: fc.constantFrom('user', 'assistant', 'x'), content: fc.oneof(text, jsonish), output: text, call_id: text })), jsonish),
    instructions: fc.oneof(text, jsonish),
    stream: fc.oneof(fc.boolean(), jsonish),
    store: fc.oneof(fc.boolean(), jsonish),
    background: fc.oneof(fc.boolean(), jsonish),
    previous_response_id: fc.oneof(text, fc.constantFrom('resp_n0000', 'resp_abc'), jsonish),
    max_output_tokens: fc.oneof(fc.integer({ min: -2, max: 70_000 }), jsonish),
    tools: fc.oneof(fc.array(fc.record({ type: fc.constantFrom('function', 'web_search', 'file_search'), name: text })), jsonish),
    text: fc.oneof(fc.record({ format: fc.record({ type: fc.constantFrom('text', 'json_schema', 'json_object', 'x') }) }), jsonish),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 3 }), jsonish),
    conversation: fc.oneof(fc.constantFrom(...CONVERSATION_IDS), fc.record({ id: fc.oneof(fc.constantFrom(...CONVERSATION_IDS), text) }), text, jsonish),
    truncation: fc.oneof(fc.constantFrom('auto', 'disabled', 'sometimes'), jsonish),
  },
  { requiredKeys: ['model'] },
);
const conversationItem = fc.oneof(
  fc.record(
    {
      type: fc.oneof(fc.constantFrom('message', 'function_call', 'function_call_output', 'reasoning', 'item_reference', 'web_search_call', 'x'), jsonish),
      role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool'), jsonish),
      content: fc.oneof(text, fc.array(fc.record({ type: fc.constantFrom('input_text', 'output_text', 'input_image', 'refusal', 'x'), text, refusal: text }), { maxLength: 3 }), jsonish),
      id: fc.oneof(fc.constantFrom('msg_1', 'msg_1', 'fc_1', '../x', ''), text),
      call_id: text,
      name: text,
      arguments: text,
      output: fc.oneof(text, jsonish),
      summary: fc.oneof(fc.array(fc.record({ type: fc.constant('summary_text'), text })), jsonish),
    },
    { requiredKeys: [] },
  ),
  jsonish,
);
const conversationBody = fc.record(
  {
    items: fc.oneof({ weight: 4, arbitrary: fc.array(conversationItem, { maxLength: 22 }) }, { weight: 1, arbitrary: jsonish }),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 18 }), jsonish),
  },
  { requiredKeys: [] },
);

/** A body as text: valid-ish JSON, JSON of any shape, huge, deeply nested, or not JSON at all. */
const tokenIds = fc.array(fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 200_000 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER) }), { maxLength: 6 });
const embeddingsBody = fc.record(
  {
    model: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('mock/embed', 'mock/embed', 'mock/echo', 'mock/error-400', 'mock/error-429', 'mock/nope', 'nope/embed', '') }, { weight: 1, arbitrary: jsonish }),
    input: fc.oneof(
      text,
      fc.array(text, { maxLength: 5 }),
      tokenIds,
      fc.array(tokenIds, { maxLength: 4 }),
      fc.array(fc.oneof(text, tokenIds, jsonish), { maxLength: 4 }), // mixed forms
      fc.constantFrom([], [[]], '', Array.from({ length: 2049 }, () => 'x')),
      jsonish,
    ),
    encoding_format: fc.oneof(fc.constantFrom('float', 'base64', 'int8', ''), jsonish),
    dimensions: fc.oneof(fc.integer({ min: -2, max: 2_000 }), fc.constantFrom(0, 1.5, 1e9), jsonish),
    user: fc.oneof(text, jsonish),
    stream: fc.oneof(fc.boolean(), jsonish),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 3 }), jsonish),
  },
  { requiredKeys: ['model', 'input'] },
);

const bodyText = (shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 10, arbitrary: shaped.map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_000 }).map((n) => `${'['.repeat(n)}1${']'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_000 }).map((n) => `{"model":"mock/echo","messages":[{"role":"user","content":"x"}],"metadata":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`) },
    { weight: 1, arbitrary: fc.integer({ min: 900_000, max: 1_200_000 }).map((n) => JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(n) }] })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 12_000 }).map((n) => JSON.stringify({ model: 'mock/echo', messages: Array.from({ length: n }, () => ({ role: 'user', content: 'm' })) })) },
    { weight: 1, arbitrary: shaped.map((b) => JSON.stringify(b).slice(0, -1)) }, // truncated
  );

const id = fc.oneof(fc.constantFrom('resp_1', 'resp_n' + 'A'.repeat(60), 'x', '..', '%00', '%2F..%2F', 'resp_%E6%97%A5'), fc.string({ maxLength: 30 }).map(encodeURIComponent));
const prefix = fc.constantFrom('/v1', '');
const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=z', 'application/json; charset=latin1', '') });
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
// mostly the master key (so the fuzzer reaches every route), sometimes none, a wrong one, or another header
const credentials = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ authorization: `Bearer ${MASTER}` }) },
  { weight: 1, arbitrary: fc.constant({ 'api-key': MASTER }) },
  { weight: 1, arbitrary: fc.constant({ 'x-api-key': MASTER }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: headerValue.map((v) => ({ authorization: v })) },
  { weight: 1, arbitrary: headerValue.map((v) => ({ 'x-api-key': v, authorization: `Bearer ${v}` })) },
);
const headers = fc
  .tuple(fc.record({ 'x-session-id': headerValue, 'x-request-id': headerValue, 'x-litellm-session-id': headerValue }, { requiredKeys: [] }), credentials)
  .map(([h, c]) => ({ ...h, ...c }));

const keyFields = fc.record(
  {
    key: fc.oneof(text, fc.constantFrom('sk-' + 'a'.repeat(30), 'key_000000000000000000000000', MASTER), jsonish),
    keys: fc.oneof(fc.array(text, { maxLength: 3 }), jsonish),
    key_aliases: fc.oneof(fc.array(text, { maxLength: 3 }), jsonish),
    key_alias: fc.oneof(text, jsonish),
    models: fc.oneof(fc.array(fc.constantFrom(...MODELS, '*', 'mock/*'), { maxLength: 3 }), jsonish),
    max_budget: fc.oneof(fc.double({ min: -1, max: 100, noNaN: true }), jsonish),
    budget_duration: fc.oneof(fc.constantFrom('30s', '1h', '30d', '1mo', '0d', 'forever', ''), jsonish),
    duration: fc.oneof(fc.constantFrom('20m', '1y', 'x'), jsonish),
    rpm_limit: fc.oneof(fc.integer({ min: -1, max: 1e6 }), jsonish),
    tpm_limit: fc.oneof(fc.integer({ min: -1, max: 1e9 }), jsonish),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 3 }), jsonish),
    user_id: fc.oneof(fc.constantFrom('fuzz-user', 'u2'), text, jsonish),
    team_id: fc.oneof(fc.constantFrom('fuzz-team', 't2'), text, jsonish),
    user_ids: fc.oneof(fc.array(fc.constantFrom('fuzz-user', 'u2', 'nobody'), { maxLength: 2 }), jsonish),
    team_ids: fc.oneof(fc.array(fc.constantFrom('fuzz-team', 't2', 'none'), { maxLength: 2 }), jsonish),
    user_role: fc.oneof(fc.constantFrom('proxy_admin', 'internal_user', 'app_user', 'root'), jsonish),
    members_with_roles: fc.oneof(fc.array(fc.record({ user_id: text, role: fc.constantFrom('admin', 'user', 'x') }), { maxLength: 2 }), jsonish),
    blocked: fc.oneof(fc.boolean(), jsonish),
    new_key: fc.oneof(text, fc.constant('sk-' + 'b'.repeat(30)), jsonish),
    auto_create_key: fc.oneof(fc.boolean(), jsonish),
    model_max_budget: jsonish,
    max_parallel_requests: jsonish,
  },
  { requiredKeys: [] },
);
const keyRoute = fc.constantFrom(
  'POST /key/generate', 'POST /key/update', 'POST /key/delete', 'POST /key/regenerate', 'POST /key/block', 'POST /key/unblock',
  'POST /user/new', 'POST /user/update', 'POST /user/delete', 'POST /team/new', 'POST /team/update', 'POST /team/delete', 'POST /team/block', 'POST /team/unblock',
  'GET /key/info', 'GET /key/list', 'GET /user/info', 'GET /user/list', 'GET /team/info', 'GET /team/list', 'POST /key/:id/regenerate',
);
const keyQuery = fc.constantFrom('', '?key=sk-nope', '?key=key_000000000000000000000000', '?user_id=fuzz-user', '?team_id=fuzz-team', '?page=0', '?size=1000', '?page=2&size=1', '?return_full_object=maybe', '?page_size=abc', '?key=%00');

const routed: fc.Arbitrary<Req> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ route: keyRoute, q: keyQuery, id, body: bodyText(keyFields), ct: contentType, h: headers }).map(({ route, q, id: kid, body, ct, h }) => {
      const [method, p] = route.split(' ') as [string, string];
      return method === 'GET'
        ? { method, path: `${p}${q}`, headers: h }
        : { method, path: p.replace(':id', kid), headers: { ...h, ...(ct ? { 'content-type': ct } : {}) }, body };
    }),
  },
  { weight: 6, arbitrary: fc.record({ p: prefix, body: bodyText(chatBody), ct: contentType, h: headers }).map(({ p, body, ct, h }) => ({ method: 'POST', path: `${p}/chat/completions`, headers: { ...h, ...(ct ? { 'content-type': ct } : {}) }, body })) },
  { weight: 5, arbitrary: fc.record({ p: prefix, body: bodyText(responsesBody), ct: contentType, h: headers }).map(({ p, body, ct, h }) => ({ method: 'POST', path: `${p}/responses`, headers: { ...h, ...(ct ? { 'content-type': ct } : {}) }, body })) },
  { weight: 4, arbitrary: fc.record({ p: prefix, body: bodyText(embeddingsBody), ct: contentType, h: headers }).map(({ p, body, ct, h }) => ({ method: 'POST', path: `${p}/embeddings`, headers: { ...h, ...(ct ? { 'content-type': ct } : {}) }, body })) },
  {
    weight: 3,
    arbitrary: fc.record({ p: prefix, id, m: fc.constantFrom('GET', 'DELETE', 'POST', 'PUT', 'PATCH'), sub: fc.constantFrom('', '/input_items', '/cancel', '/input_items?limit=-1', '/input_items?limit=abc&order=sideways&after=zzz') }).map(({ p, id: rid, m, sub }) => ({
      method: m,
      path: `${p}/responses/${rid}${sub}`,
      headers: m === 'GET' || m === 'DELETE' ? {} : { 'content-type': 'application/json' },
      body: m === 'GET' || m === 'DELETE' ? undefined : '{}',
    })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        p: prefix,
        cid: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONVERSATION_IDS) }, { weight: 1, arbitrary: id }),
        item: fc.oneof(fc.constantFrom('msg_1', 'fc_1', 'nope', '%00'), id),
        sub: fc.constantFrom('', '/items', '/items/:item', '/items?limit=0', '/items?limit=3&order=asc', '/items?order=sideways', '/items?after=msg_1&limit=2', '/items?include[]=message.output_text.logprobs', '/items?include=everything', '/items/:item?include[]=x'),
        m: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        root: fc.boolean(),
        body: bodyText(conversationBody),
        ct: contentType,
      })
      .map(({ p, cid, item, sub, m, root, body, ct }) => ({
        method: m,
        path: root ? `${p}/conversations` : `${p}/conversations/${cid}${sub.replace(':item', item)}`,
        headers: m === 'POST' || m === 'PUT' ? (ct ? { 'content-type': ct } : {}) : {},
        body: m === 'POST' || m === 'PUT' ? body : undefined,
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        p: prefix,
        path: fc.constantFrom('/sessions', '/sessions/', '/models', '/models/mock/echo', '/models/nope'),
        q: fc.constantFrom('', '?limit=0', '?limit=101', '?limit=-5', '?after=zzz', '?from=yesterday', '?to=1e400', '?key=%00', '?include_bodies=maybe', '?limit=5&after=%E6%97%A5'),
        sid: id,
      })
      .map(({ p, path, q, sid }) => ({ method: 'GET', path: `${p}${path}${path === '/sessions/' ? sid : ''}${q}`, headers: {} })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ path: fc.constantFrom('/spend/logs', '/spend/report', '/health/readiness', '/health/liveliness', '/v1/nothing', '/', '/v1'), q: fc.constantFrom('', '?group_by=planet', '?group_by=day&from=x', '?limit=1000000', '?session=%F0%9F%98%80'), m: fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'OPTIONS') })
      .map(({ path, q, m }) => ({ method: m, path: `${path}${q}`, headers: m === 'POST' ? { 'content-type': 'application/json' } : {}, body: m === 'POST' ? '{}' : undefined })),
  },
);

// requests built without credentials get some (the master key mostly) so they reach their route
const request: fc.Arbitrary<Req> = fc
  .tuple(routed, credentials)
  .map(([r, c]) => ('authorization' in r.headers || 'api-key' in r.headers || 'x-api-key' in r.headers ? r : { ...r, headers: { ...c, ...r.headers } }));

describe('bad-input fuzzer (every endpoint, both path forms)', () => {
  let t: TestGateway;
  let dbFile: string;

  /**
   * The longest the event loop did not turn, counting only time this process was on a CPU:
   * a 5 ms ticker notes each gap and the process CPU time spent in it, so a gap caused by
   * other processes taking the two cores (CI runs test files side by side) does not count.
   */
  function stallMeter() {
    let worst = 0;
    let wall = performance.now();
    let cpu = process.cpuUsage();
    const timer = setInterval(() => {
      const w = performance.now();
      const c = process.cpuUsage(cpu);
      const stall = Math.min(w - wall, (c.user + c.system) / 1000);
      if (w - wall > 20 && stall > worst) worst = stall;
      wall = w;
      cpu = process.cpuUsage();
    }, 5);
    return { stop: () => (clearInterval(timer), worst) };
  }
  const tally = { requests: 0, ok: 0, clientErrors: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    dbFile = tempDbFile();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: dbFile }), sessionTracker(), responses(), embeddings(), conversations(), costTracker(), auth({ masterKey: MASTER }), mockProvider()],
      server: { bodyLimit: '1mb' },
      storePrompts: true,
    });
    const master = new OpenAI({ apiKey: MASTER, baseURL: t.url, maxRetries: 0 });
    for (const conversation of CONVERSATION_IDS.slice(0, 2)) await master.responses.create({ model: 'mock/transcript', conversation, input: 'seed' });
  });
  afterAll(() => t.close());

  it(`answers ${RUNS} fuzzed requests with a success or an OpenAI-shaped 4xx, and never stalls`, { timeout: Math.max(120_000, RUNS * 20) }, async () => {
    const meter = stallMeter();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        tally.requests++;
        const res = await fetch(`${t.origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
        const bodyText = await res.text();
        tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${r.method} ${r.path} → ${res.status} ${bodyText.slice(0, 300)}\nbody: ${r.body?.slice(0, 300)}`);
        if (res.status >= 400) {
          tally.clientErrors++;
          if (r.method === 'HEAD') return;
          const e = (JSON.parse(bodyText) as { error: Record<string, unknown> }).error;
          expect(typeof e.message).toBe('string');
          expect(typeof e.type).toBe('string');
          expect(e.param === null || typeof e.param === 'string').toBe(true);
          expect(e.code === null || typeof e.code === 'string').toBe(true);
        } else {
          tally.ok++;
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const stallMs = meter.stop();
    console.log(`fuzz: ${tally.requests} requests, ${tally.ok} ok, ${tally.clientErrors} 4xx, 0 5xx; statuses ${JSON.stringify([...tally.byStatus].sort((a, b) => a[0] - b[0]))}; longest event-loop stall ${stallMs.toFixed(1)} ms`);
    // the gateway runs in this process: a stall here is the gateway's (plus the fuzzer's own generation)
    expect(stallMs).toBeLessThan(100);
  });

  it('still serves, and the store is consistent: every call finished, sessions add up, stored responses parse', async () => {
    const master = new OpenAI({ apiKey: MASTER, baseURL: t.url, maxRetries: 0 });
    const r = await master.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'after the storm' }] });
    expect(r.choices[0]!.message.content).toBe('after the storm');
    await t.gateway.flush();
    const db = new Database(dbFile, { readonly: true });
    try {
      const mismatched = db
        .prepare(
          `select s.id, s.call_count, count(c.id) as calls from sy_sessions s left join sy_calls c on c.session_id = s.id and c.owner = s.owner
           group by s.owner, s.id having s.call_count != count(c.id)`,
        )
        .all();
      expect(mismatched).toEqual([]);
      const unfinished = db.prepare('select count(*) as n from sy_calls where ended_at is null').get() as { n: number };
      expect(unfinished.n).toBe(0);
      for (const row of db.prepare('select response_json, input_json from sy_responses').iterate() as Iterable<{ response_json: string; input_json: string }>) {
        expect(() => JSON.parse(row.response_json)).not.toThrow();
        expect(() => JSON.parse(row.input_json)).not.toThrow();
      }
      // conversations: items parse, numbered below their conversation's next number, none left of a deleted one
      for (const row of db.prepare('select item_json from sy_conversation_items').iterate() as Iterable<{ item_json: string }>) {
        expect(JSON.parse(row.item_json)).toMatchObject({ id: expect.any(String), type: expect.any(String) });
      }
      const misnumbered = db.prepare('select i.conversation_id from sy_conversation_items i join sy_conversations c on c.id = i.conversation_id where i.seq >= c.next_seq or c.deleted = 1').all();
      expect(misnumbered).toEqual([]);
    } finally {
      db.close();
    }
  });
});
