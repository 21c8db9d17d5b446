/**
 * The Anthropic provider plugin: OpenAI chat requests served by the Anthropic Messages API
 * (`POST /v1/messages`), answers and streams translated back.
 */
import { GatewayError, isHost, providerKeyMissing, definePlugin, parseDeploymentOptions, parsePluginOptions, z, type ChatRequest, type ChatResult, type Deployment, type GatewayPlugin, type ProviderCall } from '@switchyard/core';
import { headerValue, readJson, readText, sseEvents, upstreamFetch } from '@switchyard/upstream';
import { anthropicBatches } from './batches.js';
import { anthropicError } from './errors.js';
import { JSON_TOOL_NAME, toAnthropicRequest, type RequestMappingOptions } from './request.js';
import { toChatCompletion } from './response.js';
import { primeStream } from './prime.js';
import { toChatChunks } from './stream.js';
import type { AnthropicResponse } from './wire.js';

const PLUGIN_NAME = '@switchyard/provider-anthropic';
const VERSION = '0.1.0';

/** The `anthropic-version` header value sent unless configured otherwise. */
export const ANTHROPIC_VERSION = '2023-06-01';

const Budgets = z.strictObject({
  minimal: z.number().int().min(1024).optional(),
  low: z.number().int().min(1024).optional(),
  medium: z.number().int().min(1024).optional(),
  high: z.number().int().min(1024).optional(),
  xhigh: z.number().int().min(1024).optional(),
});
const Beta = z.union([z.string().min(1), z.array(z.string().min(1))]);

const OptionsSchema = z.strictObject({
  /** Provider id deployments refer to (default `anthropic`). */
  id: z.string().min(1).optional(),
  /** Default base URL (default: $ANTHROPIC_BASE_URL or https://api.anthropic.com). */
  apiBase: z.url().optional(),
  /** Default API key (default: $ANTHROPIC_API_KEY). */
  apiKey: z.string().optional(),
  /** `anthropic-version` header (default 2023-06-01). */
  version: z.string().min(1).optional(),
  /** `anthropic-beta` header value(s), e.g. `prompt-caching-2024-07-31`. */
  beta: Beta.optional(),
  /** Extra headers on every upstream request. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Default upstream timeout in ms. */
  timeoutMs: z.number().int().positive().optional(),
  /** `max_tokens` when the client sends none (default 4096). */
  defaultMaxTokens: z.number().int().positive().optional(),
  /** Thinking budgets per `reasoning_effort` (defaults: low 1024, medium 2048, high 4096). */
  thinkingBudgets: Budgets.optional(),
  /** Model ids advertised in `/v1/models` as `anthropic/<id>`. */
  models: z.array(z.string().min(1)).optional(),
  /** Most requests per Message Batch (default Anthropic's 100,000); larger batches are executed by the gateway. */
  batchMaxRequests: z.number().int().min(1).max(100_000).optional(),
});

const DeploymentSchema = z.strictObject({
  version: z.string().min(1).optional(),
  beta: Beta.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  defaultMaxTokens: z.number().int().positive().optional(),
  thinkingBudgets: Budgets.optional(),
});

/** Options of the Anthropic provider. */
export type AnthropicProviderOptions = z.input<typeof OptionsSchema>;

/** Model ids advertised by default. */
export const ANTHROPIC_MODELS: readonly string[] = Object.freeze(['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5']);

/** `https://api.anthropic.com` and `https://api.anthropic.com/v1` both give `.../v1/messages`. */
function messagesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? `${trimmed}/messages` : `${trimmed}/v1/messages`;
}

function betaHeader(beta: z.infer<typeof Beta> | undefined): string | undefined {
  if (beta === undefined) return undefined;
  return Array.isArray(beta) ? beta.join(',') : beta;
}

