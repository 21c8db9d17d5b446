/**
 * Issue 13, item 8: one rule for `model` in every object and event of a call: the name the
 * client asked for (a configured name or `provider/model`), never the deployment's upstream id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

describe('model names in answers', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), mockProvider(), openaiProvider()],
      models: [
        { name: 'gpt-4o', provider: 'mock', model: 'echo' }, // a public name over a mock deployment
        { name: 'fast', provider: 'openai', model: 'gpt-4o-mini', apiBase: emu.baseURL, apiKey: emu.apiKey },
      ],
      secret: 'a-test-secret-of-sufficient-length',
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it.each(['mock/echo', 'gpt-4o', 'fast'])('chat completions and every chunk say %s', async (model) => {
    const r = await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.model).toBe(model);
    const stream = await t.client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi there' }] });
    const seen = new Set<string>();
    for await (const chunk of stream) seen.add(chunk.model);
    expect([...seen]).toEqual([model]);
  });

  it.each(['mock/echo', 'gpt-4o', 'fast'])('every event of a Responses stream says %s', async (model) => {
    const stream = t.client.responses.stream({ model, input: 'hello' });
    const models: Array<[string, string]> = [];
    for await (const ev of stream) if ('response' in ev) models.push([ev.type, ev.response.model]);
    expect(models.map(([type]) => type)).toEqual(expect.arrayContaining(['response.created', 'response.completed']));
    for (const [, m] of models) expect(m).toBe(model);
    const final = await stream.finalResponse();
    expect(final.model).toBe(model);
    expect((await t.client.responses.retrieve(final.id)).model).toBe(model);
  });

  it('a background response says the same model while queued and once completed', async () => {
    const queued = await t.client.responses.create({ model: 'gpt-4o', input: 'later', background: true });
    expect(queued.model).toBe('gpt-4o');
    let r = queued;
    while (r.status === 'queued' || r.status === 'in_progress') {
      expect(r.model).toBe('gpt-4o');
      r = await t.client.responses.retrieve(queued.id);
    }
    expect(r.status).toBe('completed');
    expect(r.model).toBe('gpt-4o');
    expect(r.output_text).toBe('later');
  });

  it('a non-streamed Responses call on a native deployment says the public name too', async () => {
    const r = await t.client.responses.create({ model: 'fast', input: 'hi' });
    expect(r.model).toBe('fast');
    expect((await t.client.responses.retrieve(r.id)).model).toBe('fast');
  });

});
