/**
 * The Files API through the official SDK over real HTTP: upload (every purpose, both SDK
 * multipart forms), list (purpose, limit, after, order), retrieve, content, delete; bad
 * uploads are 4xx with `param` and leave no blob behind; another key gets 404.
 */
import { createReadStream } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import { batches, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-files-0123456789abcdef';
let t: TestGateway;
let A: OpenAI;
let B: OpenAI;
let keyA = '';
let dbFile = '';
const LINE = (i: number) => JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: `hi ${i}` }] } });
const jsonl = (n: number) => Array.from({ length: n }, (_, i) => LINE(i)).join('\n') + '\n';

async function blobCount(): Promise<number> {
  const files = await readdir(dirname(dbFile), { recursive: true }).catch(() => [] as string[]);
  return files.filter((f) => /blob_[0-9a-f]{32}/.test(String(f)) && !String(f).includes('.tmp')).length;
}

async function err(p: Promise<unknown>): Promise<{ status?: number; param?: string | null; code?: string | null }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpenAI.APIError) return { status: e.status, param: e.param, code: e.code };
    throw e;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  dbFile = tempDbFile();
  t = await createTestGateway({
    plugins: [sqliteStore({ file: dbFile }), auth({ masterKey: MASTER, cacheTtlMs: 0 }), batches({ maxFileBytes: 1024 * 1024 }), mockProvider()],
    models: [{ name: 'm', provider: 'mock', model: 'echo' }],
  });
  const key = async (alias: string) => {
    const res = await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: alias }) });
    return ((await res.json()) as { key: string }).key;
  };
  keyA = await key('a');
  A = new OpenAI({ apiKey: keyA, baseURL: t.url, maxRetries: 0 });
  B = new OpenAI({ apiKey: await key('b'), baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('files', () => {
  it('uploads, retrieves, streams back and deletes a file (object exactly as OpenAI)', async () => {
    const body = jsonl(3);
    const f = await A.files.create({ file: await toFile(Buffer.from(body), 'mydata.jsonl'), purpose: 'batch' });
    expect(Object.keys(f).sort()).toEqual(['bytes', 'created_at', 'expires_at', 'filename', 'id', 'object', 'purpose', 'status', 'status_details']);
    expect(f).toMatchObject({ object: 'file', bytes: Buffer.byteLength(body), filename: 'mydata.jsonl', purpose: 'batch', status: 'processed', expires_at: null });
    expect(f.id).toMatch(/^file-[A-Za-z0-9]{24}$/);
    expect(await A.files.retrieve(f.id)).toEqual(f);
    const res = await A.files.content(f.id);
    expect(res.headers.get('content-type')).toBe('application/jsonl');
    expect(await res.text()).toBe(body);
    // without /v1 too
    const raw = await fetch(`${t.origin}/files/${f.id}`, { headers: { authorization: `Bearer ${keyA}` } });
    expect(await raw.json()).toEqual(f);
    expect(await A.files.delete(f.id)).toEqual({ id: f.id, object: 'file', deleted: true });
    expect((await err(A.files.retrieve(f.id))).status).toBe(404);
    expect((await err(A.files.content(f.id))).status).toBe(404);
  });

  it('takes every purpose, a streamed (chunked) body with file before purpose, and expires_after', async () => {
    for (const purpose of ['assistants', 'user_data', 'fine-tune', 'vision'] as const) {
      const f = await A.files.create({ file: await toFile(Buffer.from([0, 1, 2, 255]), 'x.bin'), purpose });
      expect(f.purpose).toBe(purpose);
      expect(Buffer.from(await (await A.files.content(f.id)).arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    }
    const path = join(dirname(dbFile), 'streamed.jsonl');
    await writeFile(path, jsonl(5));
    const s = await A.files.create({ file: createReadStream(path), purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 3600 } });
    expect(s).toMatchObject({ filename: 'streamed.jsonl', purpose: 'batch', expires_at: s.created_at + 3600 });
  });

  it('lists by purpose, limit, after and order; another key sees none of them and gets 404 everywhere', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await A.files.create({ file: await toFile(Buffer.from(`{"i":${i}}\n`), `l${i}.jsonl`), purpose: 'evals' })).id);
    const desc = await A.files.list({ purpose: 'evals' });
    expect(desc.data.map((f) => f.id)).toEqual([...ids].reverse());
    const asc = await A.files.list({ purpose: 'evals', order: 'asc', limit: 2 });
    expect(asc.data.map((f) => f.id)).toEqual(ids.slice(0, 2));
    expect(asc.has_more).toBe(true);
    const next = await A.files.list({ purpose: 'evals', order: 'asc', limit: 2, after: ids[1] });
    expect(next.data.map((f) => f.id)).toEqual([ids[2]]);
    expect(next.has_more).toBe(false);
    expect((await B.files.list()).data).toEqual([]);
    for (const p of [B.files.retrieve(ids[0]!), B.files.content(ids[0]!), B.files.delete(ids[0]!)]) expect((await err(p)).status).toBe(404);
    expect((await A.files.retrieve(ids[0]!)).id).toBe(ids[0]);
    const admin = new OpenAI({ apiKey: MASTER, baseURL: t.url, maxRetries: 0 });
    expect((await admin.files.retrieve(ids[0]!)).id).toBe(ids[0]);
  });

  it('refuses bad uploads with a 4xx naming the param, and keeps no blob', async () => {
    const before = await blobCount();
    expect(before).toBeGreaterThan(0); // the count sees the stored blobs
    const form = (parts: Record<string, string | Blob>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(parts)) fd.append(k, v, ...(typeof v === 'string' ? [] : ['f.jsonl']) as []);
      return fetch(`${t.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${keyA}` }, body: fd });
    };
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['missing purpose', form({ file: new Blob([jsonl(1)]) }), 400, 'purpose'],
      ['missing file', form({ purpose: 'batch' }), 400, 'file'],
      ['unknown purpose', form({ file: new Blob([jsonl(1)]), purpose: 'nope' }), 400, 'purpose'],
      ['empty file', form({ file: new Blob([]), purpose: 'user_data' }), 400, 'file'],
      ['not JSONL for batch', form({ file: new Blob(['{"a":1}\nnot json\n']), purpose: 'batch' }), 400, 'file'],
      ['too large', form({ file: new Blob([Buffer.alloc(2 * 1024 * 1024, 97)]), purpose: 'user_data' }), 413, 'file'],
      ['not multipart', fetch(`${t.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' }, body: '{}' }), 415, 'file'],
      [
        'malformed multipart',
        fetch(`${t.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${keyA}`, 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc' }),
        400,
        'file',
      ],
    ];
    for (const [name, p, status, param] of cases) {
      const res = await p;
      const body = (await res.json()) as { error: { param: string; type: string; message: string } };
      expect({ name, status: res.status, param: body.error.param }).toEqual({ name, status, param });
      expect(body.error.type).toBe('invalid_request_error');
    }
    expect(await blobCount()).toBe(before);
    const n = (await A.files.list()).data.length;
    expect(n).toBeGreaterThan(0);
  });
});
