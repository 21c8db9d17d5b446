/**
 * Function tools, cancel, truncation and run overrides on native runs: a run stops in
 * `requires_action` with its tool calls and a tool-call step, `submit_tool_outputs` (JSON
 * and streamed, and the SDK's poll/stream helpers) continues it; bad tool outputs are 400s
 * naming the field; cancel ends a queued, waiting or streaming run; `truncation_strategy`,
 * `max_prompt_tokens`/`max_completion_tokens` (→ `incomplete`) and every override reach the
 * model as the run says (checked on what the OpenAI emulator received).
 */
import Database from 'better-sqlite3';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import geminiProvider from '@switchyard/provider-gemini';
import { definePlugin, type ChatChunk, type ChatRequest } from '@switchyard/core';
import {
  assistants,
  createTestGateway,
  mockProvider,
  openaiProvider,
  sqliteStore,
  startAnthropicEmulator,
  startGeminiEmulator,
  startOpenAIEmulator,
  tempDbFile,
  type AnthropicEmulator,
  type GeminiEmulator,
  type OpenAIEmulator,
  type TestGateway,
} from '@switchyard/test-kit';

let claude: AnthropicEmulator;
let gemini: GeminiEmulator;
let oai: OpenAIEmulator;
let t: TestGateway;
const dbFile = tempDbFile();

/** A provider whose model asks for two tools at once, then reports the outputs it was given. */
const twoTools = definePlugin({
  name: 'two-tools-provider',
  apply(g) {
    g.providers.register({
      id: 'two',
      async chat(req: ChatRequest) {
        const last = req.messages.at(-1)!;
        const base = { id: 'chatcmpl-two', object: 'chat.completion.chunk' as const, created: 0, model: 'two' };
        async function* chunks(): AsyncGenerator<ChatChunk> {
          if (last.role === 'tool') {
            const outputs = req.messages.filter((m) => m.role === 'tool').map((m) => `${m.tool_call_id}=${m.content as string}`);
            yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: outputs.join(', ') }, finish_reason: null }] };
          } else {
            for (const [index, name] of ['weather', 'time'].entries()) {
              yield { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, id: `call_${name}`, type: 'function', function: { name, arguments: '' } }] }, finish_reason: null }] };
              yield { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: `{"city":"Paris"}` } }] }, finish_reason: null }] };
            }
          }
          yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: last.role === 'tool' ? 'stop' : 'tool_calls' }] };
          yield { ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
        }
        return { type: 'stream', chunks: chunks() };
      },
    });
  },
});

