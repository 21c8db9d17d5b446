/**
 * The Conversations API on a bridged provider (the mock, and a recording provider that keeps
 * the chat requests bridged turns become), through the official SDK over real HTTP.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type ChatRequest } from '@switchyard/core';
import conversations from '@switchyard/conversations';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

// keys as tenants: the bearer token is the key id (a real key plugin is in test/auth)
const keysAsTenants = definePlugin({
  name: 'test-keys',
  apply: (g) => g.hooks.authenticate.tapPromise('test-keys', async (r) => ({ keyId: String(r.headers.authorization ?? '').slice(7) || undefined })),
});

// the chat requests bridged turns become, as a provider receives them
const seen: ChatRequest[] = [];
const recorder = definePlugin({
  name: 'test-recorder',
  apply: (g) =>
    g.providers.register({
      id: 'recording',
      async chat(req) {
        seen.push(structuredClone(req));
        const text = `reply ${seen.length}`;
        return {
          type: 'completion',
          body: { id: 'chatcmpl-rec', object: 'chat.completion', created: 1, model: req.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
        };
      },
    }),
});

// a provider that answers only when the test lets it: a turn held in flight
let entered: () => void = () => undefined;
let release: () => void = () => undefined;
const gated = definePlugin({
  name: 'test-gated',
  apply: (g) =>
    g.providers.register({
      id: 'gated',
      async chat(req) {
        await new Promise<void>((resolve) => {
          release = resolve;
          entered();
        });
        return {
          type: 'completion',
          body: { id: 'chatcmpl-gated', object: 'chat.completion', created: 1, model: req.model, choices: [{ index: 0, message: { role: 'assistant', content: 'late' }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
        };
      },
    }),
});

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
const textOf = (item: unknown) => {
  const c = (item as { content?: Array<{ text?: string }> }).content;
  return Array.isArray(c) ? c.map((p) => p.text ?? '').join('') : '';
};

describe('Conversations API (bridged)', () => {
  let t: TestGateway;
  const dbFile = tempDbFile();
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [sqliteStore({ file: dbFile }), keysAsTenants, sessionTracker(), responses(), conversations(), mockProvider(), recorder, gated],
      models: [
        { name: 'claude-sonnet', provider: 'mock', model: 'transcript' },
        { name: 'recorded', provider: 'recording', model: 'any' },
        { name: 'small-window', provider: 'recording', model: 'any', maxInputTokens: 400 },
        { name: 'failing', provider: 'mock', model: 'error-500' },
        { name: 'refusing', provider: 'mock', model: 'error-400' },
        { name: 'dropper', provider: 'mock', model: 'drop' },
        { name: 'held', provider: 'gated', model: 'any' },
      ],
    });
  });
  afterAll(() => t.close());

  const itemsOf = async (id: string, client: OpenAI = t.client) => {
    const all = [];
    for await (const item of client.conversations.items.list(id, { order: 'asc', limit: 100 })) all.push(item);
    return all;
  };

  it("runs the issue's flow: the second turn sees the first and the conversation's own first item, and items list in order", async () => {
    const conv = await t.client.conversations.create({ metadata: { topic: 'robots' }, items: [{ type: 'message', role: 'user', content: 'My name is Ada.' }] });
    expect(conv).toMatchObject({ object: 'conversation', metadata: { topic: 'robots' } });
    expect(conv.id).toMatch(/^conv_[0-9a-f]{48}$/);
    const r1 = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'Write a short story about a robot' });
    expect(r1.output_text).toBe('My name is Ada. | Write a short story about a robot');
    expect(r1.conversation).toEqual({ id: conv.id });
    const r2 = await t.client.responses.create({ model: 'claude-sonnet', conversation: { id: conv.id }, input: 'Now write a poem about that robot' });
    expect(r2.output_text).toBe('My name is Ada. | Write a short story about a robot | Now write a poem about that robot');
    const items = await itemsOf(conv.id);
    expect(items.map((i) => [i.type === 'message' ? i.role : i.type, textOf(i)])).toEqual([
      ['user', 'My name is Ada.'],
      ['user', 'Write a short story about a robot'],
      ['assistant', r1.output_text],
      ['user', 'Now write a poem about that robot'],
      ['assistant', r2.output_text],
    ]);
    expect(items[2]!.id).toBe(r1.output[0]!.id);
    expect((await t.client.conversations.retrieve(conv.id)).metadata).toEqual({ topic: 'robots' });
  });

  it('gives the upstream every earlier item in order, with roles, tool calls and tool results', async () => {
    const conv = await t.client.conversations.create({
      items: [
        { type: 'message', role: 'system', content: 'be terse' },
        { type: 'message', role: 'user', content: 'look it up' },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'found x' },
      ],
    });
    seen.length = 0;
    await t.client.responses.create({ model: 'recorded', conversation: conv.id, input: 'and then?' });
    await t.client.responses.create({ model: 'recorded', conversation: conv.id, instructions: 'be kind', input: 'thanks' });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.messages).toEqual([
      { role: 'system', content: 'be kind' },
      { role: 'system', content: 'be terse' },
      { role: 'user', content: 'look it up' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'found x' },
      { role: 'user', content: 'and then?' },
      { role: 'assistant', content: 'reply 1' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('streams a turn: appended before response.completed reaches the client, so the next turn sees it at once', async () => {
    const conv = await t.client.conversations.create();
    const events: string[] = [];
    const final = await t.client.responses
      .stream({ model: 'claude-sonnet', conversation: conv.id, input: 'streamed one' })
      .on('event', (e) => events.push(e.type))
      .finalResponse();
    expect(events.at(-1)).toBe('response.completed');
    expect(final.conversation).toEqual({ id: conv.id });
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['streamed one', 'streamed one']);
    const r2 = await t.client.responses.stream({ model: 'claude-sonnet', conversation: conv.id, input: 'streamed two' }).finalResponse();
    expect(r2.output_text).toBe('streamed one | streamed two');
  });

  it('serves the same API without /v1', async () => {
    const bare = new OpenAI({ apiKey: 'sk-test-client', baseURL: t.origin, maxRetries: 0 });
    const conv = await bare.conversations.create({ items: [{ type: 'message', role: 'user', content: 'hello' }] });
    const r = await bare.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'again' });
    expect(r.output_text).toBe('hello | again');
    expect((await itemsOf(conv.id, bare)).length).toBe(3);
  });

  it('lists items in both orders, paged by after, has_more exact', async () => {
    const conv = await t.client.conversations.create({ items: Array.from({ length: 7 }, (_, i) => ({ type: 'message' as const, role: 'user' as const, content: `m${i}` })) });
    const asc = await t.client.conversations.items.list(conv.id, { order: 'asc', limit: 3 });
    expect(asc.data.map(textOf)).toEqual(['m0', 'm1', 'm2']);
    expect(asc.has_more).toBe(true);
    const next = await t.client.conversations.items.list(conv.id, { order: 'asc', limit: 3, after: asc.last_id });
    expect(next.data.map(textOf)).toEqual(['m3', 'm4', 'm5']);
    const last = await t.client.conversations.items.list(conv.id, { order: 'asc', limit: 3, after: next.last_id });
    expect([last.data.map(textOf), last.has_more]).toEqual([['m6'], false]);
    const desc = await t.client.conversations.items.list(conv.id, { limit: 4 });
    expect(desc.data.map(textOf)).toEqual(['m6', 'm5', 'm4', 'm3']);
    const all: string[] = [];
    for await (const item of t.client.conversations.items.list(conv.id, { limit: 2 })) all.push(textOf(item));
    expect(all).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    const exact = await t.client.conversations.items.list(conv.id, { order: 'asc', limit: 7 });
    expect(exact.has_more).toBe(false);
  });

  it('adds up to 20 items, retrieves and deletes one, updates metadata, deletes the conversation', async () => {
    const conv = await t.client.conversations.create({ metadata: { a: '1' } });
    const added = await t.client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'x' }, { type: 'message', role: 'assistant', content: 'y' }] });
    expect(added.object).toBe('list');
    expect(added.data.map((i) => (i.type === 'message' ? i.role : ''))).toEqual(['user', 'assistant']);
    expect(added.data[1]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'y', annotations: [] }] });
    const one = await t.client.conversations.items.retrieve(added.data[0]!.id, { conversation_id: conv.id });
    expect(one).toEqual(added.data[0]);
    const after = await t.client.conversations.items.delete(added.data[0]!.id, { conversation_id: conv.id });
    expect(after).toMatchObject({ id: conv.id, object: 'conversation' });
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['y']);
    expect(await t.client.conversations.items.retrieve(added.data[0]!.id, { conversation_id: conv.id }).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    const updated = await t.client.conversations.update(conv.id, { metadata: { b: '2' } });
    expect(updated.metadata).toEqual({ b: '2' });
    expect((await t.client.conversations.retrieve(conv.id)).metadata).toEqual({ b: '2' });
    expect(await t.client.conversations.delete(conv.id)).toEqual({ id: conv.id, object: 'conversation.deleted', deleted: true });
    const gone = await t.client.conversations.retrieve(conv.id).catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 404, error: { message: `Conversation with id '${conv.id}' not found.`, param: 'conversation_id', type: 'invalid_request_error' } });
  });

  it('a failed turn appends nothing: an upstream 500, a 400, a stream cut mid-way', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'only me' }] });
    expect(await t.client.responses.create({ model: 'failing', conversation: conv.id, input: 'boom' }).catch((e: unknown) => e)).toMatchObject({ status: 500 });
    expect(await t.client.responses.create({ model: 'refusing', conversation: conv.id, input: 'no' }).catch((e: unknown) => e)).toMatchObject({ status: 400 });
    const events: string[] = [];
    const stream = await t.client.responses.create({ model: 'dropper', conversation: conv.id, input: 'cut', stream: true });
    for await (const e of stream) events.push(e.type);
    expect(events.at(-1)).toBe('response.failed');
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['only me']);
    const ok = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'fine' });
    expect(ok.output_text).toBe('only me | fine');
  });

  it('appends a store: false turn to the conversation, and keeps no response', async () => {
    const conv = await t.client.conversations.create();
    const r = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'unstored', store: false });
    expect(r.store).toBe(false);
    expect(await t.client.responses.retrieve(r.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['unstored', 'unstored']);
  });

  it('keeps concurrent turns whole: each turn is its input then its output, none lost or interleaved', async () => {
    const conv = await t.client.conversations.create();
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.client.responses.create({ model: 'recorded', conversation: conv.id, input: `c${i}` })));
    const items = await itemsOf(conv.id);
    expect(items).toHaveLength(16);
    expect(new Set(items.map((i) => i.id)).size).toBe(16);
    for (let i = 0; i < 16; i += 2) {
      expect(items[i]).toMatchObject({ role: 'user' });
      expect(items[i + 1]).toMatchObject({ role: 'assistant' });
    }
  });

  it('a conversation is one session: every turn groups under its id, over an explicit session header', async () => {
    const conv = await t.client.conversations.create();
    const r1 = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 's1' }, { headers: { 'x-session-id': 'other-session' } });
    const { data: r2, response } = await t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 's2', stream: true }).withResponse();
    for await (const _ of r2) void _;
    expect(response.headers.get('x-session-id')).toBe(conv.id);
    await t.gateway.flush();
    const res = await fetch(`${t.url}/sessions/${conv.id}`, { headers: { authorization: 'Bearer sk-test-client' } });
    expect(res.status).toBe(200);
    const session = (await res.json()) as { id: string; calls: Array<{ endpoint: string }> };
    expect(session.calls).toHaveLength(2);
    expect(session.calls.every((c) => c.endpoint === '/v1/responses')).toBe(true);
    expect(r1.conversation?.id).toBe(conv.id);
    const other = await fetch(`${t.url}/sessions/other-session`, { headers: { authorization: 'Bearer sk-test-client' } });
    expect(other.status).toBe(404);
  });

  it('starts a LiteLLM litellm_conv_id_ conversation on first use and continues it; another key cannot', async () => {
    const id = `litellm_conv_id_${crypto.randomUUID()}`;
    const r1 = await t.client.responses.create({ model: 'claude-sonnet', conversation: id, input: 'Remember 42' });
    expect(r1.conversation).toEqual({ id });
    expect(r1.id.startsWith('litellm_conv_id_')).toBe(false);
    const r2 = await t.client.responses.create({ model: 'claude-sonnet', conversation: id, input: 'What number?' });
    expect(r2.output_text).toBe('Remember 42 | What number?');
    expect((await t.client.conversations.retrieve(id)).id).toBe(id);
    const intruder = new OpenAI({ apiKey: 'sk-intruder', baseURL: t.url, maxRetries: 0 });
    expect(await intruder.responses.create({ model: 'claude-sonnet', conversation: id, input: 'steal' }).catch((e: unknown) => e)).toMatchObject({ status: 404, error: { param: 'conversation' } });
    expect(await intruder.conversations.items.list(id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    expect((await itemsOf(id)).length).toBe(4); // the intruder's turn went nowhere
    await t.client.conversations.delete(id);
    const reused = await t.client.responses.create({ model: 'claude-sonnet', conversation: id, input: 'again' }).catch((e: unknown) => e);
    expect(reused).toMatchObject({ status: 404, error: { message: `Conversation with id '${id}' not found.` } }); // a deleted id is not started again
  });

  it('answers bad input with OpenAI-shaped 4xx errors naming the param, and keeps nothing of a bad batch', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'keep' }] });
    const err = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as { status: number; error: { message: string; param: string | null; code: string | null; type: string } };

    const unknown = await err(t.client.conversations.retrieve('conv_doesnotexist'));
    expect(unknown).toMatchObject({ status: 404, error: { message: "Conversation with id 'conv_doesnotexist' not found.", param: 'conversation_id', type: 'invalid_request_error' } });
    expect(await err(t.client.responses.create({ model: 'claude-sonnet', conversation: 'conv_doesnotexist', input: 'x' }))).toMatchObject({ status: 404, error: { param: 'conversation' } });
    expect(await err(t.client.conversations.items.list('conv_doesnotexist'))).toMatchObject({ status: 404 });
    expect(await err(t.client.responses.create({ model: 'claude-sonnet', conversation: 'not-a-conversation', input: 'x' }))).toMatchObject({ status: 400, error: { param: 'conversation', code: 'invalid_value' } });

    const tooMany = Array.from({ length: 21 }, () => ({ type: 'message' as const, role: 'user' as const, content: 'x' }));
    expect(await err(t.client.conversations.items.create(conv.id, { items: tooMany }))).toMatchObject({ status: 400, error: { param: 'items', code: 'array_above_max_length' } });
    expect(await err(t.client.conversations.create({ items: tooMany }))).toMatchObject({ status: 400, error: { param: 'items' } });
    const halfBad = [{ type: 'message', role: 'user', content: 'fine' }, { type: 'teleport', payload: 1 }] as never;
    expect(await err(t.client.conversations.items.create(conv.id, { items: halfBad }))).toMatchObject({ status: 400, error: { param: 'items[1].type', code: 'invalid_value' } });
    const unsupported = [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] as never;
    expect(await err(t.client.conversations.items.create(conv.id, { items: unsupported }))).toMatchObject({ status: 400, error: { param: 'items[0].type', code: 'unsupported_value' } });
    expect(await err(t.client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'wizard', content: 'x' }] as never }))).toMatchObject({ status: 400, error: { param: 'items[0].role' } });
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['keep']);

    expect(await err(t.client.conversations.items.list(conv.id, { order: 'sideways' as never }))).toMatchObject({ status: 400, error: { param: 'order' } });
    expect(await err(t.client.conversations.items.list(conv.id, { limit: 101 }))).toMatchObject({ status: 400, error: { param: 'limit' } });
    expect(await err(t.client.conversations.items.list(conv.id, { after: 'msg_nope' }))).toMatchObject({ status: 400, error: { param: 'after' } });
    expect(await err(t.client.conversations.items.list(conv.id, { include: ['everything' as never] }))).toMatchObject({ status: 400, error: { param: 'include[0]' } });
    expect(await err(t.client.conversations.create({ metadata: { k: 'v'.repeat(513) } }))).toMatchObject({ status: 400, error: { param: 'metadata.k' } });
    expect(await err(t.client.conversations.update(conv.id, {} as never))).toMatchObject({ status: 400, error: { param: 'metadata', code: 'missing_required_parameter' } });
    expect(await err(t.client.conversations.items.retrieve('msg_nope', { conversation_id: conv.id }))).toMatchObject({ status: 404, error: { message: "Item with id 'msg_nope' not found.", param: 'item_id' } });

    const r = await t.client.responses.create({ model: 'claude-sonnet', input: 'chain' });
    const both = await err(t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, previous_response_id: r.id, input: 'x' }));
    expect(both).toMatchObject({ status: 400, error: { param: 'conversation', code: 'mutually_exclusive_parameters' } });
    expect(both.error.message).toContain("'previous_response_id' or 'conversation'");

    await t.client.conversations.delete(conv.id);
    expect(await err(t.client.responses.create({ model: 'claude-sonnet', conversation: conv.id, input: 'x' }))).toMatchObject({ status: 404, error: { param: 'conversation' } });
    expect(await err(t.client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'x' }] }))).toMatchObject({ status: 404 });
    expect(await err(t.client.conversations.delete(conv.id))).toMatchObject({ status: 404 });
  });

  it('a turn in flight when its conversation is deleted appends nothing', async () => {
    const conv = await t.client.conversations.create();
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    const turn = t.client.responses.create({ model: 'held', conversation: conv.id, input: 'late' });
    await inFlight;
    await t.client.conversations.delete(conv.id); // while the upstream is still answering
    release();
    expect((await turn).status).toBe('completed');
    await t.gateway.flush();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.prepare('select count(*) as n from sy_conversation_items where conversation_id = ?').get(conv.id)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('a background turn joins its conversation once it completes; a cancelled one adds nothing', async () => {
    const conv = await t.client.conversations.create();
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    const queued = await t.client.responses.create({ model: 'held', conversation: conv.id, input: 'in the background', background: true });
    expect(queued).toMatchObject({ status: 'queued', conversation: { id: conv.id } });
    await inFlight;
    expect((await itemsOf(conv.id)).length).toBe(0);
    release();
    await t.gateway.flush(); // background work done
    expect((await t.client.responses.retrieve(queued.id)).status).toBe('completed');
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['in the background', 'late']);

    const cancelling = new Promise<void>((resolve) => (entered = resolve));
    const second = await t.client.responses.create({ model: 'held', conversation: conv.id, input: 'cancel me', background: true });
    await cancelling;
    expect((await t.client.responses.cancel(second.id)).status).toBe('cancelled');
    release();
    await t.gateway.flush();
    expect((await itemsOf(conv.id)).map(textOf)).toEqual(['in the background', 'late']);
  });

  it('truncation auto drops the oldest items to fit the context window and says so; disabled sends everything', async () => {
    // 400-token window: each 60-word item is ~125 tokens, so only the newest two fit with the input
    const conv = await t.client.conversations.create({ items: Array.from({ length: 6 }, (_, i) => ({ type: 'message' as const, role: 'user' as const, content: words(60, `w${i}_`) })) });
    seen.length = 0;
    const { data: r, response } = await t.client.responses.create({ model: 'small-window', conversation: conv.id, input: 'newest', truncation: 'auto' }).withResponse();
    const sent = seen[0]!.messages.map((m) => String(m.content));
    expect(sent.at(-1)).toBe('newest');
    expect(sent.length).toBeLessThan(7);
    expect(sent.length).toBeGreaterThan(1);
    const dropped = 7 - sent.length;
    expect(sent[0]!.startsWith(`w${dropped}_0`)).toBe(true); // the oldest went, the newest stayed, in order
    expect(response.headers.get('x-switchyard-truncated-items')).toBe(String(dropped));
    expect((r as unknown as { truncated_items: number }).truncated_items).toBe(dropped);
    expect(r.truncation).toBe('auto');
    // nothing is deleted: the conversation still has every item, and the turn is appended
    expect((await itemsOf(conv.id)).length).toBe(8);
    seen.length = 0;
    const full = await t.client.responses.create({ model: 'small-window', conversation: conv.id, input: 'all of it' });
    expect(seen[0]!.messages).toHaveLength(9);
    expect((full as unknown as { truncated_items?: number }).truncated_items).toBeUndefined();
    // items appended since are counted on the next truncating turn: a big newest item (~300
    // tokens) leaves room for the four small turn items before it, none of the 60-word ones
    await t.client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: words(150, 'big') }] });
    seen.length = 0;
    const again = await t.client.responses.create({ model: 'small-window', conversation: conv.id, input: 'x', truncation: 'auto' });
    expect(seen[0]!.messages.map((m) => String(m.content).split(' ')[0])).toEqual(['newest', 'reply', 'all', 'reply', 'big0', 'x']);
    expect((again as unknown as { truncated_items: number }).truncated_items).toBe(6);
  });
});
