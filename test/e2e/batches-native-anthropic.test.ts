/**
 * Native pass-through to Anthropic Message Batches (the Anthropic emulator's), through the
 * official `openai` SDK: the lines converted by the Anthropic adapter and created as one
 * Message Batch, polled to the end, the results converted back to OpenAI output lines matched
 * by `custom_id` (any string, though Anthropic takes only `[a-zA-Z0-9_-]`), an upstream-errored
 * line and a line the conversion refuses in the error file, each success in the call log, the
 * cost once at batch prices (across retrieves and a restart), a restart mid-batch, cancel
 * upstream, expiry upstream, a poll blip, a server without Message Batches, and `mode: 'gateway'` still executing the lines itself.
 */
import { toFile, type OpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import costTracker from '@switchyard/cost-tracker';
import { batches, createTestGateway, sessionTracker, sqliteStore, startAnthropicEmulator, tempDbFile, type AnthropicEmulator, type TestGateway } from '@switchyard/test-kit';

const IN = 0.001;
const OUT = 0.002;
let emu: AnthropicEmulator;
let t: TestGateway;
let db: string;

const chatLine = (id: string, extra: Record<string, unknown> = {}) => ({
  custom_id: id,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'claude-pub', messages: [{ role: 'user', content: `hello ${id}` }], ...extra },
});
const upload = async (client: OpenAI, lines: unknown[]) =>
  client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), 'in.jsonl'), purpose: 'batch' });
const create = (client: OpenAI, fileId: string) => client.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
const terminal = (b: OpenAI.Batches.Batch) => ['completed', 'failed', 'cancelled', 'expired'].includes(b.status);
async function until(client: OpenAI, id: string, done: (b: OpenAI.Batches.Batch) => boolean): Promise<OpenAI.Batches.Batch> {
  for (;;) {
    const b = await client.batches.retrieve(id);
    if (done(b)) return b;
    await new Promise((r) => setTimeout(r, 20));
  }
}
interface OutLine {
  id: string;
  custom_id: string;
  response: {
    status_code: number;
    request_id: string;
    body: { object?: string; model?: string; usage: { prompt_tokens: number; completion_tokens: number }; choices: Array<{ message: { content: string } }>; error?: { message: string; type: string; param: string | null } };
  } | null;
  error: { code: string; message: string } | null;
}
async function lines(client: OpenAI, id: string | null | undefined): Promise<OutLine[]> {
  if (!id) return [];
  return (await (await client.files.content(id)).text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutLine);
}
const gateway = (file: string, mode: 'auto' | 'gateway' = 'auto') =>
  createTestGateway({
    plugins: [sqliteStore({ file }), sessionTracker(), costTracker(), batches({ pollMs: 20, nativePollMs: 20, mode }), anthropicProvider()],
    models: [{ name: 'claude-pub', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: emu.origin, apiKey: emu.apiKey, inputCostPerToken: IN, outputCostPerToken: OUT }],
  });
const upstream = () => emu.requests.map((r) => `${r.method} ${r.path.replace(/msgbatch_emu\d+/g, 'ID')}`);
const spend = async (batchId: string) =>
  ((await (await fetch(`${t.origin}/spend/logs?limit=1000`)).json()) as { data: Array<{ session_id: string; cost: number; endpoint: string }> }).data.filter((r) => r.session_id === batchId);

beforeAll(async () => {
  emu = await startAnthropicEmulator({ batchPolls: 2 });
  db = tempDbFile();
  t = await gateway(db);
});
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

