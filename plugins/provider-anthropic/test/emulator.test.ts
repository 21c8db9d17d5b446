import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicEmulator, type AnthropicEmulator } from '@switchyard/test-kit';

// The emulator must be honest: the official Anthropic SDK reads its answers and streams,
// and it rejects what the real API rejects.
describe('the Anthropic emulator', () => {
  let emu: AnthropicEmulator;
  let sdk: Anthropic;
  beforeAll(async () => {
    emu = await startAnthropicEmulator();
    sdk = new Anthropic({ apiKey: emu.apiKey, baseURL: emu.origin, maxRetries: 0 });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  it('serves the official SDK, non-streamed and streamed, with the same message', async () => {
    const params = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hello world' }] };
    const { data: msg, request_id } = await sdk.messages.create(params).withResponse();
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: 'echo: hello world' }] });
    expect(request_id).toMatch(/^req_emu/);
    const streamed = await sdk.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(msg.content);
    expect(streamed.stop_reason).toBe('end_turn');
    expect(streamed.usage.output_tokens).toBe(msg.usage.output_tokens);
    expect(emu.requests[1]!.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams tool use and thinking that the SDK assembles', async () => {
    const final = await sdk.messages
      .stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 2000,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'find z' }],
      })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'Considering: find z (budget 1024)' });
    expect(final.content[1]).toMatchObject({ type: 'tool_use', name: 'lookup', input: { q: 'find z' } });
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${emu.origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': emu.apiKey, 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
  const ok = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

  it('requires the api key and the version header', async () => {
    const noKey = await post(ok, { 'x-api-key': '' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const noVersion = await post(ok, { 'anthropic-version': '' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect((await post(ok)).status).toBe(200);
  });

  const toolTurn = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] };
  const bad: Array<[string, unknown, RegExp]> = [
    ['missing model', { max_tokens: 1, messages: ok.messages }, /^model: Field required/],
    ['missing max_tokens', { model: 'm', messages: ok.messages }, /^max_tokens: Field required/],
    ['empty messages', { ...ok, messages: [] }, /at least one message/],
    ['system role', { ...ok, messages: [{ role: 'system', content: 'x' }, ...ok.messages] }, /Unexpected role "system"/],
    ['assistant first', { ...ok, messages: [{ role: 'assistant', content: 'x' }, ...ok.messages] }, /first message must use the "user" role/],
    ['two user turns', { ...ok, messages: [...ok.messages, ...ok.messages] }, /roles must alternate/],
    ['empty text block', { ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, /non-whitespace/],
    ['an OpenAI field', { ...ok, frequency_penalty: 1 }, /^frequency_penalty: Extra inputs are not permitted/],
    ['temperature above 1', { ...ok, temperature: 1.5 }, /^temperature/],
    [
      'tool_result without tool_use',
      { ...ok, messages: [...ok.messages, { role: 'assistant', content: 'x' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'r' }] }] },
      /unexpected `tool_use_id`/,
    ],
    ['tool_use without tool_result', { ...ok, messages: [...ok.messages, toolTurn, { role: 'user', content: 'next' }] }, /without `tool_result` blocks/],
    ['tool_choice without tools', { ...ok, tool_choice: { type: 'any' } }, /only be specified while providing tools/],
    ['budget below 1024', { ...ok, max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 100 } }, /budget_tokens/],
    ['budget not below max_tokens', { ...ok, max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } }, /must be greater than/],
    ['bad image type', { ...ok, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }] }] }, /media_type/],
  ];
  it.each(bad)('rejects %s with 400 invalid_request_error', async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe('error');
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toMatch(message);
    expect(res.headers.get('request-id')).toMatch(/^req_emu/);
  });

  it('answers a matching tool_result turn', async () => {
    const res = await post({ ...ok, messages: [...ok.messages, toolTurn, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ content: [{ type: 'text', text: 'tool result: done' }] });
  });

  it('injects Anthropic-shaped faults', async () => {
    emu.fault({ status: 529 });
    const res = await post(ok);
    expect(res.status).toBe(529);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    emu.fault({ streamError: { afterEvents: 2, type: 'api_error', message: 'boom' } });
    const err = await sdk.messages
      .stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error', message: 'boom' } });
  });
});
