/**
 * What an agent loop on Gemini or Vertex used to break on (issue 22), over both provider
 * ids against the strict emulator: tool schemas Google's OpenAPI subset refuses, answers
 * without candidates, failed finishes, histories Gemini refuses, thinking-only models,
 * and parameters that were dropped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createTestGateway, startGeminiEmulator, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';
import gemini from '@switchyard/provider-gemini';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Tool parameter schemas as Pydantic, zod and MCP servers write them. */
const SCHEMAS: Array<[string, Record<string, unknown>]> = [
  ['string formats (uri, email, uuid, date)', { type: 'object', properties: { url: { type: 'string', format: 'uri' }, mail: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' }, day: { type: 'string', format: 'date' } }, required: ['url'] }],
  ['an integer enum', { type: 'object', properties: { level: { type: 'integer', enum: [1, 2, 3] } }, required: ['level'] }],
  ['a free-form object', { type: 'object', properties: { headers: { type: 'object', additionalProperties: { type: 'string' } } } }],
  ['oneOf', { type: 'object', properties: { target: { oneOf: [{ type: 'string' }, { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }] } } }],
  [
    'a $ref with a description beside it (Pydantic)',
    { type: 'object', $defs: { Unit: { type: 'string', enum: ['c', 'f'] } }, properties: { unit: { $ref: '#/$defs/Unit', description: 'The unit' } }, required: ['unit'] },
  ],
];
const tool = (parameters: Record<string, unknown>): OpenAI.Chat.Completions.ChatCompletionTool => ({ type: 'function', function: { name: 'act', description: 'Do it', parameters } });

describe.each(['gemini', 'vertex_ai'] as const)('%s: issue 22 fidelity', (provider) => {
  let emu: GeminiEmulator;
  let t: TestGateway;
  const lastBody = (): Body => emu.requests.at(-1)!.body as Body;
  const entry = (name: string, model: string, extra: Record<string, unknown> = {}) =>
    provider === 'gemini'
      ? { name, provider, model, apiBase: emu.origin, apiKey: emu.apiKey, ...extra }
      : { name, provider, model, apiBase: emu.origin, project: 'p1', location: 'us-central1', accessToken: 'ya29.emulator', ...extra };

  beforeAll(async () => {
    emu = await startGeminiEmulator();
    t = await createTestGateway({
      plugins: [gemini()],
      models: [entry('flash', 'gemini-2.5-flash'), entry('flash-openapi', 'gemini-2.5-flash', { toolSchemas: 'openapi' }), entry('pro', 'gemini-2.5-pro')],
    });
  });
  afterEach(() => emu.reset());
  afterAll(async () => {
    await t?.close();
    await emu?.close();
  });

  async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return err as InstanceType<typeof OpenAI.APIError>;
  }
  async function rawStream(body: Record<string, unknown>): Promise<{ status: number; type: string | null; json: Body }> {
    const res = await fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify({ ...body, stream: true }) });
    return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as Body };
  }

  describe('tool schemas Google refuses as OpenAPI', () => {
    it.each(SCHEMAS)('%s: sent as parametersJsonSchema and called, streamed and not', async (_name, parameters) => {
      const r = await t.client.chat.completions.create({ model: 'flash', tools: [tool(parameters)], messages: [{ role: 'user', content: 'go' }] });
      expect(r.choices[0]!.finish_reason).toBe('tool_calls');
      const decl = lastBody().tools[0].functionDeclarations[0];
      expect(decl.parameters).toBeUndefined();
      expect(decl.parametersJsonSchema.properties).toBeDefined();
      const s = await t.client.chat.completions.stream({ model: 'flash', tools: [tool(parameters)], messages: [{ role: 'user', content: 'go' }] }).finalChatCompletion();
      expect(s.choices[0]!.finish_reason).toBe('tool_calls');
    });

    it('the emulator refuses these schemas as OpenAPI `parameters`, with Google\'s messages', async () => {
      for (const [parameters, message] of [
        [SCHEMAS[0]![1], /only 'enum' and 'date-time' are supported for STRING type/],
        [SCHEMAS[1]![1], /enum: only allowed for STRING type/],
        [SCHEMAS[2]![1], /Unknown name "additionalProperties"/],
      ] as const) {
        const res = await fetch(`${emu.origin}/v1beta/models/gemini-2.5-flash:generateContent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-goog-api-key': emu.apiKey },
          body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'go' }] }], tools: [{ functionDeclarations: [{ name: 'act', parameters }] }] }),
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as Body).error.message).toMatch(message);
      }
    });

    it("toolSchemas: 'openapi' translates formats and enums into the description, oneOf into anyOf, and refuses a free-form object with a 400", async () => {
      for (const i of [0, 1, 3, 4]) {
        const r = await t.client.chat.completions.create({ model: 'flash-openapi', tools: [tool(SCHEMAS[i]![1])], messages: [{ role: 'user', content: 'go' }] });
        expect(r.choices[0]!.finish_reason).toBe('tool_calls');
      }
      const sent = emu.requests.map((q) => (q.body as Body).tools[0].functionDeclarations[0].parameters);
      expect(sent[0].properties.url).toEqual({ type: 'string', description: '(format: uri)' });
      expect(sent[1].properties.level).toEqual({ type: 'integer', description: '(one of: 1, 2, 3)' });
      expect(sent[2].properties.target.anyOf).toEqual([{ type: 'string' }, { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }]);
      expect(sent[3].properties.unit).toEqual({ type: 'string', enum: ['c', 'f'], description: 'The unit' });
      const e = await failure(t.client.chat.completions.create({ model: 'flash-openapi', tools: [tool(SCHEMAS[2]![1])], messages: [{ role: 'user', content: 'go' }] }));
      expect(e.status).toBe(400);
      expect(e.param).toBe('tools[0].function.parameters.properties.headers');
      expect(emu.requests).toHaveLength(4);
    });
  });

  describe('answers without candidates, and failed finishes', () => {
    it('a response with no candidate and no block reason is the same 502 streamed and not', async () => {
      emu.answerFault({ noCandidates: true });
      const e = await failure(t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }] }));
      expect(e.status).toBe(502);
      expect(e.code).toBe('upstream_empty_response');
      emu.answerFault({ noCandidates: true });
      const s = await rawStream({ model: 'flash', messages: [{ role: 'user', content: 'x' }] });
      expect(s.status).toBe(502);
      expect(s.type).toMatch(/application\/json/);
      expect(s.json.error).toMatchObject({ code: 'upstream_empty_response', message: e.error && (e.error as Body).message });
      // and the SDK stream helper gets an APIError, not a stream without chunks
      emu.answerFault({ noCandidates: true });
      expect((await failure(t.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion())).status).toBe(502);
    });

    it.each([
      ['MALFORMED_FUNCTION_CALL', 'Malformed function call: print(default_api.act(url=))', 502],
      ['OTHER', undefined, 502],
      ['LANGUAGE', undefined, 400],
    ])('finishReason %s is an error naming it, streamed and not', async (finishReason, finishMessage, status) => {
      emu.answerFault({ finishReason, finishMessage });
      const e = await failure(t.client.chat.completions.create({ model: 'flash', tools: [tool(SCHEMAS[0]![1])], messages: [{ role: 'user', content: 'x' }] }));
      expect(e.status).toBe(status);
      expect(e.code).toBe(finishReason.toLowerCase());
      if (finishMessage) expect(e.message).toContain(finishMessage);
      emu.answerFault({ finishReason, finishMessage });
      const s = await rawStream({ model: 'flash', tools: [tool(SCHEMAS[0]![1])], messages: [{ role: 'user', content: 'x' }] });
      expect(s.status).toBe(status);
      expect(s.json.error.code).toBe(finishReason.toLowerCase());
    });
  });

  describe('histories Gemini refuses', () => {
    it('a history that opens with an assistant tool call gets a user turn first', async () => {
      const messages: Msg[] = [
        { role: 'system', content: 'sys' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_x1', type: 'function', function: { name: 'act', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_x1', content: 'done' },
      ];
      const r = await t.client.chat.completions.create({ model: 'flash', tools: [tool(SCHEMAS[1]![1])], messages });
      expect(r.choices[0]!.message.content).toBe('tool result: {"content":"done"}');
      expect(lastBody().contents.map((c: Body) => c.role)).toEqual(['user', 'model', 'user']);
    });

    it('empty text parts are left out', async () => {
      const messages: Msg[] = [
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'hi' }] },
        { role: 'assistant', content: '' },
        { role: 'assistant', content: [{ type: 'text', text: '' }], tool_calls: [{ id: 'call_x2', type: 'function', function: { name: 'act', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_x2', content: 'ok' },
      ];
      const r = await t.client.chat.completions.create({ model: 'flash', tools: [tool(SCHEMAS[1]![1])], messages });
      expect(r.choices[0]!.message.content).toBe('tool result: {"content":"ok"}');
      expect(JSON.stringify(lastBody().contents)).not.toContain('"text":""');
    });
  });

  it("reasoning_effort 'none' on a model that only thinks gets its smallest budget, thoughts hidden", async () => {
    const r = await t.client.chat.completions.create({ model: 'pro', reasoning_effort: 'none', messages: [{ role: 'user', content: 'quick' }] });
    expect(r.choices[0]!.message.content).toBe('echo: quick');
    expect((r.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toBeUndefined();
    expect(lastBody().generationConfig.thinkingConfig).toEqual({ thinkingBudget: 128, includeThoughts: false });
    await t.client.chat.completions.create({ model: 'flash', reasoning_effort: 'none', messages: [{ role: 'user', content: 'quick' }] });
    expect(lastBody().generationConfig.thinkingConfig).toEqual({ thinkingBudget: 0, includeThoughts: false });
  });

  it('refuses parameters Gemini cannot honour with a 400 naming them, upstream not called', async () => {
    for (const [extra, param] of [
      [{ logprobs: true }, 'logprobs'],
      [{ parallel_tool_calls: false, tools: [tool(SCHEMAS[1]![1])] }, 'parallel_tool_calls'],
      [{ logit_bias: { 12: 3 } }, 'logit_bias'],
      [{ service_tier: 'flex' }, 'service_tier'],
    ] as const) {
      const e = await failure(t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }], ...(extra as object) }));
      expect(e.status).toBe(400);
      expect(e.param).toBe(param);
    }
    expect(emu.requests).toHaveLength(0);
    const ok = await t.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }], user: 'u1', logprobs: false, n: 1, seed: 3 });
    expect(ok.choices[0]!.message.content).toBe('echo: x');
  });
});
