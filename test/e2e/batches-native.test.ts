/**
 * Native Files/Batches pass-through to OpenAI (the emulator's Files and Batches APIs), through
 * the official SDK: the input uploaded there (multipart, each line's model the deployment's),
 * the batch created there and polled, status and counts reflected, the output copied back as
 * gateway files (line ids as upstream wrote them), each line in the call log, the cost once
 * (across retrieves and a restart), cancel upstream, upstream errors in the OpenAI shape, an
 * upstream down while polling (never failed on a blip), one model per native batch, and the
 * emulator's own Files and Batches.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import { batches, createTestGateway, mockProvider, openaiProvider, sessionTracker, sqliteStore, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

const IN = 0.001;
const OUT = 0.002;
let emu: OpenAIEmulator;
let t: TestGateway;
let db: string;

const chatLine = (id: string, model = 'gpt-pub', content = `hello ${id}`) => ({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });
const upload = async (client: OpenAI, lines: unknown[]) =>
  client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), 'in.jsonl'), purpose: 'batch' });
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
  response: { status_code: number; request_id: string; body: { model: string; usage: { prompt_tokens: number; completion_tokens: number }; choices: Array<{ message: { content: string } }> } } | null;
  error: unknown;
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
    plugins: [sqliteStore({ file }), sessionTracker(), costTracker(), batches({ pollMs: 20, nativePollMs: 20, mode }), mockProvider(), openaiProvider()],
    models: [
      { name: 'gpt-pub', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey, inputCostPerToken: IN, outputCostPerToken: OUT },
      { name: 'm', provider: 'mock', model: 'echo' },
      { name: 'm2', provider: 'mock', model: 'echo' },
    ],
  });
const upstreamPaths = () => emu.requests.map((r) => `${r.method} ${r.path.replace(/(file-|batch_)emu\d+/g, '$1ID')}`);

beforeAll(async () => {
  emu = await startOpenAIEmulator({ batchPolls: 2 });
  db = tempDbFile();
  t = await gateway(db);
});
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

describe('the OpenAI emulator speaks Files and Batches', () => {
  it('upload, retrieve, content, list, delete; a batch progresses as it is polled and completes; cancel', async () => {
    const c = new OpenAI({ apiKey: emu.apiKey, baseURL: emu.baseURL, maxRetries: 0 });
    const f = await upload(c, [chatLine('a', 'gpt-4o'), chatLine('b', 'gpt-4o'), { ...chatLine('c', 'gpt-4o'), body: { model: 'gpt-4o', messages: [] } }]);
    expect(f).toMatchObject({ object: 'file', purpose: 'batch', filename: 'in.jsonl', status: 'processed' });
    expect((await c.files.retrieve(f.id)).bytes).toBe(f.bytes);
    expect((await c.files.list()).data.map((x) => x.id)).toContain(f.id);
    const b = await c.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(b.status).toBe('validating');
    expect((await c.batches.retrieve(b.id)).status).toBe('in_progress');
    const done = await c.batches.retrieve(b.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 } });
    const out = await lines(c, done.output_file_id);
    expect(out.map((l) => l.custom_id).sort()).toEqual(['a', 'b']);
    expect(out[0]!.response!.body.choices[0]!.message.content).toMatch(/^echo: hello /);
    expect((await lines(c, done.error_file_id))[0]!.response!.status_code).toBe(400);
    expect((await c.batches.list()).data.map((x) => x.id)).toContain(b.id);
    expect(await c.files.delete(f.id)).toMatchObject({ id: f.id, deleted: true });
    await expect(c.files.retrieve(f.id)).rejects.toMatchObject({ status: 404 });

    emu.batches.held = true;
    const f2 = await upload(c, [chatLine('x', 'gpt-4o')]);
    const b2 = await c.batches.create({ input_file_id: f2.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await c.batches.cancel(b2.id)).status).toBe('cancelling');
    expect((await c.batches.retrieve(b2.id)).status).toBe('cancelled');
    emu.batches.held = false;
  });
});

describe('native pass-through to OpenAI', () => {
  it('a batch of an OpenAI model runs upstream: gateway ids only, output copied back, call log, counts, cost once across retrieves and a restart', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.batches.polls = 3;
    const linesRunBefore = emu.batches.linesRun;
    const input = Array.from({ length: 12 }, (_, i) => chatLine(`r${i}`));
    const f = await upload(t.client, input);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { k: 'v' } });
    const seen = new Set<string>();
    const b = await until(t.client, created.id, (x) => (seen.add(x.status), terminal(x)));
    expect(b.status).toBe('completed');
    expect(seen.has('in_progress')).toBe(true);
    expect(b.id).toBe(created.id);
    expect(b.input_file_id).toBe(f.id);
    expect(b.metadata).toEqual({ k: 'v' });
    expect(b.request_counts).toEqual({ total: 12, completed: 12, failed: 0 });
    expect(b.output_file_id).toMatch(/^file-/);
    expect(b.output_file_id).not.toMatch(/emu/);
    expect(b.error_file_id).toBeNull();
    expect(emu.batches.linesRun - linesRunBefore).toBe(12);

    // upstream: one multipart upload whose lines name the deployment's model, one create, polls, one download
    const paths = upstreamPaths();
    expect(paths.filter((p) => p === 'POST /v1/files')).toHaveLength(1);
    expect(paths.filter((p) => p === 'POST /v1/batches')).toHaveLength(1);
    expect(paths.filter((p) => p === 'GET /v1/batches/batch_ID').length).toBeGreaterThanOrEqual(3);
    expect(paths.filter((p) => p === 'GET /v1/files/file-ID/content')).toHaveLength(1);
    const up = emu.requests.find((r) => r.path === '/v1/files')!;
    expect(String(up.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    // streamed from the blob store as it is read (chunked), never assembled whole first
    expect(up.headers['transfer-encoding']).toBe('chunked');
    expect(up.text).toContain('name="purpose"');
    const sent = up.text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { custom_id: string; body: { model: string } });
    expect(sent).toHaveLength(12);
    expect(new Set(sent.map((l) => l.body.model))).toEqual(new Set(['gpt-4o']));
    const createBody = emu.requests.find((r) => r.path === '/v1/batches')!.body as { input_file_id: string; metadata: unknown };
    expect(createBody.input_file_id).toMatch(/^file-emu/);
    // the client's metadata, and the marker a retried create is found by
    expect(createBody.metadata).toEqual({ k: 'v', switchyard_batch_id: b.id });

    // the output as upstream wrote it (its line ids), served as the gateway's file
    const out = await lines(t.client, b.output_file_id);
    expect(out.map((l) => l.custom_id).sort()).toEqual(input.map((l) => l.custom_id).sort());
    for (const l of out) {
      expect(l.id).toMatch(/^batch_req_emu/);
      expect(l.response!.body.choices[0]!.message.content).toBe(`echo: hello ${l.custom_id}`);
    }
    expect((await t.client.files.retrieve(b.output_file_id!)).purpose).toBe('batch_output');
    expect(b.usage!.total_tokens).toBeGreaterThan(0);

    // each line in the call log (the batch is its session), priced at batch prices
    const session = (await (await fetch(`${t.origin}/v1/sessions/${b.id}`)).json()) as { calls: Array<{ model: string; metadata: { custom_id: string }; cost: number | null }> };
    expect(session.calls).toHaveLength(12);
    expect(new Set(session.calls.map((c) => c.metadata.custom_id))).toEqual(new Set(input.map((l) => l.custom_id)));
    const tokens = out.reduce((a, l) => ({ i: a.i + l.response!.body.usage.prompt_tokens, o: a.o + l.response!.body.usage.completion_tokens }), { i: 0, o: 0 });
    const spend = async () => ((await (await fetch(`${t.origin}/spend/logs?limit=1000`)).json()) as { data: Array<{ session_id: string; cost: number; endpoint: string }> }).data.filter((r) => r.session_id === b.id);
    for (let i = 0; i < 5; i++) await t.client.batches.retrieve(b.id);
    let rows = await spend();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.endpoint).toBe('/v1/batches');
    expect(rows[0]!.cost).toBeCloseTo((tokens.i * IN + tokens.o * OUT) / 2, 9);
    await t.close();
    t = await gateway(db);
    expect((await t.client.batches.retrieve(b.id)).status).toBe('completed');
    rows = await spend();
    expect(rows).toHaveLength(1);
    emu.batches.polls = 2;
  });

  it('the poller is a durable job: a gateway restarted while the batch runs upstream follows it to the end, nothing created twice', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.batches.held = true;
    const f = await upload(t.client, [chatLine('p1'), chatLine('p2'), chatLine('p3')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(t.client, created.id, (x) => x.status === 'in_progress');
    await t.close();
    emu.batches.held = false;
    t = await gateway(db);
    const end = await until(t.client, created.id, terminal);
    expect(end).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 3, failed: 0 } });
    expect((await lines(t.client, end.output_file_id)).map((l) => l.custom_id).sort()).toEqual(['p1', 'p2', 'p3']);
    const paths = upstreamPaths();
    expect(paths.filter((p) => p === 'POST /v1/files')).toHaveLength(1);
    expect(paths.filter((p) => p === 'POST /v1/batches')).toHaveLength(1);
    const session = (await (await fetch(`${t.origin}/v1/sessions/${end.id}`)).json()) as { calls: unknown[] };
    expect(session.calls).toHaveLength(3);
  });

  it('a gateway stopped while the upstream create is in flight finds that batch after the restart instead of creating a second', { timeout: 60_000 }, async () => {
    emu.reset();
    emu.batches.held = true;
    const before = emu.batches.batches.size;
    emu.fault({ delayMs: 400, pathIncludes: '/v1/batches' });
    const f = await upload(t.client, [chatLine('k1'), chatLine('k2')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    // the create has reached the upstream; the gateway goes before its answer comes back
    for (let n = 1; !emu.requests.some((r) => r.method === 'POST' && r.path === '/v1/batches'); n++) await emu.received(n);
    await t.close();
    while (emu.batches.batches.size === before) await new Promise((r) => setTimeout(r, 20));
    emu.batches.held = false;
    t = await gateway(db);
    const end = await until(t.client, created.id, terminal);
    expect(end).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
    expect(emu.batches.batches.size - before).toBe(1);
    expect(upstreamPaths().filter((p) => p === 'POST /v1/batches')).toHaveLength(1);
    expect(upstreamPaths()).toContain('GET /v1/batches?limit=100');
  });

  it('shows request_counts and estimated_completion_at while upstream is in progress', async () => {
    emu.batches.polls = 6;
    const f = await upload(t.client, Array.from({ length: 30 }, (_, i) => chatLine(`e${i}`)));
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const mid = await until(t.client, created.id, (x) => terminal(x) || (x.status === 'in_progress' && x.request_counts!.completed > 0));
    expect(mid.status).toBe('in_progress');
    expect(mid.request_counts!.total).toBe(30);
    const eta = (mid as unknown as { estimated_completion_at: number | null }).estimated_completion_at;
    expect(eta).toBeGreaterThanOrEqual(mid.in_progress_at!);
    const end = await until(t.client, created.id, terminal);
    expect(end.status).toBe('completed');
    expect('estimated_completion_at' in end).toBe(false);
    emu.batches.polls = 2;
  });

  it('cancel goes upstream; the batch ends cancelled', async () => {
    emu.reset();
    emu.batches.held = true;
    const f = await upload(t.client, [chatLine('c1'), chatLine('c2')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(t.client, created.id, (x) => x.status === 'in_progress');
    expect((await t.client.batches.cancel(created.id)).status).toBe('cancelling');
    expect(upstreamPaths()).toContain('POST /v1/batches/batch_ID/cancel');
    const end = await until(t.client, created.id, terminal);
    expect(end.status).toBe('cancelled');
    expect(end.cancelled_at).toBeGreaterThanOrEqual(end.created_at);
    emu.batches.held = false;
    // the input's copy at the deployment goes with the gateway's file
    const upstreamId = (emu.requests.find((r) => r.path === '/v1/batches')!.body as { input_file_id: string }).input_file_id;
    expect(emu.batches.files.has(upstreamId)).toBe(true);
    expect(await t.client.files.delete(f.id)).toMatchObject({ deleted: true });
    expect(upstreamPaths()).toContain('DELETE /v1/files/file-ID');
    expect(emu.batches.files.has(upstreamId)).toBe(false);
  });

  it('a cancel the upstream refuses is the client\'s answer in the OpenAI error shape; the batch runs on', async () => {
    emu.reset();
    emu.batches.held = true;
    const f = await upload(t.client, [chatLine('n1')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(t.client, created.id, (x) => x.status === 'in_progress');
    emu.fault({ status: 409, pathIncludes: '/cancel', body: { error: { message: 'Batch is finalizing and cannot be cancelled.', type: 'invalid_request_error', param: null, code: 'batch_not_cancellable' } } });
    const err = (await t.client.batches.cancel(created.id).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(409);
    expect(err.error).toMatchObject({ message: 'Batch is finalizing and cannot be cancelled.', type: 'invalid_request_error', code: 'batch_not_cancellable' });
    expect((await t.client.batches.retrieve(created.id)).status).toBe('in_progress');
    emu.batches.held = false;
    expect((await until(t.client, created.id, terminal)).status).toBe('completed');
  });

  it('an upstream down while polling is tried again later, never a failed batch', async () => {
    emu.reset();
    const f = await upload(t.client, [chatLine('d1'), chatLine('d2')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(t.client, created.id, (x) => x.status !== 'validating');
    emu.fault({ status: 503, pathIncludes: '/v1/batches/', times: 3 });
    emu.fault({ reset: true, pathIncludes: '/v1/batches/', times: 2 });
    const end = await until(t.client, created.id, terminal);
    expect(end.status).toBe('completed');
    expect(end.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
  });

  it('an upstream that refuses the batch gives a failed batch with its error (OpenAI shape), never a 500', async () => {
    emu.reset();
    emu.fault({ status: 400, method: 'POST', pathIncludes: '/v1/batches', body: { error: { message: 'Enqueued token limit reached for gpt-4o.', type: 'invalid_request_error', param: null, code: 'token_limit_exceeded' } } });
    const f = await upload(t.client, [chatLine('x1')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const end = await until(t.client, created.id, terminal);
    expect(end.status).toBe('failed');
    expect(end.errors!.data![0]).toMatchObject({ code: 'token_limit_exceeded' });
    expect(end.errors!.data![0]!.message).toContain('Enqueued token limit reached');
  });

  it('a file mixing models for a native deployment fails naming each line; the gateway still runs mixed models elsewhere', async () => {
    const f = await upload(t.client, [chatLine('a'), chatLine('b'), chatLine('c', 'm'), chatLine('d'), chatLine('e', 'm2')]);
    const created = await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const end = await until(t.client, created.id, terminal);
    expect(end.status).toBe('failed');
    expect(end.errors!.data!.map((e) => [e.line, e.code, e.param])).toEqual([
      [3, 'model_mismatch', 'body.model'],
      [5, 'model_mismatch', 'body.model'],
    ]);
    expect(end.errors!.data![0]!.message).toContain("Line 3: the model 'm' differs from the batch's model 'gpt-pub'");
    const mixed = await upload(t.client, [chatLine('a', 'm'), chatLine('b', 'm2')]);
    const ok = await until(t.client, (await t.client.batches.create({ input_file_id: mixed.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id, terminal);
    expect(ok).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
  });

  it('an OpenAI-compatible server without the Batches API (404) gets its batches executed by the gateway, mixed models included', { timeout: 60_000 }, async () => {
    const bare = await startOpenAIEmulator({ batchesApi: false });
    const g = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), batches({ pollMs: 20, nativePollMs: 20 }), mockProvider(), openaiProvider()],
      models: [
        { name: 'local', provider: 'openai', model: 'llama3', apiBase: bare.baseURL, apiKey: bare.apiKey },
        { name: 'm', provider: 'mock', model: 'echo' },
      ],
    });
    try {
      for (const input of [[chatLine('a', 'local'), chatLine('b', 'local')], [chatLine('a', 'local'), chatLine('b', 'm')]]) {
        bare.reset();
        const f = await upload(g.client, input);
        const end = await until(g.client, (await g.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id, terminal);
        expect(end).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
        const paths = bare.requests.map((r) => `${r.method} ${r.path}`);
        expect(paths[0]).toBe('GET /v1/batches?limit=1');
        expect(paths.filter((p) => p === 'POST /v1/chat/completions')).toHaveLength(input.filter((l) => l.body.model === 'local').length);
        expect(paths.some((p) => p.startsWith('POST /v1/files') || p === 'POST /v1/batches')).toBe(false);
      }
      // the probe said nothing (503): the upload's 404 hands the batch to the gateway instead
      bare.reset();
      bare.fault({ status: 503, pathIncludes: '/v1/batches?limit=1' });
      const f = await upload(g.client, [chatLine('c', 'local')]);
      const end = await until(g.client, (await g.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id, terminal);
      expect(end).toMatchObject({ status: 'completed', request_counts: { total: 1, completed: 1, failed: 0 } });
      expect(bare.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/batches?limit=1', 'POST /v1/files', 'POST /v1/chat/completions']);
    } finally {
      await g.close();
      await bare.close();
    }
  });

  it("mode 'gateway' executes an OpenAI model's batch in the gateway (mixed models allowed), nothing sent to the upstream Batches API", async () => {
    emu.reset();
    const g = await gateway(tempDbFile(), 'gateway');
    try {
      const f = await upload(g.client, [chatLine('a'), chatLine('b', 'm')]);
      const end = await until(g.client, (await g.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id, terminal);
      expect(end).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect(upstreamPaths()).toEqual(['POST /v1/chat/completions']);
    } finally {
      await g.close();
    }
  });
});
