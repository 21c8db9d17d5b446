import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import openaiProvider from '@switchyard/provider-openai';
import { createTestGateway, startOpenAIEmulator, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

describe('chat completions through the OpenAI provider to the OpenAI emulator', () => {
  let emu: OpenAIEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
    t = await createTestGateway({
      plugins: [openaiProvider()],
      models: [
        { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o-2024-08-06', apiBase: emu.baseURL, apiKey: emu.apiKey },
        { name: 'slow', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey, timeoutMs: 200 },
        { name: 'wrong-key', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: 'sk-wrong' },
        { name: 'down', provider: 'openai', model: 'gpt-4o', apiBase: 'http://127.0.0.1:9/v1', apiKey: 'x' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  it('passes a completion through with the deployment model and the upstream key', async () => {
    const r = await t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], metadata: { litellm_session_id: 's1' } });
    expect(r.choices[0]!.message.content).toBe('echo: hello');
    expect(r.usage!.total_tokens).toBeGreaterThan(0);
    const sent = emu.requests[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${emu.apiKey}`);
    expect((sent.body as { model: string }).model).toBe('gpt-4o-2024-08-06');
    expect((sent.body as { metadata?: unknown }).metadata).toBeUndefined(); // gateway metadata is not forwarded
  });

  it('sends the client\'s own bytes upstream with only the model (and stream_options) spliced in', async () => {
    // bytes a re-serialisation would change: spacing, 1.50, an unknown field, a nested "model"
    // (over 512 characters: shorter bodies are serialised, which costs less than splicing)
    const system = `{"role":"system","content":"${'be brief. '.repeat(50)}"}`;
    const raw = `{ "model" : "gpt-4o", "temperature": 1.50,\n "messages": [${system}, {"role":"user","content":"hi","x_extra":{"model":"keep"}}], "future_field": [1.0] }`;
    const plain = await fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(plain.status).toBe(200);
    expect(emu.requests[0]!.text).toBe(raw.replace('"gpt-4o"', '"gpt-4o-2024-08-06"'));

    const streamed = raw.replace('"temperature"', '"stream": true, "temperature"');
    const res = await fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed });
    expect(await res.text()).toContain('data: [DONE]');
    expect(emu.requests[1]!.text).toBe(`${streamed.replace('"gpt-4o"', '"gpt-4o-2024-08-06"').slice(0, -1)},"stream_options":{"include_usage":true}}`);

    // a body with gateway fields is rebuilt without them (they never go upstream)
    await fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw.replace('"temperature"', '"litellm_session_id": "s1", "temperature"') });
    expect(emu.requests[2]!.text).not.toContain('litellm_session_id');
    expect(emu.requests[2]!.body).toMatchObject({ model: 'gpt-4o-2024-08-06', temperature: 1.5, future_field: [1] });
  });

  it('streams chunk by chunk, always asking upstream for usage but hiding it unless asked', async () => {
    const stream = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect((emu.requests[0]!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
    // upstream put `usage: null` on every chunk because the gateway asked; the client did not
    expect(chunks.some((c) => 'usage' in c)).toBe(false);

    const withUsage = await t.client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three' }],
    });
    let usage;
    const nulls = [];
    for await (const c of withUsage) {
      if (c.usage) usage = c.usage;
      else nulls.push(c.usage);
    }
    expect(usage).toMatchObject({ completion_tokens: 5 }); // echo : one two three
    expect(nulls.every((u) => u === null)).toBe(true); // a client that asked sees OpenAI's own shape
  });

  it('round-trips tool calls, streamed through the strict SDK helper', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const final = await t.client.chat.completions.stream({ model: 'gpt-4o', tools, messages: [{ role: 'user', content: 'find x' }] }).finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'find x' });
    const next = await t.client.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [{ role: 'user', content: 'find x' }, final.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '42' }],
    });
    expect(next.choices[0]!.message.content).toBe('tool result: 42');
  });

  const expectError = async (p: Promise<unknown>, status: number, fields: Record<string, unknown> = {}) => {
    const err = (await p.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(status);
    expect(err.error).toMatchObject(fields);
    expect(Object.keys(err.error as object).sort()).toEqual(['code', 'message', 'param', 'type']);
    return err;
  };

  it('keeps upstream 4xx/5xx status and error body, and retry-after on 429', async () => {
    emu.fault({ status: 400, body: { error: { message: 'bad thing', type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } } });
    await expectError(t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 400, {
      message: 'bad thing',
      param: 'temperature',
      code: 'invalid_value',
    });
    emu.fault({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } } });
    const rl = await expectError(t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 429, { code: 'rate_limit_exceeded' });
    expect(rl.headers?.get('retry-after')).toBe('7');
    emu.fault({ status: 503 });
    await expectError(t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 503, { type: 'server_error' });
    await expectError(t.client.chat.completions.create({ model: 'wrong-key', messages: [{ role: 'user', content: 'x' }] }), 401, { code: 'invalid_api_key' });
  });

  it('turns upstream timeouts into 504 and connection failures into 502', async () => {
    emu.fault({ hang: true });
    await expectError(t.client.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'x' }] }), 504, { code: 'upstream_timeout' });
    await expectError(t.client.chat.completions.create({ model: 'down', messages: [{ role: 'user', content: 'x' }] }), 502, { code: 'upstream_connection_error' });
    emu.fault({ reset: true });
    await expectError(t.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 502, { code: 'upstream_connection_error' });
  });

  it('ends a stream dropped mid-way with an error the SDK raises, after the chunks already sent', async () => {
    emu.fault({ dropAfterEvents: 3 });
    const stream = await t.client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'a b c d e f' }] });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('echo: a');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Could not reach the openai upstream/);
  });
});

describe('bad input gets an OpenAI-shaped error', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [openaiProvider()], server: { bodyLimit: '64kb' } });
  });
  afterAll(() => t.close());

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/v1/chat/completions') =>
    fetch(`${t.origin}${path}`, { method: 'POST', headers, body });
  const check = async (res: Response, status: number, fields: Record<string, unknown>) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error).toMatchObject(fields);
  };

  it('unknown model → 404 model_not_found', async () => {
    const err = await t.client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
  });
  it('malformed JSON → 400', async () => check(await post('{"model":'), 400, { code: 'invalid_json', type: 'invalid_request_error' }));
  it('empty body → 400', async () => check(await post(''), 400, { code: 'invalid_json' }));
  it('a JSON array → 400', async () => check(await post('[1]'), 400, { type: 'invalid_request_error' }));
  it('missing messages → 400 with param', async () => check(await post('{"model":"x"}'), 400, { param: 'messages', code: 'missing_required_parameter' }));
  it('wrong types → 400 with the exact param', async () => {
    await check(await post('{"model":"x","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}'), 400, { param: 'temperature', code: 'invalid_type' });
    await check(await post('{"model":"x","messages":[{"role":"robot","content":"hi"}]}'), 400, { param: 'messages[0].role' });
    await check(await post('{"model":"x","messages":[{"role":"tool","content":"hi"}]}'), 400, { param: 'messages[0].tool_call_id' });
    await check(await post('{"model":"x","messages":[{"role":"user","content":"hi"}],"stream":"yes"}'), 400, { param: 'stream' });
    await check(await post('{"model":"x","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}'), 400, { param: 'max_tokens' });
  });
  it('SDK wrong types come back with param', async () => {
    const err = await t.client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }], n: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'n' });
  });
  it('oversized body → 413', async () => check(await post(JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] })), 413, { code: 'request_too_large' }));
  it('bodyLimit counts in binary units: a body of exactly 64kb is read, one byte more is a 413', async () => {
    const bodyOf = (bytes: number) => {
      const empty = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: '' }] });
      return JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(bytes - empty.length) }] });
    };
    expect(bodyOf(65_536)).toHaveLength(65_536);
    await check(await post(bodyOf(65_536)), 404, { code: 'model_not_found' }); // read and parsed: the model is unknown
    await check(await post(bodyOf(65_537)), 413, { code: 'request_too_large' });
  });
  it('multipart on a JSON endpoint → 415', async () => check(await post('--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415, { code: 'unsupported_media_type' }));
  it('unknown route → 404', async () => check(await fetch(`${t.origin}/v1/nothing-here`), 404, { code: 'unknown_url' }));
  it('wrong method → 405', async () => check(await fetch(`${t.origin}/v1/chat/completions`), 405, { code: 'method_not_allowed' }));
  it('health endpoints answer', async () => {
    expect((await fetch(`${t.origin}/health/liveliness`)).status).toBe(200);
    expect((await fetch(`${t.origin}/health/readiness`)).status).toBe(200);
  });
  it('models are listed, with and without /v1', async () => {
    const list = await t.client.models.list();
    expect(list.data).toEqual([]);
    expect((await fetch(`${t.origin}/models`)).status).toBe(200);
  });
});
