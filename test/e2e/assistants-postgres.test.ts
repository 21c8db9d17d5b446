/**
 * The Assistants API on both stores: the quick-start, paging, a tool round trip and a
 * streamed run on PostgreSQL as on SQLite; many runs started at once on one thread: exactly
 * one takes it, the others get OpenAI's 400.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistants, createTestGateway, mockProvider, postgresStore, sqliteStore, startPostgres, tempDbFile, type TestGateway, type TestPostgres } from '@switchyard/test-kit';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

const textOf = (m: OpenAI.Beta.Threads.Message) => m.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('');
const models = [
  { name: 'echo', provider: 'mock', model: 'echo' },
  { name: 'tools', provider: 'mock', model: 'tool' },
  { name: 'slow', provider: 'mock', model: 'echo', latencyMs: 300 },
];

for (const [label, store] of [
  ['PostgreSQL', () => postgresStore({ connectionString: server.connectionString, poolSize: 8 })],
  ['SQLite', () => sqliteStore({ file: tempDbFile() })],
] as const) {
  describe(label, () => {
    let t: TestGateway;
    beforeAll(async () => {
      t = await createTestGateway({ plugins: [store(), assistants({ pollAfterMs: 20 }), mockProvider()], models });
    });
    afterAll(() => t.close());

    it('quick-start, paging both ways, a tool round trip, a streamed run', async () => {
      const asst = await t.client.beta.assistants.create({ model: 'echo', instructions: 'Be helpful.' });
      const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: "Hey, how's it going?" }] });
      await t.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'How does AI work?' });
      const run = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id });
      expect(run.status).toBe('completed');
      const msgs = await t.client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 2 });
      expect(msgs.has_more).toBe(true);
      const rest = await t.client.beta.threads.messages.list(thread.id, { order: 'asc', after: msgs.data[1]!.id });
      expect(rest.data.map((m) => [m.role, textOf(m)])).toEqual([['assistant', 'How does AI work?']]);
      const back = await t.client.beta.threads.messages.list(thread.id, { order: 'asc', before: rest.data[0]!.id });
      expect(back.data.map((m) => m.id)).toEqual(msgs.data.map((m) => m.id));

      const toolAsst = await t.client.beta.assistants.create({ model: 'tools', tools: [{ type: 'function', function: { name: 'lookup' } }] });
      const waiting = await t.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: toolAsst.id });
      const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!;
      const done = await t.client.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: 'found' }] });
      expect(done.status).toBe('completed');
      expect(textOf((await t.client.beta.threads.messages.list(thread.id, { limit: 1 })).data[0]!)).toBe('tool said: found');

      let text = '';
      const s = t.client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id, additional_messages: [{ role: 'user', content: 'stream it' }] });
      s.on('textDelta', (d) => (text += d.value ?? ''));
      expect((await s.finalRun()).status).toBe('completed');
      expect(text).toBe('stream it');
    });

    it('ten runs started at once on one thread: one takes it, nine get the OpenAI 400, one answer', async () => {
      const asst = await t.client.beta.assistants.create({ model: 'slow' });
      const thread = await t.client.beta.threads.create({ messages: [{ role: 'user', content: 'race' }] });
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.client.beta.threads.runs.create(thread.id, { assistant_id: asst.id }).then(
            (r) => r.id,
            (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
          ),
        ),
      );
      const won = results.filter((r): r is string => typeof r === 'string');
      expect(won).toHaveLength(1);
      for (const r of results.filter((x) => typeof x !== 'string')) expect(r).toMatchObject({ status: 400, param: 'thread_id', message: `400 Thread ${thread.id} already has an active run ${won[0]}.` });
      expect((await t.client.beta.threads.runs.list(thread.id)).data.map((r) => r.id)).toEqual(won);
      await t.client.beta.threads.runs.poll(won[0]!, { thread_id: thread.id });
      const messages = await t.client.beta.threads.messages.list(thread.id, { order: 'asc' });
      expect(messages.data.map((m) => m.role)).toEqual(['user', 'assistant']);
    });
  });
}