beforeAll(async () => {
  claude = await startAnthropicEmulator();
  gemini = await startGeminiEmulator();
  oai = await startOpenAIEmulator();
  t = await createTestGateway({
    plugins: [sqliteStore({ file: dbFile }), assistants({ pollAfterMs: 20 }), mockProvider(), openaiProvider(), anthropicProvider(), geminiProvider(), twoTools],
    models: [
      { name: 'tools', provider: 'mock', model: 'tool' },
      { name: 'echo', provider: 'mock', model: 'echo' },
      { name: 'transcript', provider: 'mock', model: 'transcript' },
      { name: 'lorem', provider: 'mock', model: 'lorem' },
      { name: 'slow', provider: 'mock', model: 'lorem', chunkDelayMs: 150 },
      { name: 'two', provider: 'two', model: 'two' },
      { name: 'gpt-emu', provider: 'openai', model: 'gpt-4o', apiBase: oai.baseURL, apiKey: oai.apiKey },
      { name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: claude.origin, apiKey: claude.apiKey },
      { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: gemini.origin, apiKey: gemini.apiKey },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await claude.close();
  await gemini.close();
  await oai.close();
});

const add = { type: 'function' as const, function: { name: 'add', description: 'Adds two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } } };
const textOf = (m: OpenAI.Beta.Threads.Message) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('');
const folded = (names: string[]) => names.filter((n, i) => !(n.endsWith('.delta') && names[i - 1] === n)).map((n) => (n.endsWith('.delta') ? `${n}+` : n));
const err = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );
const lastBody = () => oai.requests.filter((r) => r.path.startsWith('/v1/chat/completions')).at(-1)!.body as ChatRequest;

describe('function tools', () => {
  for (const model of ['tools', 'claude-sonnet', 'flash']) {
    it(`${model}: requires_action with the tool calls and a step; submitToolOutputsAndPoll completes the run with the output`, async () => {
      const asst = await t.client.beta.assistants.create({ model, name: 'Math Tutor', instructions: 'Use add.', tools: [add] });
      const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'What is 2+3?' }] });
      const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
      expect(run.status).toBe('requires_action');
      expect(run.usage).toBeNull();
      const calls = run.required_action!.submit_tool_outputs.tool_calls;
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ type: 'function', function: { name: 'add' } });
      expect(() => JSON.parse(calls[0]!.function.arguments)).not.toThrow();
      const steps = await t.client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id });
      expect(steps.data).toHaveLength(1);
      expect(steps.data[0]).toMatchObject({
        type: 'tool_calls',
        status: 'in_progress',
        step_details: { type: 'tool_calls', tool_calls: [{ id: calls[0]!.id, type: 'function', function: { name: 'add', arguments: calls[0]!.function.arguments, output: null } }] },
      });

      const done = await t.client.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: calls[0]!.id, output: '5' }] });
      expect(done.status).toBe('completed');
      expect(done.required_action).toBeNull();
      expect(done.usage!.total_tokens).toBeGreaterThan(0);
      const after = await t.client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id, order: 'asc' });
      expect(after.data.map((s) => [s.type, s.status])).toEqual([
        ['tool_calls', 'completed'],
        ['message_creation', 'completed'],
      ]);
      expect((after.data[0]!.step_details as OpenAI.Beta.Threads.Runs.ToolCallsStepDetails).tool_calls[0]).toMatchObject({ function: { output: '5' } });
      const answer = (await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!;
      expect(textOf(answer)).toMatch(/5/);
      // the sum of both steps' usage
      expect(done.usage!.total_tokens).toBe(after.data.reduce((n, s) => n + s.usage!.total_tokens, 0));
    });
  }

  it('streamed: tool-call deltas then requires_action; submitToolOutputsStream continues in OpenAI\'s order; the helpers see the tool call', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'tools', tools: [add] });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'add please' }] });
    const names: string[] = [];
    const created: string[] = [];
    let done: OpenAI.Beta.Threads.Runs.ToolCall | undefined;
    const s1 = t.client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
    s1.on('event', (e) => names.push(e.event));
    s1.on('toolCallCreated', (c) => created.push(c.id));
    s1.on('toolCallDone', (c) => (done = c));
    const waiting = await s1.finalRun();
    expect(folded(names)).toEqual(['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.step.created', 'thread.run.step.in_progress', 'thread.run.step.delta+', 'thread.run.requires_action']);
    expect(waiting.status).toBe('requires_action');
    const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(created).toEqual([call.id]);
    expect(done).toMatchObject({ id: call.id, type: 'function', function: { name: 'add', arguments: call.function.arguments } });

    const names2: string[] = [];
    let text = '';
    const s2 = t.client.beta.threads.runs.submitToolOutputsStream(waiting.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: 'forty-two' }] });
    s2.on('event', (e) => names2.push(e.event));
    s2.on('textDelta', (d) => (text += d.value ?? ''));
    const final = await s2.finalRun();
    expect(folded(names2)).toEqual([
      'thread.run.step.completed',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      'thread.message.delta+',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    expect(final.status).toBe('completed');
    expect(text).toBe('tool said: forty-two');

    // JSON submit (not streamed) on another run answers queued with the poll header
    const r2 = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    const c2 = r2.required_action!.submit_tool_outputs.tool_calls[0]!;
    const { data: q, response } = await t.client.beta.threads.runs.submitToolOutputs(r2.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: c2.id, output: 'x' }] }).withResponse();
    expect(q.status).toBe('queued');
    expect(response.headers.get('openai-poll-after-ms')).toBe('20');
    expect((await t.client.beta.threads.runs.poll(r2.id, { thread_id: thread.id })).status).toBe('completed');
  });

  it('two tool calls at once: both must be answered; missing, unknown and repeated ids are 400s naming the field; nothing changes', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'two', tools: [{ type: 'function', function: { name: 'weather' } }, { type: 'function', function: { name: 'time' } }] });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'Paris?' }] });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(run.required_action!.submit_tool_outputs.tool_calls.map((c) => [c.id, c.function.name, c.function.arguments])).toEqual([
      ['call_weather', 'weather', '{"city":"Paris"}'],
      ['call_time', 'time', '{"city":"Paris"}'],
    ]);
    const submit = (tool_outputs: Array<{ tool_call_id?: string; output?: string }>) => err(t.client.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs } as never));
    expect(await submit([{ tool_call_id: 'call_weather', output: 'sunny' }])).toMatchObject({ status: 400, param: 'tool_outputs', message: "400 Expected tool outputs for call_ids ['call_weather', 'call_time'], got ['call_weather']." });
    expect(await submit([{ tool_call_id: 'call_weather', output: 'a' }, { tool_call_id: 'call_nope', output: 'b' }])).toMatchObject({ status: 400, param: 'tool_outputs[1].tool_call_id' });
    expect(await submit([{ tool_call_id: 'call_weather', output: 'a' }, { tool_call_id: 'call_weather', output: 'b' }])).toMatchObject({ status: 400, param: 'tool_outputs[1].tool_call_id' });
    expect(await submit([{ output: 'a' }])).toMatchObject({ status: 400, param: 'tool_outputs[0].tool_call_id', message: "400 Missing required parameter: 'tool_outputs[0].tool_call_id'." });
    expect(await submit([])).toMatchObject({ status: 400, param: 'tool_outputs' });
    expect((await t.client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status).toBe('requires_action');

    const done = await t.client.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
      thread_id: thread.id,
      tool_outputs: [
        { tool_call_id: 'call_time', output: 'noon' },
        { tool_call_id: 'call_weather', output: 'sunny' },
      ],
    });
    expect(done.status).toBe('completed');
    expect(textOf((await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!)).toBe('call_weather=sunny, call_time=noon');
    expect(await submit([{ tool_call_id: 'call_weather', output: 'late' }])).toMatchObject({ status: 400, param: 'run_id', message: '400 Runs in status "completed" do not accept tool outputs.' });
  });
});

