/**
 * The Assistants API objects over real HTTP with the official SDK: assistants, threads and
 * messages created, listed in both orders with after/before, retrieved, modified, deleted;
 * LiteLLM's curl forms with and without /v1; every bad input a 4xx in the OpenAI shape with
 * `param`, nothing half-written.
 */
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistants, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

let t: TestGateway;
const file = tempDbFile();

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [sqliteStore({ file }), assistants(), mockProvider()],
    models: [{ name: 'claude-sonnet', provider: 'mock', model: 'echo' }],
  });
});
afterAll(async () => {
  await t.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${t.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { message: string; type: string; param: string | null; code: string | null } } };
};
const get = async (path: string) => {
  const res = await fetch(`${t.origin}${path}`);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { message: string; type: string; param: string | null; code: string | null } } };
};
const rows = (table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

async function expectError(p: Promise<unknown>, status: number, param: string | null, message?: string | RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  const e = err as InstanceType<typeof OpenAI.APIError>;
  expect(e.status).toBe(status);
  expect(e.param).toBe(param);
  expect(e.type).toBe('invalid_request_error');
  if (message) expect(e.message).toMatch(message);
}

describe('assistants', () => {
  it('create, retrieve, modify, delete', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'add', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } } }];
    const a = await t.client.beta.assistants.create({ model: 'claude-sonnet', name: 'Math Tutor', instructions: 'You are a personal math tutor.', tools, metadata: { tier: 'gold' } });
    expect(a.id).toMatch(/^asst_[A-Za-z0-9]{24}$/);
    expect(a).toMatchObject({ object: 'assistant', name: 'Math Tutor', description: null, model: 'claude-sonnet', instructions: 'You are a personal math tutor.', tools, metadata: { tier: 'gold' }, response_format: 'auto' });
    expect(typeof a.created_at).toBe('number');
    expect(await t.client.beta.assistants.retrieve(a.id)).toEqual(a);
    const m = await t.client.beta.assistants.update(a.id, { name: 'Algebra Tutor', metadata: { tier: 'silver' }, temperature: 0.2 });
    expect(m).toMatchObject({ id: a.id, name: 'Algebra Tutor', instructions: a.instructions, metadata: { tier: 'silver' }, temperature: 0.2 });
    expect(await t.client.beta.assistants.retrieve(a.id)).toEqual(m);
    expect(await t.client.beta.assistants.delete(a.id)).toEqual({ id: a.id, object: 'assistant.deleted', deleted: true });
    await expectError(t.client.beta.assistants.retrieve(a.id), 404, 'assistant_id', `No assistant found with id '${a.id}'.`);
    await expectError(t.client.beta.assistants.delete(a.id), 404, 'assistant_id');
  });

  it('lists in both orders, with limit, after and before; the SDK pages through all', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await t.client.beta.assistants.create({ model: 'claude-sonnet', name: `list-${i}`, metadata: { list: 'yes' } })).id);
    const all: string[] = [];
    for await (const a of t.client.beta.assistants.list({ order: 'asc', limit: 2 })) if (a.metadata && (a.metadata as Record<string, string>).list === 'yes') all.push(a.id);
    expect(all).toEqual(made);

    const desc = await t.client.beta.assistants.list({ order: 'desc', limit: 20 });
    const mine = desc.data.filter((a) => made.includes(a.id)).map((a) => a.id);
    expect(mine).toEqual([...made].reverse());

    const asc = await get(`/v1/assistants?order=asc&limit=2&after=${made[1]}`);
    expect(asc.json).toMatchObject({ object: 'list', first_id: made[2], last_id: made[3], has_more: true });
    expect((asc.json.data as Array<{ id: string }>).map((a) => a.id)).toEqual([made[2], made[3]]);

    const before = await get(`/assistants?order=asc&limit=2&before=${made[3]}`);
    expect((before.json.data as Array<{ id: string }>).map((a) => a.id)).toEqual([made[1], made[2]]);
    expect(before.json.has_more).toBe(true);

    const descBefore = await get(`/v1/assistants?order=desc&limit=10&before=${made[2]}`);
    expect((descBefore.json.data as Array<{ id: string }>).map((a) => a.id)).toEqual([made[4], made[3]]);
    expect(descBefore.json).toMatchObject({ has_more: false, first_id: made[4], last_id: made[3] });

    const between = await get(`/v1/assistants?order=asc&after=${made[0]}&before=${made[4]}`);
    expect((between.json.data as Array<{ id: string }>).map((a) => a.id)).toEqual([made[1], made[2], made[3]]);

    const empty = await get(`/v1/assistants?order=desc&after=${made[0]}&before=${made[4]}`);
    expect(empty.json).toMatchObject({ data: [], first_id: null, last_id: null, has_more: false });
  });

  it('bad input: a 400 naming the field, nothing stored', async () => {
    const before = rows('sy_asst_assistants');
    await expectError(t.client.beta.assistants.create({} as never), 400, 'model', "Missing required parameter: 'model'.");
    await expectError(t.client.beta.assistants.create({ model: 'no-such-model' }), 400, 'model', "The requested model 'no-such-model' does not exist.");
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', tools: [{ type: 'function', function: { name: 'bad name!' } }] }), 400, 'tools[0].function.name');
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', temperature: 3 }), 400, 'temperature');
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }), 400, 'metadata');
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', colour: 'blue' } as never), 400, 'colour', /Unrecognized request argument supplied: colour/);
    // tools no provider here can run: a clear 400 naming the tool and the model
    await expectError(
      t.client.beta.assistants.create({ model: 'claude-sonnet', tools: [{ type: 'function', function: { name: 'ok' } }, { type: 'code_interpreter' }] }),
      400,
      'tools[1]',
      /The tool 'code_interpreter' is not supported on model 'claude-sonnet'/,
    );
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', tools: [{ type: 'file_search' }] }), 400, 'tools[0]', /'file_search' is not supported on model 'claude-sonnet'/);
    await expectError(t.client.beta.assistants.create({ model: 'claude-sonnet', tool_resources: { file_search: { vector_store_ids: ['vs_1'] } } }), 400, 'tool_resources.file_search');
    const a = await t.client.beta.assistants.create({ model: 'claude-sonnet' });
    await expectError(t.client.beta.assistants.update(a.id, { tools: [{ type: 'code_interpreter' }] }), 400, 'tools[0]', /'code_interpreter' is not supported on model 'claude-sonnet'/);
    await expectError(t.client.beta.assistants.update(a.id, { model: 'gpt-nope' }), 400, 'model');
    expect(await t.client.beta.assistants.retrieve(a.id)).toEqual(a); // unchanged
    await expectError(t.client.beta.assistants.retrieve('thread_abc'), 400, 'assistant_id', "Invalid 'assistant_id': 'thread_abc'. Expected an ID that begins with 'asst'.");
    await expectError(get('/v1/assistants?limit=0').then((r) => Promise.reject(new OpenAI.APIError(r.status, r.json.error, r.json.error?.message, new Headers()))), 400, 'limit');
    await expectError(t.client.beta.assistants.list({ after: 'asst_nope' }), 400, 'after');
    expect(rows('sy_asst_assistants')).toBe(before + 1);
  });

  it("LiteLLM's curl calls: POST /v1/assistants, GET ?order=desc&limit=20, and the forms without /v1", async () => {
    const made = await post('/assistants', { instructions: 'You are a personal math tutor.', name: 'Math Tutor', tools: [], model: 'claude-sonnet' });
    expect(made.status).toBe(200);
    const listed = await get('/v1/assistants?order=desc&limit=20');
    expect((listed.json.data as Array<{ id: string }>)[0]!.id).toBe(made.json.id);
    expect((await get(`/assistants/${made.json.id as string}`)).json).toEqual(made.json);
    const bad = await post('/v1/assistants', '{"model": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error?.type).toBe('invalid_request_error');
  });
});

