/**
 * The Assistants quick-start, unchanged, on models that are not OpenAI's: runs executed by
 * the gateway through the call runner on the mock provider and on the Anthropic and Gemini
 * emulators (strict about what they receive), polled with `createAndPoll` (the gateway's
 * `openai-poll-after-ms` sets the pace); usage and cost on the run and its steps; a thread
 * is one session in /v1/sessions; a failed model call fails the run with `last_error`.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import costTracker from '@switchyard/cost-tracker';
import geminiProvider from '@switchyard/provider-gemini';
import {
  assistants,
  createTestGateway,
  mockProvider,
  sessionTracker,
  sqliteStore,
  startAnthropicEmulator,
  startGeminiEmulator,
  tempDbFile,
  type AnthropicEmulator,
  type GeminiEmulator,
  type TestGateway,
} from '@switchyard/test-kit';

let claude: AnthropicEmulator;
let gemini: GeminiEmulator;
let t: TestGateway;
const PRICE = { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 };

beforeAll(async () => {
  claude = await startAnthropicEmulator();
  gemini = await startGeminiEmulator();
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker(), assistants({ pollAfterMs: 20 }), mockProvider(), anthropicProvider(), geminiProvider()],
    models: [
      { name: 'echo', provider: 'mock', model: 'echo', ...PRICE },
      { name: 'transcript', provider: 'mock', model: 'transcript', ...PRICE },
      { name: 'broken', provider: 'mock', model: 'error-500' },
      { name: 'tools', provider: 'mock', model: 'tool' },
      { name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: claude.origin, apiKey: claude.apiKey, ...PRICE },
      { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: gemini.origin, apiKey: gemini.apiKey, ...PRICE },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await claude.close();
  await gemini.close();
});

const textOf = (m: OpenAI.Beta.Threads.Message) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('');

async function quickStart(model: string) {
  const client = t.client;
  const asst = await client.beta.assistants.create({ model, name: 'Math Tutor', instructions: 'You are a personal math tutor.' });
  const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: "Hey, how's it going?" }] });
  await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'How does AI work? Explain it in simple terms.' });
  const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
  return { asst, thread, run };
}

describe('native runs', () => {
  it('createAndPoll: queued on create with openai-poll-after-ms, then completed; the answer is a thread message; usage and cost on run and step', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'transcript', instructions: 'Be brief.' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'first' }] });
    const { data: created, response } = await t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id }).withResponse();
    expect(created.status).toBe('queued');
    expect(response.headers.get('openai-poll-after-ms')).toBe('20');
    expect(created).toMatchObject({
      object: 'thread.run',
      thread_id: thread.id,
      assistant_id: asst.id,
      model: 'transcript',
      instructions: 'Be brief.',
      tools: [],
      required_action: null,
      last_error: null,
      started_at: null,
      usage: null,
      truncation_strategy: { type: 'auto', last_messages: null },
      tool_choice: 'auto',
      parallel_tool_calls: true,
      response_format: 'auto',
    });
    expect(created.id).toMatch(/^run_/);
    const done = await t.client.beta.threads.runs.poll(created.id, { thread_id: thread.id });
    expect(done.status).toBe('completed');
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();
    expect(done.expires_at).toBeNull();
    expect(done.usage!.total_tokens).toBeGreaterThan(0);
    expect((done.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    const { response: after } = await t.client.beta.threads.runs.retrieve(created.id, { thread_id: thread.id }).withResponse();
    expect(after.headers.get('openai-poll-after-ms')).toBeNull(); // finished: nothing to poll

    const messages = await t.client.beta.threads.messages.list(thread.id, { order: 'asc' });
    expect(messages.data.map((m) => [m.role, textOf(m)])).toEqual([
      ['user', 'first'],
      ['assistant', 'first'],
    ]);
    const reply = messages.data[1]!;
    expect(reply).toMatchObject({ assistant_id: asst.id, run_id: created.id, status: 'completed', incomplete_details: null });
    expect((await t.client.beta.threads.messages.list(thread.id, { run_id: created.id })).data.map((m) => m.id)).toEqual([reply.id]);

    const steps = await t.client.beta.threads.runs.steps.list(created.id, { thread_id: thread.id });
    expect(steps.data).toHaveLength(1);
    const step = steps.data[0]!;
    expect(step).toMatchObject({ object: 'thread.run.step', type: 'message_creation', status: 'completed', run_id: created.id, thread_id: thread.id, assistant_id: asst.id, step_details: { type: 'message_creation', message_creation: { message_id: reply.id } } });
    expect(step.usage).toEqual(done.usage);
    expect(await t.client.beta.threads.runs.steps.retrieve(step.id, { thread_id: thread.id, run_id: created.id })).toEqual(step);

    // a second run sees the whole thread, the first answer included
    await t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'second' });
    const run2 = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, additional_messages: [{ role: 'user', content: 'third' }] });
    expect(run2.status).toBe('completed');
    const last = (await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!;
    expect(textOf(last)).toBe('first | second | third');
    const runs = await t.client.beta.threads.runs.list(thread.id, { order: 'asc' });
    expect(runs.data.map((r) => r.id)).toEqual([created.id, run2.id]);
  });

  it('a thread is a session: its runs\' calls group under the thread id, with their cost', async () => {
    const { thread, run } = await quickStart('echo');
    expect(run.status).toBe('completed');
    await t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'And again?' });
    const run2 = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: run.assistant_id });
    await t.gateway.flush();
    const res = await fetch(`${t.url}/sessions/${thread.id}`);
    expect(res.status).toBe(200);
    const session = (await res.json()) as { id: string; call_count: number; cost: number; calls: Array<{ endpoint: string; model: string; metadata?: Record<string, unknown> }> };
    expect(session.call_count).toBe(2);
    expect(session.calls.map((c) => c.endpoint)).toEqual(['/v1/threads/runs', '/v1/threads/runs']);
    const runCost = (r: OpenAI.Beta.Threads.Run) => (r.usage as unknown as { cost: number }).cost;
    expect(session.cost).toBeCloseTo(runCost(run) + runCost(run2), 10);
  });

  for (const [label, model] of [
    ['Anthropic', 'claude-sonnet'],
    ['Gemini', 'flash'],
  ] as const) {
    it(`${label} emulator: the quick-start completes, the model got the instructions and the thread in order`, async () => {
      const { thread, run } = await quickStart(model);
      expect(run.status).toBe('completed');
      expect(run.usage!.prompt_tokens).toBeGreaterThan(0);
      const messages = await t.client.beta.threads.messages.list(thread.id);
      expect(messages.data[0]!.role).toBe('assistant');
      expect(textOf(messages.data[0]!)).toMatch(/^echo: /);
      if (model === 'claude-sonnet') {
        const sent = claude.requests.at(-1)!.body as { system?: unknown; messages: Array<{ role: string }> };
        expect(JSON.stringify(sent.system)).toContain('You are a personal math tutor.');
        expect(sent.messages.map((m) => m.role)).toEqual(['user']); // the two user messages, as one user turn
        expect(JSON.stringify(sent.messages)).toContain("Hey, how's it going?");
        expect(JSON.stringify(sent.messages)).toContain('How does AI work?');
      } else {
        const sent = gemini.requests.at(-1)!.body as { systemInstruction?: unknown; contents: Array<{ role: string }> };
        expect(JSON.stringify(sent.systemInstruction)).toContain('You are a personal math tutor.');
        expect(JSON.stringify(sent.contents)).toContain('How does AI work?');
      }
    });
  }

  it('a failed model call fails the run with last_error and frees the thread', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'broken' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(run.status).toBe('failed');
    expect(run.failed_at).not.toBeNull();
    expect(run.last_error).toMatchObject({ code: 'server_error' });
    // the thread is free again
    const next = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, model: 'echo' });
    expect(next.status).toBe('completed');
    expect(next.model).toBe('echo');
  });

  it('bad runs: unknown or deleted assistant, a second active run, a message under an active run, a bad model override', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'echo' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: 'asst_nope' }))).toMatchObject({ status: 404, param: 'assistant_id', message: "404 No assistant found with id 'asst_nope'." });
    expect(await err(t.client.beta.threads.runs.create(thread.id, {} as never))).toMatchObject({ status: 400, param: 'assistant_id' });
    expect(await err(t.client.beta.threads.runs.create('thread_nope', { assistant_id: asst.id }))).toMatchObject({ status: 404, param: 'thread_id' });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, model: 'nope' }))).toMatchObject({ status: 400, param: 'model' });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, max_completion_tokens: 10 }))).toMatchObject({ status: 400, param: 'max_completion_tokens' });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, additional_messages: [{ role: 'user', content: [{ type: 'text' }] } as never] }))).toMatchObject({
      status: 400,
      param: 'additional_messages[0].content[0].text',
    });
    expect((await t.client.beta.threads.runs.list(thread.id)).data).toEqual([]); // nothing half-written

    // a run waiting for tool outputs holds its thread: no second run, no new message
    const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const first = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, model: 'tools', tools: [tool] });
    expect(first.status).toBe('requires_action');
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id }))).toMatchObject({
      status: 400,
      param: 'thread_id',
      message: `400 Thread ${thread.id} already has an active run ${first.id}.`,
    });
    expect(await err(t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'more' }))).toMatchObject({
      status: 400,
      param: 'thread_id',
      message: `400 Can't add messages to ${thread.id} while a run ${first.id} is active.`,
    });
    expect((await t.client.beta.threads.runs.list(thread.id)).data.map((r) => r.id)).toEqual([first.id]);
    expect((await t.client.beta.threads.runs.cancel(first.id, { thread_id: thread.id })).status).toBe('cancelled');

    await t.client.beta.assistants.delete(asst.id);
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id }))).toMatchObject({ status: 404, param: 'assistant_id', message: `404 No assistant found with id '${asst.id}'.` });
    expect(await err(t.client.beta.threads.runs.retrieve('run_nope', { thread_id: thread.id }))).toMatchObject({ status: 404, param: 'run_id', message: "404 No run found with id 'run_nope'." });
    expect(await err(t.client.beta.threads.runs.steps.retrieve('step_nope', { thread_id: thread.id, run_id: first.id }))).toMatchObject({ status: 404, param: 'step_id' });
  });
});