describe('cancel', () => {
  it('a run waiting for tool outputs is cancelled at once; a finished run cannot be', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'tools', tools: [add] });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'x' }] });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    const cancelled = await t.client.beta.threads.runs.cancel(run.id, { thread_id: thread.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', required_action: null });
    expect(cancelled.cancelled_at).not.toBeNull();
    expect((await t.client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })).data.map((s) => s.status)).toEqual(['cancelled']);
    expect(await err(t.client.beta.threads.runs.cancel(run.id, { thread_id: thread.id }))).toMatchObject({ status: 400, message: "400 Cannot cancel run with status 'cancelled'." });
    // the thread is free again
    expect((await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, model: 'echo', tools: [] })).status).toBe('completed');
  });

  it('a streaming run in progress: cancelling, then the message incomplete with what was written, the step and run cancelled', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'slow' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'write a long time' }] });
    const names: string[] = [];
    const stream = await t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, stream: true });
    let runId = '';
    let cancel: Promise<OpenAI.Beta.Threads.Run> | undefined;
    const seen: OpenAI.Beta.AssistantStreamEvent[] = [];
    for await (const ev of stream) {
      names.push(ev.event);
      seen.push(ev);
      if (ev.event === 'thread.run.created') runId = ev.data.id;
      if (ev.event === 'thread.message.delta' && !cancel) cancel = t.client.beta.threads.runs.cancel(runId, { thread_id: thread.id });
    }
    expect((await cancel!).status).toBe('cancelling');
    expect(folded(names).slice(-4)).toEqual(['thread.run.cancelling', 'thread.message.incomplete', 'thread.run.step.cancelled', 'thread.run.cancelled']);
    const run = await t.client.beta.threads.runs.retrieve(runId, { thread_id: thread.id });
    expect(run.status).toBe('cancelled');
    const msg = (await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!;
    expect(msg).toMatchObject({ role: 'assistant', status: 'incomplete', incomplete_details: { reason: 'run_cancelled' } });
    const streamed = seen.filter((e) => e.event === 'thread.message.delta').map((e) => ((e.data as OpenAI.Beta.Threads.MessageDeltaEvent).delta.content![0] as { text: { value: string } }).text.value).join('');
    expect(textOf(msg)).toBe(streamed);
  });
});

