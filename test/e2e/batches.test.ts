/**
 * The Batches API through the official SDK over real HTTP, executed by the gateway: create,
 * poll to completed, download outputs (matched by custom_id), request counts, timestamps,
 * metadata; validation failures naming each bad line; bad create input; list paging; cancel
 * mid-run; expiry; another key's batches are 404.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import { batches, createTestGateway, mockProvider, openaiProvider, sqliteStore, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-batches-0123456789abcdef';
let t: TestGateway;
let emu: OpenAIEmulator;
let A: OpenAI;
let B: OpenAI;

const chatLine = (id: string, model = 'm', content = `hello ${id}`) => ({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });
const file = async (client: OpenAI, lines: unknown[]) => client.files.create({ file: await toFile(Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n'), 'in.jsonl'), purpose: 'batch' });

async function until(client: OpenAI, id: string, done: (b: OpenAI.Batches.Batch) => boolean): Promise<OpenAI.Batches.Batch> {
  for (;;) {
    const b = await client.batches.retrieve(id);
    if (done(b)) return b;
    await new Promise((r) => setTimeout(r, 25));
  }
}
const terminal = (b: OpenAI.Batches.Batch) => ['completed', 'failed', 'cancelled', 'expired'].includes(b.status);
interface OutLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: { object?: string; choices: Array<{ message: { content: string } }>; error?: { type: string } } } | null;
  error: { code: string; message: string } | null;
}
async function lines(client: OpenAI, fileId: string | null | undefined): Promise<Array<OutLine>> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutLine);
}

beforeAll(async () => {
  emu = await startOpenAIEmulator({ latencyMs: 150 });
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER, cacheTtlMs: 0 }), batches({ concurrency: 2, pollMs: 50, mode: 'gateway' }), mockProvider(), openaiProvider()],
    models: [
      { name: 'm', provider: 'mock', model: 'echo' },
      { name: 'bad', provider: 'mock', model: 'error-400' },
      { name: 'slow', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
    ],
  });
  const key = async (alias: string) => {
    const res = await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: alias }) });
    return ((await res.json()) as { key: string }).key;
  };
  A = new OpenAI({ apiKey: await key('a'), baseURL: t.url, maxRetries: 0 });
  B = new OpenAI({ apiKey: await key('b'), baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t.close();
  await emu.close();
});

describe('batches executed by the gateway', () => {
  it('runs a chat batch to completed: outputs by custom_id, error lines, counts, timestamps, metadata', async () => {
    const input = [...Array.from({ length: 30 }, (_, i) => chatLine(`req-${i}`)), chatLine('fails', 'bad')];
    const f = await file(A, input);
    const created = await A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { key1: 'value1' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: f.id, completion_window: '24h', metadata: { key1: 'value1' }, request_counts: { total: 0, completed: 0, failed: 0 } });
    expect(created.id).toMatch(/^batch_/);
    const b = await until(A, created.id, terminal);
    expect(b.status).toBe('completed');
    expect(b.request_counts).toEqual({ total: 31, completed: 30, failed: 1 });
    for (const k of ['in_progress_at', 'finalizing_at', 'completed_at', 'expires_at'] as const) expect(b[k], k).toBeGreaterThanOrEqual(b.created_at);
    expect(b.failed_at).toBeNull();
    const out = await lines(A, b.output_file_id);
    expect(out.map((l) => l.custom_id).sort()).toEqual(input.slice(0, 30).map((l) => l.custom_id).sort());
    for (const l of out) {
      expect(Object.keys(l).sort()).toEqual(['custom_id', 'error', 'id', 'response']);
      expect(l.id).toMatch(/^batch_req_/);
      expect(l.response!.status_code).toBe(200);
      expect(l.response!.request_id).toMatch(/^req_/);
      expect(l.response!.body.object).toBe('chat.completion');
      expect(l.response!.body.choices[0]!.message.content).toContain(`hello ${l.custom_id}`);
    }
    const errs = await lines(A, b.error_file_id);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ custom_id: 'fails', error: null, response: { status_code: 400, body: { error: { type: 'invalid_request_error' } } } });
    expect((await A.files.retrieve(b.output_file_id!)).purpose).toBe('batch_output');
    expect(b.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('a file whose line 17 is malformed gives a failed batch naming line 17 (and every other bad line)', async () => {
    const input: unknown[] = Array.from({ length: 20 }, (_, i) => chatLine(`l${i + 1}`));
    input[16] = { method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } }; // line 17: no custom_id
    input[2] = chatLine('l1'); // line 3: duplicate custom_id
    input[4] = { ...chatLine('l5'), method: 'GET' };
    input[6] = { ...chatLine('l7'), url: '/v1/embeddings' };
    input[8] = chatLine('l9', 'no-such-model');
    const f = await file(A, input);
    const created = await A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const b = await until(A, created.id, terminal);
    expect(b.status).toBe('failed');
    expect(b.failed_at).toBeGreaterThanOrEqual(b.created_at);
    expect(b.errors!.data.map((e) => [e.line, e.param])).toEqual([
      [3, 'custom_id'],
      [5, 'method'],
      [7, 'url'],
      [9, 'body.model'],
      [17, 'custom_id'],
    ]);
    expect(b.errors!.data.at(-1)!.message).toContain('Line 17');
    expect(b.output_file_id).toBeNull();
  });

  it('refuses bad create input with a 4xx naming the param', async () => {
    const f = await file(A, [chatLine('x')]);
    const other = await A.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'user_data' });
    const bFile = await file(B, [chatLine('x')]);
    const tries: Array<[Promise<unknown>, number, string]> = [
      [A.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' }), 404, 'input_file_id'],
      [A.batches.create({ input_file_id: bFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' }), 404, 'input_file_id'],
      [A.batches.create({ input_file_id: other.id, endpoint: '/v1/chat/completions', completion_window: '24h' }), 400, 'input_file_id'],
      [A.batches.create({ input_file_id: f.id, endpoint: '/v1/images/generations' as '/v1/chat/completions', completion_window: '24h' }), 400, 'endpoint'],
      [A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '48h' as '24h' }), 400, 'completion_window'],
    ];
    for (const [p, status, param] of tries) {
      const e = await p.then(() => undefined, (err: unknown) => err as OpenAI.APIError);
      expect({ status: e?.status, param: e?.param }).toEqual({ status, param });
    }
  });

  it('lists newest first with after/limit; another key sees no batch and gets 404 on retrieve and cancel', async () => {
    const f = await file(A, [chatLine('x')]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    const page = await A.batches.list({ limit: 2 });
    expect(page.data.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const b of A.batches.list({ limit: 2 })) all.push(b.id);
    expect(all.slice(0, 3)).toEqual([...ids].reverse());
    expect((await B.batches.list()).data.every((b) => !all.includes(b.id))).toBe(true);
    for (const p of [B.batches.retrieve(ids[0]!), B.batches.cancel(ids[0]!)]) expect(await p.then(() => 0, (e: OpenAI.APIError) => e.status)).toBe(404);
    for (const id of ids) expect((await until(A, id, terminal)).status).toBe('completed');
  });

  it('cancel mid-run: cancelling then cancelled, the lines done are in the output, no new line starts', async () => {
    emu.reset();
    const input = Array.from({ length: 40 }, (_, i) => chatLine(`c${i}`, 'slow'));
    const f = await file(A, input);
    const created = await A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await emu.received(3);
    const c = await A.batches.cancel(created.id);
    expect(c.status).toBe('cancelling');
    expect(c.cancelling_at).toBeGreaterThanOrEqual(c.created_at);
    const b = await until(A, created.id, terminal);
    expect(b.status).toBe('cancelled');
    expect(b.cancelled_at).toBeGreaterThanOrEqual(b.cancelling_at!);
    const out = await lines(A, b.output_file_id);
    expect(out.length).toBe(b.request_counts!.completed);
    expect(out.length).toBeLessThan(40);
    expect(emu.requests.filter((r) => r.path.endsWith('/chat/completions')).length).toBe(out.length);
  });

  it('deleting the input file of a running batch is a 409 (file_in_use); the batch completes; the delete works once it ended', async () => {
    emu.reset();
    const input = Array.from({ length: 8 }, (_, i) => chatLine(`del${i}`, 'slow'));
    const f = await file(A, input);
    const created = await A.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await emu.received(1);
    const err = (await A.files.delete(f.id).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(409);
    expect(err.error).toMatchObject({ type: 'invalid_request_error', param: 'file_id', code: 'file_in_use' });
    expect(err.message).toContain(created.id);
    expect((await A.files.retrieve(f.id)).id).toBe(f.id);
    const b = await until(A, created.id, terminal);
    expect(b).toMatchObject({ status: 'completed', request_counts: { total: 8, completed: 8, failed: 0 } });
    expect(await A.files.delete(f.id)).toMatchObject({ id: f.id, deleted: true });
  });
});

describe('expiry', () => {
  it('a batch past its window expires; unfinished lines are batch_expired error lines', async () => {
    const g = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), batches({ concurrency: 1, windowSeconds: 1, pollMs: 50, mode: 'gateway' }), openaiProvider()],
      models: [{ name: 'slow', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      const input = Array.from({ length: 30 }, (_, i) => chatLine(`e${i}`, 'slow'));
      const f = await file(g.client, input);
      const created = await g.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const b = await until(g.client, created.id, terminal);
      expect(b.status).toBe('expired');
      expect(b.expired_at).toBeGreaterThanOrEqual(b.expires_at!);
      const out = await lines(g.client, b.output_file_id);
      const errs = await lines(g.client, b.error_file_id);
      expect(errs.length).toBeGreaterThan(0);
      expect(errs.every((l) => l.response === null && l.error?.code === 'batch_expired')).toBe(true);
      expect([...out, ...errs].map((l) => l.custom_id).sort()).toEqual(input.map((l) => l.custom_id).sort());
      expect(b.request_counts).toEqual({ total: 30, completed: out.length, failed: errs.length });
    } finally {
      await g.close();
    }
  });
});
