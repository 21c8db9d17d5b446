/**
 * The mock provider plugin: deterministic models with realistic usage, optional latency
 * and streaming pace. The embedded default, so the gateway runs and demos with no keys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GatewayError,
  definePlugin,
  parseDeploymentOptions,
  parsePluginOptions,
  timeOrderedId,
  z,
  type ChatChunk,
  type ChatCompletion,
  type ChatRequest,
  type ChatResult,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type GatewayPlugin,
  type ProviderCall,
  type Usage,
} from '@switchyard/core';
import { mockEmbeddings } from './embed.js';
import { answer, ERROR_MODEL, MOCK_MODELS, type MockAnswer } from './models.js';
import { countTokens, pieces } from './tokens.js';

const PLUGIN_NAME = '@switchyard/provider-mock';

/** What mock calls cost: nothing, in USD per token (a model entry's own prices win). */
export const MOCK_PRICING = Object.freeze({ inputCostPerToken: 0, outputCostPerToken: 0 });
const VERSION = '0.1.0';

const Timing = {
  /** Delay before the answer (or first chunk), in ms. */
  latencyMs: z.number().min(0).max(600_000).optional(),
  /** Delay between streamed chunks, in ms. */
  chunkDelayMs: z.number().min(0).max(60_000).optional(),
};
const OptionsSchema = z.strictObject({ ...Timing, id: z.string().min(1).optional() });
const DeploymentSchema = z.strictObject(Timing);

/** Options of the mock provider. */
export type MockProviderOptions = z.input<typeof OptionsSchema>;

function promptTokens(request: ChatRequest): number {
  let n = 0;
  for (const m of request.messages) {
    n += 4; // per-message framing, as chat formats add
    if (typeof m.content === 'string') n += countTokens(m.content);
    else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text') n += countTokens(String((p as { text: string }).text));
    for (const tc of m.tool_calls ?? []) n += countTokens(tc.function.arguments) + 3;
  }
  return n + 3;
}

function usageOf(request: ChatRequest, a: MockAnswer): Usage {
  const prompt = promptTokens(request);
  const completion = countTokens(a.content ?? '') + (a.toolCalls?.reduce((n, tc) => n + countTokens(tc.function.arguments) + 3, 0) ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/**
 * The mock provider. Models: `mock/echo` (echoes the last user message), `mock/transcript`
 * (every user turn and tool result joined by ` | `), `mock/lorem`
 * (`max_tokens` words, default 32), `mock/tool` (calls the first offered tool),
 * `mock/error-<4xx|5xx>` (fails with that status), `mock/drop` (stream breaks after 3 chunks),
 * `mock/embed` (embeddings: deterministic unit vectors, 1536 dimensions, `dimensions` honoured).
 *
 * @example
 * ```ts
 * import mockProvider from '@switchyard/provider-mock';
 * const gateway = await createGateway({ plugins: [mockProvider({ chunkDelayMs: 20 })] });
 * ```
 */
export function mockProvider(options?: MockProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const id = opts.id ?? 'mock';

  async function chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment.options as z.infer<typeof DeploymentSchema>;
    const latency = d.latencyMs ?? opts.latencyMs ?? 0;
    const pace = d.chunkDelayMs ?? opts.chunkDelayMs ?? 0;
    const a = answer(call.deployment.model, request);
    if (latency > 0) await sleep(latency, undefined, { signal: call.signal });
    const created = Math.floor(Date.now() / 1000);
    // unique across restarts and processes (a counter repeated after every restart)
    const completionId = `chatcmpl-mock${timeOrderedId().replaceAll('-', '')}`;
    const usage = usageOf(request, a);
    if (!request.stream) {
      const body: ChatCompletion = {
        id: completionId,
        object: 'chat.completion',
        created,
        model: call.deployment.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: a.content, refusal: null, ...(a.toolCalls ? { tool_calls: a.toolCalls } : {}) },
            finish_reason: a.finish,
            logprobs: null,
          },
        ],
        usage,
      };
      return { type: 'completion', body };
    }
    const includeUsage = request.stream_options?.include_usage === true;
    const base = { id: completionId, object: 'chat.completion.chunk' as const, created, model: call.deployment.model };
    const mk = (delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
    async function* chunks(): AsyncGenerator<ChatChunk> {
      yield mk({ role: 'assistant', content: '' });
      let n = 0;
      let sent = 0;
      for (const piece of pieces(a.content ?? '')) {
        if (pace > 0) await sleep(pace, undefined, { signal: call.signal });
        // unpaced, a long answer would be produced in one run of promise jobs and hold the
        // event loop (a real upstream's chunks arrive as I/O): let other work in now and then
        else if (++n % 256 === 0) await new Promise((r) => setImmediate(r));
        if (a.dropAfter !== undefined && sent++ >= a.dropAfter) {
          throw new GatewayError('GW_ERR_PROVIDER_CONNECTION', 'The mock upstream dropped the connection mid-stream.', {
            publicCode: 'upstream_connection_error',
            expose: true,
          });
        }
        yield mk({ content: piece });
      }
      for (const [index, tc] of (a.toolCalls ?? []).entries()) {
        yield mk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] });
        yield mk({ tool_calls: [{ index, function: { arguments: tc.function.arguments } }] });
      }
      yield mk({}, a.finish);
      if (includeUsage) yield { ...base, choices: [], usage };
    }
    return { type: 'stream', chunks: chunks() };
  }

  async function embeddings(request: EmbeddingsRequest, call: ProviderCall): Promise<{ body: EmbeddingsResponse }> {
    const d = call.deployment.options as z.infer<typeof DeploymentSchema>;
    const latency = d.latencyMs ?? opts.latencyMs ?? 0;
    const body = mockEmbeddings(call.deployment.model, request);
    if (latency > 0) await sleep(latency, undefined, { signal: call.signal });
    return { body };
  }

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id,
        models: MOCK_MODELS,
        chat,
        embeddings,
        // a documented zero price: cost tracking shows 0, a number, for mock calls (no warning)
        defaults: { pricing: MOCK_PRICING },
        validateDeployment(deployment) {
          parseDeploymentOptions(DeploymentSchema, deployment.options);
          if (!ERROR_MODEL.test(deployment.model) && !(MOCK_MODELS as readonly string[]).includes(deployment.model)) {
            throw new Error(`the mock provider has no model "${deployment.model}" (it has ${MOCK_MODELS.join(', ')})`);
          }
        },
      });
    },
  });
}