describe('the Anthropic emulator speaks Message Batches', () => {
  it('create, progress as polled, results from its Messages answer (errored lines too), list, cancel, delete', async () => {
    const h = { 'content-type': 'application/json', 'x-api-key': emu.apiKey, 'anthropic-version': '2023-06-01' };
    const call = async (method: string, path: string, body?: unknown) => fetch(`${emu.origin}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const params = (text: string, extra = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: text }], ...extra });
    const created = (await (await call('POST', '/v1/messages/batches', { requests: [{ custom_id: 'a', params: params('one') }, { custom_id: 'b', params: params('two') }, { custom_id: 'c', params: params('x', { temperature: 3 }) }] })).json()) as { id: string; processing_status: string };
    expect(created.processing_status).toBe('in_progress');
    expect((await call('GET', `/v1/messages/batches/${created.id}/results`)).status).toBe(400);
    const mid = (await (await call('GET', `/v1/messages/batches/${created.id}`)).json()) as { processing_status: string; request_counts: Record<string, number> };
    expect(mid).toMatchObject({ processing_status: 'in_progress', request_counts: { processing: 1, succeeded: 2 } });
    const ended = (await (await call('GET', `/v1/messages/batches/${created.id}`)).json()) as { processing_status: string; request_counts: Record<string, number>; results_url: string };
    expect(ended).toMatchObject({ processing_status: 'ended', request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 } });
    const results = (await (await call('GET', ended.results_url)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; result: { type: string; message?: { content: Array<{ text: string }> }; error?: { error: { type: string } } } });
    expect(results.find((r) => r.custom_id === 'a')!.result.message!.content[0]!.text).toBe('echo: one');
    expect(results.find((r) => r.custom_id === 'c')!.result).toMatchObject({ type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(((await (await call('GET', '/v1/messages/batches')).json()) as { data: Array<{ id: string }> }).data.map((b) => b.id)).toContain(created.id);
    expect((await call('POST', '/v1/messages/batches', { requests: [{ custom_id: 'bad id!', params: params('x') }] })).status).toBe(400);

    emu.batches.held = true;
    const held = (await (await call('POST', '/v1/messages/batches', { requests: [{ custom_id: 'z', params: params('z') }] })).json()) as { id: string };
    expect(((await (await call('POST', `/v1/messages/batches/${held.id}/cancel`)).json()) as { processing_status: string }).processing_status).toBe('canceling');
    expect(await (await call('GET', `/v1/messages/batches/${held.id}`)).json()).toMatchObject({ processing_status: 'ended', request_counts: { canceled: 1 } });
    emu.batches.held = false;
    expect(await (await call('DELETE', `/v1/messages/batches/${held.id}`)).json()).toMatchObject({ id: held.id, type: 'message_batch_deleted' });
  });
});

describe('native pass-through to Anthropic Message Batches', () => {
  it('runs upstream as one Message Batch: OpenAI output lines by custom_id, error file, call log, counts, cost once across retrieves and a restart', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.batches.polls = 3;
    const runBefore = emu.batches.linesRun;
    const good = Array.from({ length: 6 }, (_, i) => chatLine(`row ${i}/ä`));
    // refused upstream (Anthropic's temperature is at most 1), and refused by the conversion itself (one choice only)
    const input = [...good, chatLine('too-hot', { temperature: 1.5 }), chatLine('two-choices', { n: 2 })];
    const f = await upload(t.client, input);
    const created = await create(t.client, f.id);
    const seen = new Set<string>();
    const b = await until(t.client, created.id, (x) => (seen.add(x.status), terminal(x)));
    expect(b.status).toBe('completed');
    expect(seen.has('in_progress')).toBe(true);
    expect(b.request_counts).toEqual({ total: 8, completed: 6, failed: 2 });
    expect(emu.batches.linesRun - runBefore).toBe(7);

    // upstream: one create (converted lines, upstream-safe custom_ids), polls, one results download; no line run as a chat call
    const paths = upstream();
    expect(paths.filter((p) => p === 'POST /v1/messages/batches')).toHaveLength(1);
    expect(paths.filter((p) => p === 'GET /v1/messages/batches/ID').length).toBeGreaterThanOrEqual(3);
    expect(paths.filter((p) => p === 'GET /v1/messages/batches/ID/results')).toHaveLength(1);
    expect(paths).not.toContain('POST /v1/messages');
    const sent = (emu.requests.find((r) => r.path === '/v1/messages/batches' && r.method === 'POST')!.body as { requests: Array<{ custom_id: string; params: { model: string; max_tokens: number; messages: unknown[] } }> }).requests;
    expect(sent).toHaveLength(7);
    expect(sent.map((r) => r.custom_id)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);
    expect(sent[0]!.params).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'hello row 0/ä' }] });

    const out = await lines(t.client, b.output_file_id);
    expect(out.map((l) => l.custom_id).sort()).toEqual(good.map((l) => l.custom_id).sort());
    for (const l of out) {
      expect(l.response!.status_code).toBe(200);
      expect(l.response!.body.object).toBe('chat.completion');
      expect(l.response!.body.choices[0]!.message.content).toBe(`echo: hello ${l.custom_id}`);
    }
    const errs = await lines(t.client, b.error_file_id);
    expect(errs.map((l) => l.custom_id).sort()).toEqual(['too-hot', 'two-choices']);
    const hot = errs.find((l) => l.custom_id === 'too-hot')!;
    expect(hot.response).toMatchObject({ status_code: 400, body: { error: { type: 'invalid_request_error' } } });
    expect(hot.response!.body.error!.message).toMatch(/temperature/);
    const two = errs.find((l) => l.custom_id === 'two-choices')!;
    expect(two.response).toMatchObject({ status_code: 400, body: { error: { param: 'n' } } });
    expect(b.usage!.total_tokens).toBeGreaterThan(0);

    // each success in the call log (the batch is its session)
    const session = (await (await fetch(`${t.origin}/v1/sessions/${b.id}`)).json()) as { calls: Array<{ metadata: { custom_id: string } }> };
    expect(session.calls).toHaveLength(6);
    expect(new Set(session.calls.map((c) => c.metadata.custom_id))).toEqual(new Set(good.map((l) => l.custom_id)));
    const tokens = out.reduce((a, l) => ({ i: a.i + l.response!.body.usage.prompt_tokens, o: a.o + l.response!.body.usage.completion_tokens }), { i: 0, o: 0 });
    for (let i = 0; i < 5; i++) await t.client.batches.retrieve(b.id);
    let rows = await spend(b.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cost).toBeCloseTo((tokens.i * IN + tokens.o * OUT) / 2, 9);
    await t.close();
    t = await gateway(db);
    expect((await t.client.batches.retrieve(b.id)).status).toBe('completed');
    rows = await spend(b.id);
    expect(rows).toHaveLength(1);
    emu.batches.polls = 2;
  });

  it('the poller is durable: a gateway restarted while the Message Batch runs follows it to the end, created once; a poll blip is tried again', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.batches.held = true;
    const f = await upload(t.client, [chatLine('p1'), chatLine('p2'), chatLine('p3')]);
    const created = await create(t.client, f.id);
    await until(t.client, created.id, (x) => x.status === 'in_progress');
    await t.close();
    emu.batches.held = false;
    // the first poll after the restart is answered 529 (overloaded): tried again, never failed
    emu.fault({ status: 529, method: 'GET', pathIncludes: '/v1/messages/batches/' });
    t = await gateway(db);
    const end = await until(t.client, created.id, terminal);
    expect(end).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 3, failed: 0 } });
    expect((await lines(t.client, end.output_file_id)).map((l) => l.custom_id).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(upstream().filter((p) => p === 'POST /v1/messages/batches')).toHaveLength(1);
    expect(upstream().filter((p) => p === 'GET /v1/messages/batches/ID').length).toBeGreaterThanOrEqual(2);
    const session = (await (await fetch(`${t.origin}/v1/sessions/${end.id}`)).json()) as { calls: unknown[] };
    expect(session.calls).toHaveLength(3);
  });

  it('cancel goes upstream; the batch ends cancelled, the requests that never ran in the error file', async () => {
    emu.reset();
    emu.batches.held = true;
    const f = await upload(t.client, [chatLine('c1'), chatLine('c2')]);
    const created = await create(t.client, f.id);
    await until(t.client, created.id, (x) => x.status === 'in_progress');
    expect((await t.client.batches.cancel(created.id)).status).toBe('cancelling');
    expect(upstream()).toContain('POST /v1/messages/batches/ID/cancel');
    const end = await until(t.client, created.id, terminal);
    emu.batches.held = false;
    expect(end.status).toBe('cancelled');
    expect(end.cancelled_at).toBeGreaterThanOrEqual(end.created_at);
    expect(end.output_file_id).toBeNull();
    const errs = await lines(t.client, end.error_file_id);
    expect(errs.map((l) => [l.custom_id, l.error?.code]).sort()).toEqual([
      ['c1', 'batch_cancelled'],
      ['c2', 'batch_cancelled'],
    ]);
  });

  it('a Message Batch that expires upstream ends expired: what ran in the output, the rest batch_expired, priced once', async () => {
    emu.reset();
    emu.batches.expireAfter = 2;
    const f = await upload(t.client, [chatLine('x1'), chatLine('x2'), chatLine('x3'), chatLine('x4')]);
    const end = await until(t.client, (await create(t.client, f.id)).id, terminal);
    emu.batches.expireAfter = null;
    expect(end).toMatchObject({ status: 'expired', request_counts: { total: 4, completed: 2, failed: 2 } });
    expect(end.expired_at).toBeGreaterThanOrEqual(end.created_at);
    expect((await lines(t.client, end.output_file_id)).map((l) => l.custom_id).sort()).toEqual(['x1', 'x2']);
    expect((await lines(t.client, end.error_file_id)).map((l) => [l.custom_id, l.error?.code]).sort()).toEqual([
      ['x3', 'batch_expired'],
      ['x4', 'batch_expired'],
    ]);
    expect(await spend(end.id)).toHaveLength(1);
  });

  it('a file whose every line the conversion refuses completes without an upstream batch, all in the error file', async () => {
    emu.reset();
    // n > 1, no messages, a message of a shape the conversion cannot read: each a 400, never a 500
    const f = await upload(t.client, [chatLine('n1', { n: 2 }), chatLine('n2', { messages: [] }), chatLine('n3', { messages: [{ role: 'user', content: 5 }] })]);
    const end = await until(t.client, (await create(t.client, f.id)).id, terminal);
    expect(end).toMatchObject({ status: 'completed', output_file_id: null, request_counts: { total: 3, completed: 0, failed: 3 } });
    const errs = await lines(t.client, end.error_file_id);
    expect(errs.map((l) => [l.custom_id, l.response?.status_code]).sort()).toEqual([
      ['n1', 400],
      ['n2', 400],
      ['n3', 400],
    ]);
    expect(errs.find((l) => l.custom_id === 'n2')!.response!.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    expect(upstream().some((p) => p.startsWith('POST /v1/messages'))).toBe(false);
  });

  it('an upstream refusal of the create fails the batch with the reason, in the OpenAI shape', async () => {
    emu.reset();
    emu.fault({ status: 400, method: 'POST', pathIncludes: '/v1/messages/batches' });
    const f = await upload(t.client, [chatLine('r1')]);
    const end = await until(t.client, (await create(t.client, f.id)).id, terminal);
    expect(end.status).toBe('failed');
    expect(end.errors!.data![0]!.message).toMatch(/refused the batch: emulated invalid_request_error/);
  });

  it('a file that mixes models, or has more lines than a Message Batch takes, is executed by the gateway', { timeout: 60_000 }, async () => {
    const g = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), batches({ pollMs: 20, nativePollMs: 20 }), anthropicProvider({ batchMaxRequests: 2 })],
      models: [
        { name: 'claude-pub', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: emu.origin, apiKey: emu.apiKey },
        { name: 'claude-other', provider: 'anthropic', model: 'claude-haiku-4-5', apiBase: emu.origin, apiKey: emu.apiKey },
      ],
    });
    try {
      emu.reset();
      const big = await upload(g.client, [chatLine('b1'), chatLine('b2'), chatLine('b3')]);
      expect(await until(g.client, (await create(g.client, big.id)).id, terminal)).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 3, failed: 0 } });
      const mixed = await upload(g.client, [chatLine('m1'), { ...chatLine('m2'), body: { ...chatLine('m2').body, model: 'claude-other' } }]);
      expect(await until(g.client, (await create(g.client, mixed.id)).id, terminal)).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect(upstream().filter((p) => p === 'POST /v1/messages')).toHaveLength(5);
      expect(upstream().some((p) => p.startsWith('POST /v1/messages/batches'))).toBe(false);
    } finally {
      await g.close();
    }
  });

  it('a server without Message Batches (404 on the create) gets the batch executed by the gateway; a refused line stays in the error file once', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.fault({ status: 404, method: 'POST', pathIncludes: '/v1/messages/batches' });
    const f = await upload(t.client, [chatLine('h1'), chatLine('h2'), chatLine('h3', { n: 2 })]);
    const end = await until(t.client, (await create(t.client, f.id)).id, terminal);
    expect(end).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 } });
    expect((await lines(t.client, end.output_file_id)).map((l) => l.response!.body.choices[0]!.message.content).sort()).toEqual(['echo: hello h1', 'echo: hello h2']);
    expect((await lines(t.client, end.error_file_id)).map((l) => l.custom_id)).toEqual(['h3']);
    expect(upstream().filter((p) => p === 'POST /v1/messages/batches')).toHaveLength(1);
    expect(upstream().filter((p) => p === 'POST /v1/messages')).toHaveLength(2);
  });

  it("mode: 'gateway' executes the lines itself (Messages calls, no Message Batch)", { timeout: 60_000 }, async () => {
    const g = await gateway(tempDbFile(), 'gateway');
    try {
      emu.reset();
      const f = await upload(g.client, [chatLine('g1'), chatLine('g2')]);
      const end = await until(g.client, (await create(g.client, f.id)).id, terminal);
      expect(end).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect((await lines(g.client, end.output_file_id)).map((l) => l.response!.body.choices[0]!.message.content).sort()).toEqual(['echo: hello g1', 'echo: hello g2']);
      expect(upstream().filter((p) => p === 'POST /v1/messages')).toHaveLength(2);
      expect(upstream().some((p) => p.startsWith('POST /v1/messages/batches'))).toBe(false);
    } finally {
      await g.close();
    }
  });
});
