/**
 * Issue 5's "done when": the same OpenAI SDK code gets equivalent answers (content,
 * finish_reason, tool calls, usage) through every provider's plugin and wire emulator,
 * streamed and not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropicProvider from '@switchyard/provider-anthropic';
import azureProvider from '@switchyard/provider-azure';
import bedrockProvider from '@switchyard/provider-bedrock';
import geminiProvider from '@switchyard/provider-gemini';
import openaiProvider from '@switchyard/provider-openai';
import {
  createTestGateway,
  startAnthropicEmulator,
  startAzureEmulator,
  startBedrockEmulator,
  startGeminiEmulator,
  startOpenAIEmulator,
  type TestGateway,
} from '@switchyard/test-kit';

const MODELS = ['openai', 'azure', 'azure_ai', 'anthropic', 'gemini', 'vertex_ai', 'bedrock'] as const;
const tools = [{ type: 'function' as const, function: { name: 'lookup', description: 'Look it up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];

describe('one SDK, every provider', () => {
  let t: TestGateway;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const [oa, az, an, ge, br] = await Promise.all([startOpenAIEmulator(), startAzureEmulator(), startAnthropicEmulator(), startGeminiEmulator(), startBedrockEmulator()]);
    closers.push(() => oa.close(), () => az.close(), () => an.close(), () => ge.close(), () => br.close());
    t = await createTestGateway({
      plugins: [
        openaiProvider(),
        azureProvider({ apiBase: az.origin, apiKey: az.apiKey, azureAi: { apiBase: `${az.origin}/models`, apiKey: az.apiKey } }),
        anthropicProvider(),
        geminiProvider(),
        bedrockProvider({ apiBase: br.origin, region: 'us-east-1', accessKeyId: 'AKIDEMULATOR000001', secretAccessKey: 'emulator-secret-key' }),
      ],
      models: [
        { name: 'openai', provider: 'openai', model: 'gpt-4o', apiBase: oa.baseURL, apiKey: oa.apiKey },
        { name: 'azure', provider: 'azure', model: 'gpt-4o' },
        { name: 'azure_ai', provider: 'azure_ai', model: 'Llama-3.3-70B-Instruct' },
        { name: 'anthropic', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: an.origin, apiKey: an.apiKey },
        { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: ge.origin, apiKey: ge.apiKey },
        { name: 'vertex_ai', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: ge.origin, project: 'p1', location: 'europe-west4', accessToken: 'ya29.emulator' },
        { name: 'bedrock', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(closers.map((c) => c()));
  });

  it.each(MODELS)('%s: same content, finish_reason and usage, streamed and not', async (model) => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'an earlier turn' },
      { role: 'assistant' as const, content: 'noted' },
      { role: 'user' as const, content: 'the same question' },
    ];
    const plain = await t.client.chat.completions.create({ model, messages });
    expect(plain.choices[0]!.message.content).toBe('echo: the same question');
    expect(plain.choices[0]!.finish_reason).toBe('stop');
    const u = plain.usage!;
    expect(u.prompt_tokens).toBeGreaterThan(0);
    expect(u.completion_tokens).toBeGreaterThan(0);
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);

    const stream = await t.client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let content = '';
    let finish: string | null = null;
    let usage;
    for await (const c of stream) {
      content += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(content).toBe(plain.choices[0]!.message.content);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens });
  });

  it.each(MODELS)('%s: a tool call round trip, streamed through the strict SDK helper', async (model) => {
    const question = [{ role: 'user' as const, content: 'find the answer' }];
    const first = await t.client.chat.completions.stream({ model, tools, messages: question }).finalChatCompletion();
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('lookup');
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    const second = await t.client.chat.completions.create({
      model,
      tools,
      messages: [...question, choice.message, { role: 'tool', tool_call_id: call.id, content: '42' }],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.content).toMatch(/^tool result: .*42/);
  });
});
