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

  it('reports exact usage for a fixed prompt, streamed or not', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Hello, world!' },
    ];
    // 4 tokens of framing per message + words and punctuation (4 + 4) + 3 for the reply's priming
    const exact = { prompt_tokens: 19, completion_tokens: 4, total_tokens: 23, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
    const r = await t.client.chat.completions.create({ model: 'mock/echo', messages });
    expect(r.usage).toEqual(exact);
    const stream = await t.client.chat.completions.create({ model: 'mock/echo', messages, stream: true, stream_options: { include_usage: true } });
    let usage;
    for await (const c of stream) if (c.usage) usage = c.usage;
    expect(usage).toEqual(exact);
  });

  it('hides the usage the gateway asked for from a raw SSE client that did not (path without /v1)', async () => {
    const frames = async (body: Record<string, unknown>) => {
      const res = await fetch(`${t.origin}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock/lorem', max_tokens: 3, stream: true, messages: [{ role: 'user', content: 'x' }], ...body }),
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const data = (await res.text()).split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
      expect(data.at(-1)).toBe('[DONE]');
      return data.slice(0, -1).map((d) => JSON.parse(d) as { choices: unknown[]; usage?: unknown });
    };
    const plain = await frames({});
    expect(plain.length).toBeGreaterThan(3);
    expect(plain.filter((c) => 'usage' in c)).toEqual([]); // no `usage: null`, no usage chunk
    expect(plain.every((c) => c.choices.length === 1)).toBe(true);
    const asked = await frames({ stream_options: { include_usage: true } });
    expect(asked.slice(0, -1).map((c) => c.usage)).toEqual(asked.slice(0, -1).map(() => null)); // OpenAI's own shape
    expect(asked.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
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
