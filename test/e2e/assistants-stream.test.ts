/**
 * Streaming runs as the OpenAI API streams them, so the SDK's `runs.stream()` /
 * AssistantStream helpers work unchanged: every event in OpenAI's order (run created, queued,
 * in progress; step created, in progress; message created, in progress, deltas, completed;
 * step completed; run completed; `done`), on the mock provider and the Anthropic and Gemini
 * emulators; `createAndRun` streams `thread.created` first.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import geminiProvider from '@switchyard/provider-gemini';
import {
  assistants,
  createTestGateway,
  mockProvider,
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

beforeAll(async () => {
  claude = await startAnthropicEmulator();
  gemini = await startGeminiEmulator();
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), assistants({ pollAfterMs: 20 }), mockProvider(), anthropicProvider(), geminiProvider()],
    models: [
      { name: 'echo', provider: 'mock', model: 'echo' },
      { name: 'claude-sonnet', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: claude.origin, apiKey: claude.apiKey },
      { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: gemini.origin, apiKey: gemini.apiKey },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await claude.close();
  await gemini.close();
});

const TEXT_RUN = [
  'thread.run.created',
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
];

/** Event names with repeated deltas folded into one `…delta+`. */
const folded = (names: string[]) => names.filter((n, i) => !(n.endsWith('.delta') && names[i - 1] === n)).map((n) => (n.endsWith('.delta') ? `${n}+` : n));

/** Reads an SSE body into event/data pairs. */
async function sse(res: Response): Promise<Array<{ event: string; data: string }>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { event, data };
    });
}

describe('streaming runs', () => {
  for (const model of ['echo', 'claude-sonnet', 'flash']) {
    it(`${model}: runs.stream() sees every event in OpenAI's order; textDelta, finalRun and finalMessages agree with the stored run`, async () => {
      const asst = await t.client.beta.assistants.create({ model, instructions: 'You are a personal math tutor.' });
      const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'Stream me a story about a robot' }] });
      const names: string[] = [];
      let text = '';
      const stream = t.client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
      stream.on('event', (e) => names.push(e.event));
      stream.on('textDelta', (d) => (text += d.value ?? ''));
      const run = await stream.finalRun();
      const messages = await stream.finalMessages();
      expect(folded(names)).toEqual(TEXT_RUN);
      expect(run.status).toBe('completed');
      expect(run.usage!.total_tokens).toBeGreaterThan(0);
      expect(messages).toHaveLength(1);
      const stored = await t.client.beta.threads.messages.retrieve(messages[0]!.id, { thread_id: thread.id });
      expect(stored.status).toBe('completed');
      // the helper's snapshot is the deltas accumulated; the stored message is their sum
      expect(stored.content).toEqual([{ type: 'text', text: { value: text, annotations: [] } }]);
      expect(messages[0]!.content[0]).toMatchObject({ type: 'text', text: { value: text } });
      expect(text.length).toBeGreaterThan(0);
      expect(await t.client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).toEqual(run);
    });
  }

  it('the raw iterator yields {event, data}; the wire ends with event: done / data: [DONE]', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'echo' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'one two three' }] });
    const seen: OpenAI.Beta.AssistantStreamEvent[] = [];
    for await (const ev of await t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, stream: true })) seen.push(ev);
    expect(folded(seen.map((e) => e.event))).toEqual(TEXT_RUN);
    const runEvents = seen.filter((e) => e.event.startsWith('thread.run.') && !e.event.startsWith('thread.run.step')).map((e) => e.data as OpenAI.Beta.Threads.Run);
    expect(runEvents.map((r) => r.status)).toEqual(['queued', 'queued', 'in_progress', 'completed']);
    const deltas = seen.filter((e) => e.event === 'thread.message.delta').map((e) => e.data as OpenAI.Beta.Threads.MessageDeltaEvent);
    expect(deltas.map((d) => (d.delta.content![0] as { text: { value: string } }).text.value).join('')).toBe('one two three');
    expect(deltas[0]).toMatchObject({ object: 'thread.message.delta', delta: { content: [{ index: 0, type: 'text', text: { annotations: [] } }] } });

    // LiteLLM's curl: POST /threads/{id}/runs with "stream": true, no /v1
    const thread2 = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'curl me' }] });
    const res = await fetch(`${t.origin}/threads/${thread2.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assistant_id: asst.id, stream: true }) });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await sse(res);
    expect(events.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
    expect(folded(events.slice(0, -1).map((e) => e.event))).toEqual(TEXT_RUN);
    const final = JSON.parse(events.at(-2)!.data) as { status: string; thread_id: string };
    expect(final).toMatchObject({ status: 'completed', thread_id: thread2.id });
  });

  it('createAndRun streams thread.created first, then the run; createAndRunPoll works without streaming', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'claude-sonnet' });
    const names: string[] = [];
    const stream = t.client.beta.threads.createAndRunStream({ assistant_id: asst.id, thread: { messages: [{ role: 'user', content: 'new thread, streamed' }] } });
    stream.on('event', (e) => names.push(e.event));
    const run = await stream.finalRun();
    expect(folded(names)).toEqual(['thread.created', ...TEXT_RUN]);
    const msgs = await t.client.beta.threads.messages.list(run.thread_id, { order: 'asc' });
    expect(msgs.data.map((m) => m.role)).toEqual(['user', 'assistant']);

    const polled = await t.client.beta.threads.createAndRunPoll({ assistant_id: asst.id, thread: { messages: [{ role: 'user', content: 'polled' }], metadata: { via: 'poll' } } });
    expect(polled.status).toBe('completed');
    expect((await t.client.beta.threads.retrieve(polled.thread_id)).metadata).toEqual({ via: 'poll' });
  });

  it('a client that leaves mid-stream does not stop the run', async () => {
    const asst = await t.client.beta.assistants.create({ model: 'echo' });
    const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'leave early' }] });
    const stream = await t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, stream: true });
    let runId = '';
    for await (const ev of stream) {
      if (ev.event === 'thread.run.created') {
        runId = ev.data.id;
        break; // the SDK aborts the request
      }
    }
    const run = await t.client.beta.threads.runs.poll(runId, { thread_id: thread.id });
    expect(run.status).toBe('completed');
  });
});