describe('threads and messages', () => {
  it('a thread made with an empty body, retrieved, modified, deleted with its messages', async () => {
    const empty = await post('/v1/threads', {});
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ object: 'thread', tool_resources: null, metadata: {} });
    expect((empty.json.id as string).startsWith('thread_')).toBe(true);
    const fetched = await get(`/threads/${empty.json.id as string}`);
    expect(fetched.json).toEqual(empty.json);
    // no body at all, as curl -X POST sends it
    const bare = await fetch(`${t.origin}/threads`, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { object: string }).object).toBe('thread');
    const typed = await fetch(`${t.origin}/v1/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(typed.status).toBe(200);
    // other routes still want their JSON
    expect((await fetch(`${t.origin}/v1/assistants`, { method: 'POST' })).status).toBe(400);

    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: "Hey, how's it going?" }], metadata: { user: 'ada' } });
    const m = await t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'How does AI work? Explain it in simple terms.' });
    expect(m).toMatchObject({
      object: 'thread.message',
      thread_id: thread.id,
      role: 'user',
      assistant_id: null,
      run_id: null,
      status: 'completed',
      incomplete_details: null,
      incomplete_at: null,
      attachments: [],
      metadata: {},
      content: [{ type: 'text', text: { value: 'How does AI work? Explain it in simple terms.', annotations: [] } }],
    });
    const asc = await t.client.beta.threads.messages.list(thread.id, { order: 'asc' });
    expect(asc.data.map((x) => x.content[0]!.type === 'text' && x.content[0]!.text.value)).toEqual(["Hey, how's it going?", 'How does AI work? Explain it in simple terms.']);
    const desc = await t.client.beta.threads.messages.list(thread.id);
    expect(desc.data.map((x) => x.id)).toEqual(asc.data.map((x) => x.id).reverse());
    const page = await t.client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 1, after: asc.data[0]!.id });
    expect(page.data.map((x) => x.id)).toEqual([m.id]);
    expect(page.has_more).toBe(false);
    const beforePage = await t.client.beta.threads.messages.list(thread.id, { order: 'asc', before: m.id });
    expect(beforePage.data.map((x) => x.id)).toEqual([asc.data[0]!.id]);

    expect(await t.client.beta.threads.messages.retrieve(m.id, { thread_id: thread.id })).toEqual(m);
    const mod = await t.client.beta.threads.messages.update(m.id, { thread_id: thread.id, metadata: { flag: 'x' } });
    expect(mod.metadata).toEqual({ flag: 'x' });
    const parts = await t.client.beta.threads.messages.create(thread.id, {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      ],
    });
    expect(parts.content).toEqual([
      { type: 'text', text: { value: 'Look:', annotations: [] } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'auto' } },
    ]);
    expect(await t.client.beta.threads.messages.delete(parts.id, { thread_id: thread.id })).toEqual({ id: parts.id, object: 'thread.message.deleted', deleted: true });
    await expectError(t.client.beta.threads.messages.retrieve(parts.id, { thread_id: thread.id }), 404, 'message_id', `No message found with id '${parts.id}'.`);

    const t2 = await t.client.beta.threads.update(thread.id, { metadata: { user: 'grace' } });
    expect(t2).toEqual({ ...thread, metadata: { user: 'grace' } });
    expect(await t.client.beta.threads.delete(thread.id)).toEqual({ id: thread.id, object: 'thread.deleted', deleted: true });
    await expectError(t.client.beta.threads.retrieve(thread.id), 404, 'thread_id', `No thread found with id '${thread.id}'.`);
    await expectError(t.client.beta.threads.messages.list(thread.id), 404, 'thread_id');
    await expectError(t.client.beta.threads.messages.retrieve(m.id, { thread_id: thread.id }), 404, 'thread_id');
  });

  it('bad messages: a bad role or content part is a 400 naming it; a bad first message writes no thread', async () => {
    const thread = await t.client.beta.threads.create();
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'system', content: 'x' } as never), 400, 'role');
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'user' } as never), 400, 'content', "Missing required parameter: 'content'.");
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'user', content: [{ type: 'video', video: 'x' }] } as never), 400, 'content[0].type');
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'user', content: [{ type: 'text' }] } as never), 400, 'content[0].text');
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'user', content: [] }), 400, 'content');
    await expectError(
      t.client.beta.threads.messages.create(thread.id, { role: 'user', content: [{ type: 'image_file', image_file: { file_id: 'file-1' } }] }),
      400,
      'content[0].image_file',
      /needs the Files API/,
    );
    await expectError(t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'x', attachments: [{ file_id: 'file-1', tools: [{ type: 'file_search' }] }] }), 400, 'attachments');
    expect((await t.client.beta.threads.messages.list(thread.id)).data).toEqual([]);

    const threads = rows('sy_asst_threads');
    const messages = rows('sy_asst_messages');
    await expectError(t.client.beta.threads.create({ messages: [{ role: 'user', content: 'fine' }, { role: 'robot', content: 'x' } as never] }), 400, 'messages[1].role');
    expect(rows('sy_asst_threads')).toBe(threads);
    expect(rows('sy_asst_messages')).toBe(messages);

    await expectError(t.client.beta.threads.retrieve('thread_missing'), 404, 'thread_id', "No thread found with id 'thread_missing'.");
    await expectError(t.client.beta.threads.retrieve('undefined'), 400, 'thread_id', "Invalid 'thread_id': 'undefined'. Expected an ID that begins with 'thread'.");
    await expectError(t.client.beta.threads.messages.create('thread_missing', { role: 'user', content: 'x' }), 404, 'thread_id');
  });
});