describe('modify while running', () => {
  it('metadata set on a run while it executes is kept when the run completes', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'slow' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'x' }] });
    const stream = await t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, stream: true });
    let runId = '';
    let modified: Promise<unknown> | undefined;
    let final: OpenAI.Beta.Threads.Run | undefined;
    for await (const ev of stream) {
      if (ev.event === 'thread.run.created') runId = ev.data.id;
      if (ev.event === 'thread.message.delta' && !modified) modified = t.client.beta.threads.runs.update(runId, { thread_id: thread.id, metadata: { tag: 'late' } });
      if (ev.event === 'thread.run.incomplete' || ev.event === 'thread.run.completed') final = ev.data;
    }
    await modified;
    expect(final).toBeDefined();
    expect((await t.client.beta.threads.runs.retrieve(runId, { thread_id: thread.id })).metadata).toEqual({ tag: 'late' });
  });
});

describe('expiry', () => {
  it('a run left waiting for tool outputs past expires_at is expired on its next read: step expired, thread free, outputs refused', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'tools', tools: [add] });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'x' }] });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
    expect(run.expires_at).toBe(run.created_at + 600);
    // ten minutes later, as far as the stored run knows
    const db = new Database(dbFile);
    try {
      db.prepare("update sy_asst_runs set object_json = json_set(object_json, '$.expires_at', ?) where id = ?").run(run.created_at - 1, run.id);
    } finally {
      db.close();
    }
    const expired = await t.client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    expect(expired).toMatchObject({ status: 'expired', required_action: null, expires_at: null });
    expect((await t.client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })).data.map((s) => s.status)).toEqual(['expired']);
    const callId = run.required_action!.submit_tool_outputs.tool_calls[0]!.id;
    expect(await err(t.client.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: callId, output: 'late' }] }))).toMatchObject({
      status: 400,
      message: '400 Runs in status "expired" do not accept tool outputs.',
    });
    expect((await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, model: 'echo', tools: [] })).status).toBe('completed');
  });
});