/**
 * The Anthropic provider: `anthropic/<model>` works without configuration, given
 * `ANTHROPIC_API_KEY`.
 *
 * @example
 * ```ts
 * import anthropic from '@switchyard/provider-anthropic';
 * await createGateway({
 *   plugins: [anthropic({ defaultMaxTokens: 8192 })],
 *   models: [{ name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5' }],
 * });
 * ```
 */
export function anthropicProvider(options?: AnthropicProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const id = opts.id ?? 'anthropic';
  const defaultBase = opts.apiBase ?? process.env.ANTHROPIC_BASE_URL ?? process.env.ANTHROPIC_API_BASE ?? 'https://api.anthropic.com';
  const defaultKey = opts.apiKey ?? process.env.ANTHROPIC_API_KEY;

  function headersFor(d: Deployment, stream: boolean): Record<string, string> {
    const o = d.options as z.infer<typeof DeploymentSchema>;
    const h: Record<string, string> = {
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': o.version ?? opts.version ?? ANTHROPIC_VERSION,
      ...opts.headers,
      ...o.headers,
    };
    const key = d.apiKey ?? defaultKey;
    if (key) h['x-api-key'] = key;
    else if (isHost(d.apiBase ?? defaultBase, 'api.anthropic.com')) throw providerKeyMissing(id, ['ANTHROPIC_API_KEY']);
    const beta = betaHeader(o.beta ?? opts.beta);
    if (beta) h['anthropic-beta'] = beta;
    return h;
  }

  function mappingOptions(d: Deployment): RequestMappingOptions {
    const o = d.options as z.infer<typeof DeploymentSchema>;
    return {
      defaultMaxTokens: o.defaultMaxTokens ?? opts.defaultMaxTokens,
      thinkingBudgets: { ...opts.thinkingBudgets, ...o.thinkingBudgets },
    };
  }

  async function chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment;
    const stream = request.stream === true;
    const body = toAnthropicRequest(request, mappingOptions(d));
    const jsonTool = body.tools?.some((t) => t.name === JSON_TOOL_NAME) === true;
    const res = await upstreamFetch({
      url: messagesUrl(d.apiBase ?? defaultBase),
      headers: headersFor(d, stream),
      body,
      signal: call.signal,
      timeoutMs: d.timeoutMs ?? opts.timeoutMs,
      provider: id,
    });
    const upstreamRequestId = headerValue(res.headers, 'request-id');
    if (res.status >= 400) throw anthropicError(res, await readText(res, id), id);
    if (stream) {
      const includeUsage = request.stream_options?.include_usage === true;
      try {
        // an `error` event before the answer starts (overloaded, rate limited) is then an
        // HTTP error with its own status, not a 200 with an error frame
        const chunks = await primeStream(toChatChunks(sseEvents(res, id), { includeUsage, jsonTool, provider: id }));
        return { type: 'stream', chunks, upstreamRequestId };
      } catch (err) {
        if (err instanceof GatewayError && upstreamRequestId) err.headers['x-upstream-request-id'] ??= upstreamRequestId;
        throw err;
      }
    }
    const message = await readJson<AnthropicResponse>(res, id);
    return { type: 'completion', body: toChatCompletion(message, { jsonTool }), upstreamRequestId };
  }

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id,
        chat,
        models: opts.models ?? ANTHROPIC_MODELS,
        defaults: { apiBase: defaultBase, apiKey: defaultKey, timeoutMs: opts.timeoutMs },
        nativeBatches: anthropicBatches({
          provider: id,
          batchesUrl: (d) => `${messagesUrl(d.apiBase ?? defaultBase)}/batches`,
          headers: (d) => headersFor(d, false),
          mapping: mappingOptions,
          timeoutMs: (d) => d.timeoutMs ?? opts.timeoutMs,
          maxRequests: opts.batchMaxRequests ?? 100_000,
        }),
        validateDeployment(deployment) {
          parseDeploymentOptions(DeploymentSchema, deployment.options);
        },
      });
    },
  });
}
