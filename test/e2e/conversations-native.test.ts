/**
 * Conversations passed through to a provider that has the Conversations API (the OpenAI
 * emulator): the conversation is made upstream on its first native turn and lives there,
 * the gateway maps ids, keeps follow-ups on that deployment, and serves its items from there.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import conversations from '@switchyard/conversations';
import mockProvider from '@switchyard/provider-mock';
import azureProvider from '@switchyard/provider-azure';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startAzureEmulator, startOpenAIEmulator, tempDbFile, type AzureEmulator, type OpenAIEmulator, type RecordedRequest, type TestGateway } from '@switchyard/test-kit';

const keysAsTenants = definePlugin({
  name: 'test-keys',
  apply: (g) => g.hooks.authenticate.tapPromise('test-keys', async (r) => ({ keyId: String(r.headers.authorization ?? '').slice(7) || undefined })),
});

const textOf = (item: unknown) => {
  const c = (item as { content?: Array<{ text?: string }> }).content;
  return Array.isArray(c) ? c.map((p) => p.text ?? '').join('') : '';
};
const bodyOf = (r: RecordedRequest) => r.body as Record<string, unknown>;

describe('Conversations natively on OpenAI (emulator)', () => {
  let emu: OpenAIEmulator;
  let emuB: OpenAIEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    emuB = await startOpenAIEmulator();
    const on = (e: OpenAIEmulator) => ({ provider: 'openai', model: 'gpt-4o', apiBase: e.baseURL, apiKey: e.apiKey });
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), keysAsTenants, responses(), conversations(), openaiProvider(), mockProvider()],
      models: [
        { name: 'gpt-4o', ...on(emu) },
        { name: 'pair', ...on(emu), id: 'pair-a' },
        { name: 'pair', ...on(emuB), id: 'pair-b' },
        { name: 'bridged', provider: 'mock', model: 'transcript' },
      ],
      secret: 'a-test-secret-of-sufficient-length',
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
    await emuB.close();
  });

  it("runs the issue's flow natively: made upstream on the first turn, follow-ups pass the upstream id, ids mapped", async () => {
    emu.reset();
    const conv = await t.client.conversations.create({ metadata: { topic: 'robots' }, items: [{ type: 'message', role: 'user', content: 'My name is Ada.' }] });
    expect(emu.requests).toHaveLength(0); // nothing upstream until a native turn
    const r1 = await t.client.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'Write a short story about a robot' });
    const [made, first] = emu.requests;
    expect([made!.method, made!.path]).toEqual(['POST', '/v1/conversations']);
    expect(bodyOf(made!)).toMatchObject({ metadata: { topic: 'robots' }, items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'My name is Ada.' }] }] });
    const upstreamId = bodyOf(first!).conversation as string;
    expect(upstreamId).toMatch(/^conv_emu/);
    expect(bodyOf(first!).input).toBe('Write a short story about a robot'); // this turn's input only, as the client sent it
    expect(r1.conversation).toEqual({ id: conv.id });
    expect(r1.output_text).toBe('echo: Write a short story about a robot (turn 1)');

    const r2 = await t.client.responses.create({ model: 'gpt-4o', conversation: { id: conv.id }, input: 'Now write a poem about that robot' });
    expect(r2.output_text).toBe('echo: Now write a poem about that robot (turn 2)'); // the upstream held turn 1
    expect(bodyOf(emu.requests.at(-1)!).conversation).toBe(upstreamId);
    expect(r2.conversation).toEqual({ id: conv.id });
    expect((await t.client.responses.retrieve(r2.id)).conversation).toEqual({ id: conv.id });

    const streamed = await t.client.responses.stream({ model: 'gpt-4o', conversation: conv.id, input: 'and a haiku' }).finalResponse();
    expect(streamed.output_text).toBe('echo: and a haiku (turn 3)');
    expect(streamed.conversation).toEqual({ id: conv.id });

    // items are the upstream's, listed through the gateway in both orders and paged
    const asc = [];
    for await (const item of t.client.conversations.items.list(conv.id, { order: 'asc', limit: 2 })) asc.push(item);
    expect(asc.map(textOf)).toEqual(['My name is Ada.', 'Write a short story about a robot', r1.output_text, 'Now write a poem about that robot', r2.output_text, 'and a haiku', streamed.output_text]);
    const desc = await t.client.conversations.items.list(conv.id, { limit: 1 });
    expect(desc.data.map(textOf)).toEqual([streamed.output_text]);
    const listed = emu.requests.filter((r) => r.path.startsWith(`/v1/conversations/${upstreamId}/items`));
    expect(listed.length).toBeGreaterThan(3);
  });

  it('adds, retrieves and deletes items, updates metadata and deletes the conversation upstream', async () => {
    const conv = await t.client.conversations.create();
    await t.client.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'hello' });
    const upstreamId = bodyOf(emu.requests.at(-1)!).conversation as string;
    const added = await t.client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'added' }] });
    expect(added.data.map(textOf)).toEqual(['added']);
    const item = await t.client.conversations.items.retrieve(added.data[0]!.id, { conversation_id: conv.id });
    expect(textOf(item)).toBe('added');
    expect(await t.client.conversations.items.delete(added.data[0]!.id, { conversation_id: conv.id })).toMatchObject({ id: conv.id, object: 'conversation' });
    const missing = await t.client.conversations.items.retrieve(added.data[0]!.id, { conversation_id: conv.id }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
    expect((await t.client.conversations.update(conv.id, { metadata: { v: '2' } })).metadata).toEqual({ v: '2' });
    expect(bodyOf(emu.requests.at(-1)!)).toEqual({ metadata: { v: '2' } });
    expect(emu.requests.at(-1)!.path).toBe(`/v1/conversations/${upstreamId}`);
    await t.client.conversations.delete(conv.id);
    expect([emu.requests.at(-1)!.method, emu.requests.at(-1)!.path]).toEqual(['DELETE', `/v1/conversations/${upstreamId}`]);
    expect(await t.client.conversations.retrieve(conv.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });

  it('keeps a native conversation on the deployment that holds it (affinity), whatever the router would pick', async () => {
    emu.reset();
    emuB.reset();
    const conv = await t.client.conversations.create();
    const first = await t.client.responses.create({ model: 'pair', conversation: conv.id, input: 'turn 1' }).withResponse();
    const holder = first.response.headers.get('x-switchyard-deployment');
    expect(['pair-a', 'pair-b']).toContain(holder);
    for (let i = 2; i <= 9; i++) {
      const { data, response } = await t.client.responses.create({ model: 'pair', conversation: conv.id, input: `turn ${i}` }).withResponse();
      expect(response.headers.get('x-switchyard-deployment')).toBe(holder);
      expect(data.output_text).toBe(`echo: turn ${i} (turn ${i})`);
    }
    const other = holder === 'pair-a' ? emuB : emu;
    expect(other.requests.filter((r) => r.path.includes('/responses'))).toHaveLength(0);
  });

  it('continues a native conversation on a bridged model: the history is read from upstream, the turn appended there', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'seed' }] });
    await t.client.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'native turn' });
    const upstreamId = bodyOf(emu.requests.at(-1)!).conversation as string;
    const bridged = await t.client.responses.create({ model: 'bridged', conversation: conv.id, input: 'bridged turn' });
    expect(bridged.output_text).toBe('seed | native turn | bridged turn');
    const added = emu.requests.at(-1)!;
    expect([added.method, added.path]).toEqual(['POST', `/v1/conversations/${upstreamId}/items`]);
    const back = await t.client.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'native again' });
    expect(back.output_text).toBe('echo: native again (turn 3)'); // the upstream has the bridged turn's answer too
  });

  it('an upstream without the Conversations API (404) gets the history as input; the conversation stays in the gateway', async () => {
    emu.reset();
    emu.fault({ status: 404, pathIncludes: '/v1/conversations', times: 1, body: { error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } } });
    const t2 = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), conversations(), openaiProvider()],
      models: [{ name: 'compat', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      const c = await t2.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'kept here' }] });
      const r1 = await t2.client.responses.create({ model: 'compat', conversation: c.id, input: 'one' });
      expect(r1.conversation).toEqual({ id: c.id });
      const sent = bodyOf(emu.requests.at(-1)!);
      expect(sent.conversation).toBeUndefined();
      expect((sent.input as unknown[]).map(textOf)).toEqual(['kept here', 'one']);
      await t2.client.responses.create({ model: 'compat', conversation: c.id, input: 'two' });
      expect((bodyOf(emu.requests.at(-1)!).input as unknown[]).map(textOf)).toEqual(['kept here', 'one', r1.output_text, 'two']);
      expect(emu.requests.filter((r) => r.path.startsWith('/v1/conversations'))).toHaveLength(1); // asked once, then remembered
      const items = await t2.client.conversations.items.list(c.id, { order: 'asc' });
      expect(items.data).toHaveLength(5);
    } finally {
      await t2.close();
    }
  });

  it("another key reaches none of a native conversation's paths, and nothing goes upstream", async () => {
    const conv = await t.client.conversations.create();
    const r = await t.client.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'mine' });
    const intruder = new OpenAI({ apiKey: 'sk-other-key', baseURL: t.url, maxRetries: 0 });
    const before = emu.requests.length;
    const attempts: Array<() => Promise<unknown>> = [
      () => intruder.conversations.retrieve(conv.id),
      () => intruder.conversations.update(conv.id, { metadata: { x: 'y' } }),
      () => intruder.conversations.items.list(conv.id),
      () => intruder.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'x' }] }),
      () => intruder.conversations.items.retrieve(r.output[0]!.id, { conversation_id: conv.id }),
      () => intruder.conversations.items.delete(r.output[0]!.id, { conversation_id: conv.id }),
      () => intruder.responses.create({ model: 'gpt-4o', conversation: conv.id, input: 'steal' }),
      () => intruder.conversations.delete(conv.id),
    ];
    for (const attempt of attempts) expect(await attempt().catch((e: unknown) => e)).toMatchObject({ status: 404 });
    expect(emu.requests.length).toBe(before);
    expect((await t.client.conversations.retrieve(conv.id)).id).toBe(conv.id);
  });
});

describe('Conversations on Azure OpenAI (emulator)', () => {
  let emu: AzureEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startAzureEmulator();
    const base = { provider: 'azure', model: 'gpt-4o', apiBase: emu.origin, apiKey: emu.apiKey };
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), conversations(), azureProvider()],
      models: [
        { name: 'azure-v1', ...base, apiVersion: 'v1' },
        { name: 'azure-dated', ...base, apiVersion: '2025-04-01-preview' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it('v1 URLs: the conversation is made and continued upstream', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'hi azure' }] });
    await t.client.responses.create({ model: 'azure-v1', conversation: conv.id, input: 'one' });
    const r2 = await t.client.responses.create({ model: 'azure-v1', conversation: conv.id, input: 'two' });
    expect(r2.output_text).toBe('echo: two (turn 2)');
    const sent = emu.requests.at(-1)!;
    expect(sent.path).toBe('/openai/v1/responses');
    expect(bodyOf(sent).conversation).toMatch(/^conv_emu/);
    expect(emu.requests.some((r) => r.method === 'POST' && r.path === '/openai/v1/conversations')).toBe(true);
    expect(r2.conversation).toEqual({ id: conv.id });
  });

  it('a dated API version without the Conversations API: the history goes as input, the conversation stays in the gateway', async () => {
    const conv = await t.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'hi azure' }] });
    const r1 = await t.client.responses.create({ model: 'azure-dated', conversation: conv.id, input: 'one' });
    await t.client.responses.create({ model: 'azure-dated', conversation: conv.id, input: 'two' });
    const sent = bodyOf(emu.requests.at(-1)!);
    expect(sent.conversation).toBeUndefined();
    expect((sent.input as unknown[]).map(textOf)).toEqual(['hi azure', 'one', r1.output_text, 'two']);
    const items = await t.client.conversations.items.list(conv.id, { order: 'asc' });
    expect(items.data.map(textOf)).toEqual(['hi azure', 'one', r1.output_text, 'two', expect.stringContaining('echo: two')]);
  });
});