describe('run overrides, truncation and token limits', () => {
  it('model, instructions, additional_instructions, tools, tool_choice, parallel_tool_calls, temperature, top_p, response_format (JSON schema) reach the model', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'echo', instructions: 'Assistant instructions.', temperature: 0.9, tools: [add] });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'hello' }] });
    const schema = { name: 'answer', schema: { type: 'object', properties: { value: { type: 'string' } } }, strict: true };
    const lookup = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, {
      assistant_id: asst.id,
      model: 'gpt-emu',
      instructions: 'Run instructions.',
      additional_instructions: 'Be brief.',
      tools: [lookup],
      tool_choice: 'none',
      parallel_tool_calls: false,
      temperature: 0.3,
      top_p: 0.5,
      response_format: { type: 'json_schema', json_schema: schema },
      metadata: { purpose: 'overrides' },
    });
    expect(run).toMatchObject({ status: 'completed', model: 'gpt-emu', instructions: 'Run instructions.', tools: [lookup], tool_choice: 'none', parallel_tool_calls: false, temperature: 0.3, top_p: 0.5, metadata: { purpose: 'overrides' } });
    const body = lastBody();
    expect(body).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Run instructions.\n\nBe brief.' },
        { role: 'user', content: 'hello' },
      ],
      tools: [lookup],
      tool_choice: 'none',
      parallel_tool_calls: false,
      temperature: 0.3,
      top_p: 0.5,
      response_format: { type: 'json_schema', json_schema: schema },
    });
    // the assistant's own settings without overrides
    await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, model: 'gpt-emu', tool_choice: { type: 'function', function: { name: 'add' } } });
    expect(lastBody()).toMatchObject({ temperature: 0.9, tools: [add], tool_choice: { type: 'function', function: { name: 'add' } } });
    expect(lastBody().messages[0]).toEqual({ role: 'system', content: 'Assistant instructions.' });
  });

  it('bad overrides: code_interpreter or file_search on a run, a tool_choice naming no tool: 400s naming the field', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'echo', tools: [add] });
    const thread = await t.client.beta.threads.create();
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, tools: [{ type: 'code_interpreter' }] }))).toMatchObject({
      status: 400,
      param: 'tools[0]',
      message: expect.stringContaining("The tool 'code_interpreter' is not supported on model 'echo'"),
    });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, model: 'claude-sonnet', tools: [add, { type: 'file_search' }] }))).toMatchObject({
      status: 400,
      param: 'tools[1]',
      message: expect.stringContaining("The tool 'file_search' is not supported on model 'claude-sonnet'"),
    });
    expect(await err(t.client.beta.threads.createAndRun({ assistant_id: asst.id, tools: [{ type: 'code_interpreter' }] }))).toMatchObject({ status: 400, param: 'tools[0]' });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, tool_choice: { type: 'function', function: { name: 'nope' } } }))).toMatchObject({ status: 400, param: 'tool_choice.function.name' });
    expect(await err(t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, truncation_strategy: { type: 'last_messages' } }))).toMatchObject({ status: 400, param: 'truncation_strategy.last_messages' });
    expect((await t.client.beta.threads.runs.list(thread.id)).data).toEqual([]);
  });

  it('truncation_strategy last_messages: only the newest N thread messages reach the model', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'transcript' });
    const thread = await t.client.beta.threads.create({ messages: ['one', 'two', 'three', 'four'].map((content) => ({ role: 'user' as const, content })) });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, truncation_strategy: { type: 'last_messages', last_messages: 2 } });
    expect(run.truncation_strategy).toEqual({ type: 'last_messages', last_messages: 2 });
    expect(textOf((await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!)).toBe('three | four');
  });

  it('auto truncation under max_prompt_tokens drops the oldest messages; a budget too small for the newest ends the run incomplete', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'transcript' });
    const long = (tag: string) => `${tag} ${'lorem ipsum dolor sit amet '.repeat(30)}`.trim(); // ~150 tokens
    const thread = await t.client.beta.threads.create({ messages: [long('A'), long('B'), long('C'), 'D'].map((content) => ({ role: 'user' as const, content })) });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, max_prompt_tokens: 256 });
    expect(run.status).toBe('completed');
    const answer = textOf((await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!);
    expect(answer.split(' | ').map((s) => s.split(' ')[0])).toEqual(['C', 'D']);

    const huge = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'word '.repeat(2000) }] });
    const over = await t.client.beta.threads.runs.createAndPoll(huge.id, { assistant_id: asst.id, max_prompt_tokens: 256 });
    expect(over).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_prompt_tokens' } });
    expect((await t.client.beta.threads.runs.createAndPoll(huge.id, { assistant_id: asst.id, model: 'echo' })).status).toBe('completed'); // thread freed
  });

  it('max_completion_tokens: the model is told the limit; hitting it ends the run incomplete, the message incomplete', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'lorem' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'talk' }] });
    const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, max_completion_tokens: 256 });
    expect(run).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' }, max_completion_tokens: 256 });
    expect(run.usage!.completion_tokens).toBeGreaterThan(0);
    const msg = (await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!;
    expect(msg).toMatchObject({ role: 'assistant', status: 'incomplete', incomplete_details: { reason: 'max_tokens' } });
    expect(textOf(msg).split(' ')).toHaveLength(256);
  });
});
