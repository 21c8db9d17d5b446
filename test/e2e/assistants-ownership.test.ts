/**
 * Ownership of Assistants objects across two keys: each key's assistants, threads, messages,
 * runs and steps are its own; the other key gets OpenAI's 404 on every read, list, modify,
 * run, cancel and delete, in both path forms; the master key sees both.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import { assistants, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-assistants-0123456789abcdef';
let t: TestGateway;
let A: OpenAI;
let B: OpenAI;
let keyB = '';
const admin = () => new OpenAI({ apiKey: MASTER, baseURL: t.url, maxRetries: 0 });

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER, cacheTtlMs: 0 }), assistants({ pollAfterMs: 20 }), mockProvider()],
    models: [
      { name: 'claude-sonnet', provider: 'mock', model: 'echo' },
      { name: 'tools', provider: 'mock', model: 'tool' },
    ],
  });
  const key = async (alias: string) => {
    const res = await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: alias }) });
    return ((await res.json()) as { key: string }).key;
  };
  A = new OpenAI({ apiKey: await key('a'), baseURL: t.url, maxRetries: 0 });
  keyB = await key('b');
  B = new OpenAI({ apiKey: keyB, baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t.close();
});

async function status(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof OpenAI.APIError ? (e.status ?? 'no status') : String(e);
  }
}

describe('two keys', () => {
  it("another key's assistants, threads and messages are 404 everywhere; lists never show them", async () => {
    const asst = await A.beta.assistants.create({ model: 'claude-sonnet', name: 'mine' });
    const thread = await A.beta.threads.create({ messages: [{ role: 'user', content: 'secret of A' }] });
    const msg = (await A.beta.threads.messages.list(thread.id)).data[0]!;

    const attempts: Record<string, number | string> = {
      'assistants.retrieve': await status(B.beta.assistants.retrieve(asst.id)),
      'assistants.update': await status(B.beta.assistants.update(asst.id, { name: 'stolen' })),
      'assistants.delete': await status(B.beta.assistants.delete(asst.id)),
      'threads.retrieve': await status(B.beta.threads.retrieve(thread.id)),
      'threads.update': await status(B.beta.threads.update(thread.id, { metadata: { stolen: 'yes' } })),
      'messages.create': await status(B.beta.threads.messages.create(thread.id, { role: 'user', content: 'planted' })),
      'messages.list': await status(B.beta.threads.messages.list(thread.id)),
      'messages.retrieve': await status(B.beta.threads.messages.retrieve(msg.id, { thread_id: thread.id })),
      'messages.update': await status(B.beta.threads.messages.update(msg.id, { thread_id: thread.id, metadata: { x: 'y' } })),
      'messages.delete': await status(B.beta.threads.messages.delete(msg.id, { thread_id: thread.id })),
      'threads.delete': await status(B.beta.threads.delete(thread.id)),
    };
    expect(Object.values(attempts).every((s) => s === 404), JSON.stringify(attempts)).toBe(true);
    // without /v1 too, with OpenAI's message
    const raw = await fetch(`${t.origin}/assistants/${asst.id}`, { headers: { authorization: `Bearer ${keyB}` } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: { message: `No assistant found with id '${asst.id}'.`, type: 'invalid_request_error', param: 'assistant_id', code: 'not_found' } });

    expect((await B.beta.assistants.list()).data.map((a) => a.id)).not.toContain(asst.id);
    expect((await A.beta.assistants.list()).data.map((a) => a.id)).toContain(asst.id);
    // nothing changed, and the master key sees it
    expect((await A.beta.assistants.retrieve(asst.id)).name).toBe('mine');
    expect((await A.beta.threads.messages.list(thread.id)).data.map((m) => m.id)).toEqual([msg.id]);
    expect((await admin().beta.assistants.retrieve(asst.id)).id).toBe(asst.id);
    expect((await admin().beta.assistants.list({ limit: 100 })).data.map((a) => a.id)).toContain(asst.id);
  });

  it("another key's runs and steps: 404 on every read, modify, run, cancel and tool-output path, with and without /v1", async () => {
    const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const asst = await A.beta.assistants.create({ model: 'tools', tools: [tool] });
    const thread = await A.beta.threads.create({ messages: [{ role: 'user', content: 'secret' }] });
    const run = await A.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(run.status).toBe('requires_action');
    const step = (await A.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })).data[0]!;
    const callId = run.required_action!.submit_tool_outputs.tool_calls[0]!.id;
    const bAsst = await B.beta.assistants.create({ model: 'claude-sonnet' });
    const bThread = await B.beta.threads.create({ messages: [{ role: 'user', content: 'mine' }] });

    const attempts: Record<string, number | string> = {
      'runs.list': await status(B.beta.threads.runs.list(thread.id)),
      'runs.retrieve': await status(B.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })),
      'runs.update': await status(B.beta.threads.runs.update(run.id, { thread_id: thread.id, metadata: { x: 'y' } })),
      'runs.cancel': await status(B.beta.threads.runs.cancel(run.id, { thread_id: thread.id })),
      'runs.submit': await status(B.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: callId, output: 'stolen' }] })),
      'steps.list': await status(B.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })),
      'steps.retrieve': await status(B.beta.threads.runs.steps.retrieve(step.id, { thread_id: thread.id, run_id: run.id })),
      'runs.create on their thread': await status(B.beta.threads.runs.create(thread.id, { assistant_id: bAsst.id })),
      'runs.create with their assistant': await status(B.beta.threads.runs.create(bThread.id, { assistant_id: asst.id })),
      'createAndRun with their assistant': await status(B.beta.threads.createAndRun({ assistant_id: asst.id })),
      // their run named under my own thread
      'my thread, their run': await status(B.beta.threads.runs.retrieve(run.id, { thread_id: bThread.id })),
    };
    for (const prefix of ['/v1', '']) {
      for (const [label, method, p] of [
        ['GET run', 'GET', `/threads/${thread.id}/runs/${run.id}`],
        ['POST cancel', 'POST', `/threads/${thread.id}/runs/${run.id}/cancel`],
        ['GET steps', 'GET', `/threads/${thread.id}/runs/${run.id}/steps`],
      ] as const) {
        const res = await fetch(`${t.origin}${prefix}${p}`, { method, headers: { authorization: `Bearer ${keyB}` } });
        attempts[`${label} ${prefix || '(no /v1)'}`] = res.status;
      }
    }
    expect(Object.entries(attempts).filter(([, s]) => s !== 404)).toEqual([]);
    // nothing moved: the run still waits for A's outputs, and B's thread has no run
    expect((await A.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status).toBe('requires_action');
    expect((await B.beta.threads.runs.list(bThread.id)).data).toEqual([]);
    expect((await admin().beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).id).toBe(run.id);
    const done = await A.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: callId, output: 'ok' }] });
    expect(done.status).toBe('completed');
  });
});
