import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import { createTestGateway, type TestGateway } from '@switchyard/test-kit';

describe('chat completions through the mock provider (openai SDK over HTTP)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [mockProvider()] });
  });
  afterAll(() => t.close());

  it('answers a non-streaming completion with usage and a request id', async () => {
    const { data, response } = await t.client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe('hello there');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.completion_tokens).toBe(2);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + 2);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('streams chunks ending in a finish_reason, usage only when asked', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'mock/lorem',
      max_tokens: 5,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('lorem ipsum dolor sit amet');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);

    const withUsage = await t.client.chat.completions.create({
      model: 'mock/lorem',
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    const all = [];
    for await (const c of withUsage) all.push(c);
    const last = all.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBe(5);
  });

  it('works with the strict stream helper', async () => {
    const final = await t.client.chat.completions
      .stream({ model: 'mock/echo', messages: [{ role: 'user', content: 'a b c' }] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('a b c');
  });

  it('serves the API without the /v1 prefix too', async () => {
    const res = await fetch(`${t.origin}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'no prefix' }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('no prefix');
  });
});
