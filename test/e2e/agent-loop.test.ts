/**
 * Issue 22's "done when": one agent loop, written once with the official openai SDK (tool
 * call → tool result → answer, reasoning on), runs unchanged over Anthropic, Bedrock Claude,
 * Gemini 3 and Vertex, streamed and not, against emulators that hold the gateway to each
 * API's rules (Claude's signed thinking first in the continued turn, Gemini 3's thought
 * signatures, Bedrock's toolUseId limits). The same loop with structured output gives
 * JSON the SDK's `.parse()` reads on Bedrock Claude, Gemini and Vertex; and a conversation
 * moves between providers mid-loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from '@switchyard/core';
import anthropicProvider from '@switchyard/provider-anthropic';
import bedrockProvider from '@switchyard/provider-bedrock';
import geminiProvider from '@switchyard/provider-gemini';
import { createTestGateway, startAnthropicEmulator, startBedrockEmulator, startGeminiEmulator, type TestGateway } from '@switchyard/test-kit';

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false } },
};

/** The client's tool: what any agent runs for a tool call. */
const runTool = (call: OpenAI.Chat.Completions.ChatCompletionMessageToolCall) => (call.type === 'function' && call.function.name === 'get_weather' ? '{"temp_c":21}' : '{"error":"unknown tool"}');

interface LoopResult {
  answer: OpenAI.Chat.Completions.ChatCompletionMessage;
  turns: number;
  reasoned: boolean;
  messages: Message[];
}

/** The agent loop: call the model, run the tools it asks for, until it answers. */
async function agentLoop(client: OpenAI, base: Omit<Params, 'messages'>, messages: Message[], stream: boolean): Promise<LoopResult> {
  let reasoned = false;
  for (let turn = 1; turn <= 4; turn++) {
    const params: Params = { ...base, messages };
    const completion = stream ? await client.chat.completions.stream({ ...params, stream: true }).finalChatCompletion() : await client.chat.completions.create(params);
    const choice = completion.choices[0]!;
    reasoned ||= typeof (choice.message as { reasoning_content?: unknown }).reasoning_content === 'string';
    messages.push(choice.message);
    if (choice.finish_reason !== 'tool_calls') return { answer: choice.message, turns: turn, reasoned, messages };
    for (const call of choice.message.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: runTool(call) });
  }
  throw new Error('the loop did not end');
}

describe('one agent loop over Anthropic, Bedrock, Gemini and Vertex', () => {
  let t: TestGateway;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const [an, br, ge] = await Promise.all([startAnthropicEmulator(), startBedrockEmulator(), startGeminiEmulator()]);
    closers.push(() => an.close(), () => br.close(), () => ge.close());
    t = await createTestGateway({
      plugins: [anthropicProvider(), geminiProvider(), bedrockProvider({ apiBase: br.origin, region: br.region, ...br.credentials })],
      models: [
        { name: 'anthropic', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: an.origin, apiKey: an.apiKey },
        { name: 'bedrock', provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
        { name: 'gemini', provider: 'gemini', model: 'gemini-3-pro-preview', apiBase: ge.origin, apiKey: ge.apiKey },
        { name: 'vertex', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: ge.origin, project: 'p1', location: 'us-central1', accessToken: 'ya29.emulator' },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(closers.map((c) => c()));
  });

  const MODELS = ['anthropic', 'bedrock', 'gemini', 'vertex'] as const;
  const CASES = MODELS.flatMap((m) => [
    [m, false],
    [m, true],
  ]) as Array<[(typeof MODELS)[number], boolean]>;

  it.each(CASES)('%s (stream: %s): tool call → tool result → answer, with reasoning', async (model, stream) => {
    const r = await agentLoop(t.client, { model, tools: [weather], reasoning_effort: 'low' }, [{ role: 'user', content: 'Paris' }], stream);
    expect(r.turns).toBe(2);
    expect(r.reasoned).toBe(true);
    expect(r.answer.content).toBe('tool result: {"temp_c":21}');
    // ids every provider can take back, whichever minted them
    const call = (r.messages[1] as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam).tool_calls![0]!;
    expect(call.id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  const Weather = z.object({ summary: z.string(), temp_c: z.number().int() });

  it.each(CASES.filter(([m]) => m !== 'anthropic'))('%s (stream: %s): the same loop with structured output ends in JSON the SDK parses', async (model, stream) => {
    // the SDK's parse helpers want strict tools next to a parsed response_format
    const strict = { ...weather, function: { ...(weather as OpenAI.Chat.Completions.ChatCompletionFunctionTool).function, strict: true } };
    const base = { model, tools: [strict], reasoning_effort: 'low' as const, response_format: zodResponseFormat(Weather, 'weather') };
    const r = await agentLoop(t.client, base, [{ role: 'user', content: 'Paris' }], stream);
    expect(r.turns).toBe(2);
    expect(Weather.parse(JSON.parse(r.answer.content!))).toEqual({ summary: 'tool result: {"temp_c":21}', temp_c: 1 });
    // and the SDK's own parse() on the last turn
    const parsed = await t.client.chat.completions.parse({ ...base, messages: r.messages.slice(0, -1) });
    expect(parsed.choices[0]!.message.parsed).toEqual({ summary: 'tool result: {"temp_c":21}', temp_c: 1 });
  });

  it('a conversation moves between providers mid-loop: Gemini 3 calls the tool, Bedrock and Anthropic answer, Gemini 3 continues', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Paris' }];
    const first = await t.client.chat.completions.create({ model: 'gemini', tools: [weather], messages });
    messages.push(first.choices[0]!.message);
    for (const call of first.choices[0]!.message.tool_calls!) messages.push({ role: 'tool', tool_call_id: call.id, content: runTool(call) });
    for (const model of ['bedrock', 'anthropic']) {
      const answer = await t.client.chat.completions.create({ model, tools: [weather], messages });
      expect(answer.choices[0]!.message.content).toBe('tool result: {"temp_c":21}');
    }
    // and back: a Bedrock tool call continued on Gemini 3
    const onBedrock: Message[] = [{ role: 'user', content: 'Rome' }];
    const call = await t.client.chat.completions.create({ model: 'bedrock', tools: [weather], messages: onBedrock });
    onBedrock.push(call.choices[0]!.message, { role: 'tool', tool_call_id: call.choices[0]!.message.tool_calls![0]!.id, content: '{"temp_c":25}' });
    const done = await t.client.chat.completions.create({ model: 'gemini', tools: [weather], messages: onBedrock });
    expect(done.choices[0]!.message.content).toBe('tool result: {"temp_c":25}');
  });
});
