/**
 * Pass-through mode: the Assistants API sent unchanged to the OpenAI emulator's own
 * Assistants API (hosted tools, streaming, tool outputs, `openai/<model>` names as on an
 * OpenAI-compatible server), with the gateway's key upstream and `OpenAI-Beta` set; the
 * ids made through the gateway are mapped to their owner (another key: 404, lists show only
 * the caller's) and to the deployment holding them; a model's deployment named as the
 * target; LiteLLM's `assistant_settings` from a LiteLLM config.yaml, served by the CLI, to
 * the Azure emulator.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import { assistants, createTestGateway, killClis, openaiProvider, sqliteStore, startAzureEmulator, startCli, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-master-passthrough-0123456789abcdef';
let emu: OpenAIEmulator;
let t: TestGateway;
let A: OpenAI;
let B: OpenAI;

afterEach(killClis);

beforeAll(async () => {
  emu = await startOpenAIEmulator({ apiKey: 'sk-upstream-assistants' });
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER, cacheTtlMs: 0 }), assistants({ passthrough: { provider: 'openai', apiKey: emu.apiKey, apiBase: emu.baseURL } })],
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

const textOf = (m: OpenAI.Beta.Threads.Message) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('');
const folded = (names: string[]) => names.filter((n, i) => !(n.endsWith('.delta') && names[i - 1] === n)).map((n) => (n.endsWith('.delta') ? `${n}+` : n));
const status = (p: Promise<unknown>) =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => (e as { status?: number }).status,
  );

describe('pass-through to the OpenAI Assistants API', () => {
  it('the quick-start with code_interpreter runs upstream unchanged; the upstream gets the gateway key and OpenAI-Beta', async () => {
    const asst = await A.beta.assistants.create({ model: 'gpt-4o', name: 'Math Tutor', instructions: 'You are a personal math tutor.', tools: [{ type: 'code_interpreter' }] });
    expect(asst.id).toMatch(/^asst_emu/);
    expect(asst.tools).toEqual([{ type: 'code_interpreter' }]);
    const thread = await A.beta.threads.create({ messages: [{ role: 'user', content: "Hey, how's it going?" }] });
    await A.beta.threads.messages.create(thread.id, { role: 'user', content: 'How does AI work?' });
    const run = await A.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(run.status).toBe('completed');
    const messages = await A.beta.threads.messages.list(thread.id);
    expect(textOf(messages.data[0]!)).toBe('echo: How does AI work?');
    const sent = emu.requests.find((r) => r.path === '/v1/assistants' && r.method === 'POST')!;
    expect(sent.headers.authorization).toBe(`Bearer ${emu.apiKey}`);
    expect(sent.headers['openai-beta']).toBe('assistants=v2');
    expect(sent.body).toEqual({ model: 'gpt-4o', name: 'Math Tutor', instructions: 'You are a personal math tutor.', tools: [{ type: 'code_interpreter' }] });
    const steps = await A.beta.threads.runs.steps.list(run.id, { thread_id: thread.id });
    expect(steps.data.map((s) => s.type)).toEqual(['message_creation']);
  });

  it('an OpenAI-compatible server\'s openai/<model> name goes as is', async () => {
    const asst = await A.beta.assistants.create({ model: 'openai/gpt-4o' });
    expect(asst.model).toBe('openai/gpt-4o');
    const run = await A.beta.threads.createAndRunPoll({ assistant_id: asst.id, thread: { messages: [{ role: 'user', content: 'via astra' }] } });
    expect(run).toMatchObject({ status: 'completed', model: 'openai/gpt-4o' });
    expect(emu.requests.filter((r) => r.path === '/v1/threads/runs').at(-1)!.body).toMatchObject({ assistant_id: asst.id });
  });

  it('streams pass through in order; function tools through requires_action and submitToolOutputsStream/AndPoll', async () => {
    const asst = await A.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'add' } }] });
    const thread = await A.beta.threads.create({ messages: [{ role: 'user', content: 'add 2 and 3' }] });
    const names: string[] = [];
    const s = A.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
    s.on('event', (e) => names.push(e.event));
    const waiting = await s.finalRun();
    expect(folded(names)).toEqual(['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.step.created', 'thread.run.step.in_progress', 'thread.run.step.delta+', 'thread.run.requires_action']);
    const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
    let text = '';
    const s2 = A.beta.threads.runs.submitToolOutputsStream(waiting.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: '5' }] });
    s2.on('textDelta', (d) => (text += d.value ?? ''));
    expect((await s2.finalRun()).status).toBe('completed');
    expect(text).toBe('tool result: 5');

    const r2 = await A.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(r2.status).toBe('requires_action');
    const done = await A.beta.threads.runs.submitToolOutputsAndPoll(r2.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: r2.required_action!.submit_tool_outputs.tool_calls[0]!.id, output: 'six' }] });
    expect(done.status).toBe('completed');

    // createAndRun streamed: the new thread (seen only in the stream) is the caller's
    const created: string[] = [];
    const s3 = A.beta.threads.createAndRunStream({ assistant_id: asst.id, tools: [], thread: { messages: [{ role: 'user', content: 'streamed thread' }] } });
    s3.on('event', (e) => e.event === 'thread.created' && created.push(e.data.id));
    const r3 = await s3.finalRun();
    expect(created).toEqual([r3.thread_id]);
    expect((await A.beta.threads.retrieve(r3.thread_id)).id).toBe(r3.thread_id);
    expect(await status(B.beta.threads.retrieve(r3.thread_id))).toBe(404);
  });

  it('ownership: another key gets 404 on every path and its lists leave the objects out; upstream errors keep their status and message', async () => {
    const asst = await A.beta.assistants.create({ model: 'gpt-4o', name: 'A-only' });
    const thread = await A.beta.threads.create({ messages: [{ role: 'user', content: 'secret' }] });
    const msg = (await A.beta.threads.messages.list(thread.id)).data[0]!;
    const run = await A.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    const mine = await B.beta.assistants.create({ model: 'gpt-4o', name: 'B-only' });
    const bThread = await B.beta.threads.create();
    const attempts = {
      retrieve: await status(B.beta.assistants.retrieve(asst.id)),
      update: await status(B.beta.assistants.update(asst.id, { name: 'stolen' })),
      delete: await status(B.beta.assistants.delete(asst.id)),
      thread: await status(B.beta.threads.retrieve(thread.id)),
      messages: await status(B.beta.threads.messages.list(thread.id)),
      message: await status(B.beta.threads.messages.retrieve(msg.id, { thread_id: thread.id })),
      addMessage: await status(B.beta.threads.messages.create(thread.id, { role: 'user', content: 'x' })),
      runs: await status(B.beta.threads.runs.list(thread.id)),
      run: await status(B.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })),
      steps: await status(B.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })),
      newRun: await status(B.beta.threads.runs.create(thread.id, { assistant_id: mine.id })),
      runOnTheirAssistant: await status(B.beta.threads.runs.create(bThread.id, { assistant_id: asst.id })),
      createAndRun: await status(B.beta.threads.createAndRun({ assistant_id: asst.id })),
      cancel: await status(B.beta.threads.runs.cancel(run.id, { thread_id: thread.id })),
      deleteThread: await status(B.beta.threads.delete(thread.id)),
    };
    expect(Object.entries(attempts).filter(([, s]) => s !== 404)).toEqual([]);
    const bList = (await B.beta.assistants.list({ limit: 100 })).data.map((a) => a.id);
    expect(bList).toEqual([mine.id]);
    expect((await A.beta.assistants.list({ limit: 100 })).data.map((a) => a.id)).toContain(asst.id);
    expect((await A.beta.assistants.retrieve(asst.id)).name).toBe('A-only'); // unchanged
    // the master key reaches upstream objects directly; the upstream's 404 comes back as it was
    const admin = new OpenAI({ apiKey: MASTER, baseURL: t.url, maxRetries: 0 });
    const e = await admin.beta.assistants.retrieve('asst_not_there').catch((err: unknown) => err as InstanceType<typeof OpenAI.APIError>);
    expect(e).toMatchObject({ status: 404, message: "404 No assistant found with id 'asst_not_there'." });
  });
});

describe('other pass-through targets', () => {
  it("a model's OpenAI deployment named as the target: its URL and key", async () => {
    const g = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), openaiProvider(), assistants({ passthrough: 'gpt-4o' })],
      models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
    });
    try {
      const asst = await g.client.beta.assistants.create({ model: 'gpt-4o' });
      const run = await g.client.beta.threads.createAndRunPoll({ assistant_id: asst.id, thread: { messages: [{ role: 'user', content: 'deployment target' }] } });
      expect(run.status).toBe('completed');
      expect(textOf((await g.client.beta.threads.messages.list(run.thread_id)).data[0]!)).toBe('echo: deployment target');
    } finally {
      await g.close();
    }
  });

  it("LiteLLM's assistant_settings in a LiteLLM config.yaml, served by the CLI, pass the API through to Azure", { timeout: 60_000 }, async () => {
    const azure = await startAzureEmulator();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'sy-asst-litellm-'));
      writeFileSync(path.join(dir, 'package.json'), '{}');
      writeFileSync(
        path.join(dir, 'config.yaml'),
        [
          'model_list:',
          '  - model_name: gpt-4o',
          '    litellm_params: { model: azure/gpt-4o, api_base: os.environ/AZURE_API_BASE, api_key: os.environ/AZURE_API_KEY, api_version: "2024-05-01-preview" }',
          'assistant_settings:',
          '  custom_llm_provider: azure',
          '  litellm_params:',
          '    api_key: os.environ/AZURE_API_KEY',
          '    api_base: os.environ/AZURE_API_BASE',
          '    api_version: 2024-05-01-preview',
          '',
        ].join('\n'),
      );
      const cli = startCli(['--config', 'config.yaml', '--port', '0'], dir, { AZURE_API_KEY: azure.apiKey, AZURE_API_BASE: azure.origin });
      const origin = await cli.url;
      const client = new OpenAI({ apiKey: 'sk-anything', baseURL: `${origin}/v1`, maxRetries: 0 });
      const asst = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'You are a personal math tutor.', tools: [{ type: 'code_interpreter' }] });
      const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'azure assistants' }] });
      const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
      expect(run.status).toBe('completed');
      expect(textOf((await client.beta.threads.messages.list(thread.id)).data[0]!)).toBe('echo: azure assistants');
      const sent = azure.requests.find((r) => r.path.startsWith('/openai/assistants'))!;
      expect(sent.path).toBe('/openai/assistants?api-version=2024-05-01-preview');
      expect(sent.headers['api-key']).toBe(azure.apiKey);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      await azure.close();
    }
  });
});
