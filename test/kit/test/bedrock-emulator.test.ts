/**
 * Keeps the Bedrock emulator honest: the official AWS SDK (its signer, its JSON and
 * event-stream parsers) talks to it and must get the answers and errors the real service gives.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bedrockErrorFault, checkConverseRequest, startBedrockEmulator, type BedrockEmulator } from '@switchyard/test-kit';

const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

describe('bedrock emulator with the official AWS SDK', () => {
  let emu: BedrockEmulator;
  const client = (secretAccessKey = 'emulator-secret-key', region = 'us-east-1') =>
    new BedrockRuntimeClient({ endpoint: emu.origin, region, credentials: { accessKeyId: 'AKIDEMULATOR000001', secretAccessKey }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  // (the SDK defaults to HTTP/2 for Bedrock; the loopback emulator speaks HTTP/1.1 like the gateway's client)
  beforeAll(async () => {
    emu = await startBedrockEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  it('accepts the SDK signature and answers Converse in a shape the SDK parses', async () => {
    const out = await client().send(new ConverseCommand({ modelId: MODEL, system: [{ text: 'brief' }], messages: [{ role: 'user', content: [{ text: 'hi there' }] }] }));
    expect(out.output?.message?.content?.[0]?.text).toBe('echo: hi there');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage!.totalTokens).toBe(out.usage!.inputTokens! + out.usage!.outputTokens!);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.requests[0]!.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
  });

  it('streams event-stream frames the SDK decodes', async () => {
    const out = await client().send(
      new ConverseStreamCommand({
        modelId: MODEL,
        messages: [{ role: 'user', content: [{ text: 'Paris' }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }] },
      }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const ev of out.stream!) events.push(ev);
    expect(events[0]!.messageStart?.role).toBe('assistant');
    const start = events.find((e) => e.contentBlockStart)!.contentBlockStart!;
    expect(start.start?.toolUse?.name).toBe('weather');
    const input = events.map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual({ q: 'Paris' });
    expect(events.find((e) => e.messageStop)!.messageStop!.stopReason).toBe('tool_use');
    expect(events.at(-1)!.metadata!.usage!.outputTokens).toBeGreaterThan(0);
  });

  it('rejects a signature made with the wrong secret as the SDK expects (InvalidSignatureException)', async () => {
    const err = await client('wrong-secret').send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'x' }] }] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    const region = await client(undefined, 'eu-west-1').send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'x' }] }] })).catch((e: unknown) => e);
    expect(region).toMatchObject({ name: 'InvalidSignatureException' });
  });

  it('sends errors the SDK turns into its typed exceptions', async () => {
    const validation = await client().send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'assistant', content: [{ text: 'x' }] }] })).catch((e: unknown) => e);
    expect(validation).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    emu.fault({ status: 429, ...bedrockErrorFault('ThrottlingException', 'Too many requests, please wait before trying again.') });
    const throttled = await client().send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'x' }] }] })).catch((e: unknown) => e);
    expect(throttled).toMatchObject({ name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
  });

  it('sends in-stream exceptions the SDK raises while iterating', async () => {
    emu.streamException({ exceptionType: 'modelStreamErrorException', message: 'The model stream failed.', afterEvents: 2 });
    const out = await client().send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'a b c' }] }] }));
    const err = await (async () => {
      for await (const _ of out.stream!) void _;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ModelStreamErrorException', message: 'The model stream failed.' });
  });
});

describe('checkConverseRequest', () => {
  const user = (text: string) => ({ role: 'user', content: [{ text }] });
  it.each([
    [{}, /Value null at 'messages'/],
    [{ messages: [] }, /must start with a user message/],
    [{ messages: [user('a'), user('b')] }, /must alternate/],
    [{ messages: [{ role: 'user', content: [{ text: ' ' }] }] }, /is blank/],
    [{ messages: [user('a')], extra: 1 }, /extraneous key \[extra\]/],
    [{ messages: [user('a')], inferenceConfig: { temperature: 1.5 } }, /temperature/],
    [
      {
        messages: [user('a'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't2', content: [{ text: 'r' }] } }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }] },
      },
      /not a toolUse of the previous turn/,
    ],
    [{ messages: [user('a'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] }, user('b')], toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }] } }, /Expected toolResult blocks/],
    [{ messages: [user('a'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r' }] } }] }] }, /toolConfig field must be defined/],
  ])('%j is rejected', (body, message) => {
    expect(checkConverseRequest(body)).toMatch(message);
  });

  it('accepts a valid tool round trip', () => {
    expect(
      checkConverseRequest({
        messages: [user('a'), { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: { ok: true } }] } }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }], toolChoice: { tool: { name: 'f' } } },
      }),
    ).toBeUndefined();
  });
});
