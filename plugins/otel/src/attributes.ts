/**
 * GenAI semantic-convention attributes of a call and of its upstream attempts.
 */
import type { Attributes } from '@opentelemetry/api';
import type { CallEvent, CallResponse, Deployment, GatewayError, UpstreamAttempt, Usage } from '@switchyard/core';
import { asChatCompletion, asChatRequest } from '@switchyard/chat-wire';

/** `gen_ai.provider.name` values of the semantic conventions, by Switchyard provider id. */
export const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  azure: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  cohere: 'cohere',
  xai: 'x_ai',
  perplexity: 'perplexity',
};

/**
 * The `gen_ai.provider.name` of a deployment (its provider id when the conventions name none).
 *
 * @example
 * ```ts
 * providerName({ provider: 'gemini' } as Deployment); // 'gcp.gemini'
 * ```
 */
export function providerName(deployment: Pick<Deployment, 'provider'>): string {
  return PROVIDER_NAMES[deployment.provider] ?? deployment.provider;
}

/**
 * The low-cardinality `error.type` of a gateway error.
 *
 * @example
 * ```ts
 * errorType(err); // 'rate_limit_exceeded', 'server_error', ...
 * ```
 */
export function errorType(error: GatewayError): string {
  return error.publicCode ?? error.type;
}

/**
 * Token usage attributes (input, output, cache read/creation, reasoning).
 *
 * @example
 * ```ts
 * usageAttributes(ctx.usage)['gen_ai.usage.input_tokens'];
 * ```
 */
export function usageAttributes(usage: Usage | undefined): Attributes {
  if (!usage) return {};
  const a: Attributes = {
    'gen_ai.usage.input_tokens': usage.prompt_tokens,
    'gen_ai.usage.output_tokens': usage.completion_tokens,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') a['gen_ai.usage.cache_read.input_tokens'] = cached;
  const written = usage.prompt_tokens_details?.cache_write_tokens;
  if (typeof written === 'number') a['gen_ai.usage.cache_creation.input_tokens'] = written;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') a['gen_ai.usage.reasoning.output_tokens'] = reasoning;
  return a;
}

/**
 * Response attributes: id, model (what the client saw, or `model`: the upstream's own on a
 * CLIENT span), finish reasons.
 *
 * @example
 * ```ts
 * responseAttributes(completion)['gen_ai.response.finish_reasons']; // ['stop']
 * ```
 */
export function responseAttributes(response: CallResponse | undefined, model = typeof response?.model === 'string' ? response.model : undefined): Attributes {
  if (!response) return {};
  const chat = asChatCompletion(response);
  const reasons = (chat?.choices ?? []).map((c) => c.finish_reason).filter((r): r is NonNullable<typeof r> => r !== null && r !== undefined);
  return {
    ...(typeof response.id === 'string' ? { 'gen_ai.response.id': response.id } : {}),
    ...(model ? { 'gen_ai.response.model': model } : {}),
    ...(reasons.length > 0 ? { 'gen_ai.response.finish_reasons': reasons } : {}),
  };
}

/**
 * Request parameters recorded by the conventions (stream, max tokens, temperature, ...).
 *
 * @example
 * ```ts
 * requestAttributes(event)['gen_ai.request.stream']; // false
 * ```
 */
export function requestAttributes(event: CallEvent): Attributes {
  const r = event.request;
  const a: Attributes = { 'gen_ai.request.stream': event.ctx.stream };
  if (!r) return a;
  const max = r.max_completion_tokens ?? r.max_tokens;
  if (typeof max === 'number') a['gen_ai.request.max_tokens'] = max;
  if (typeof r.temperature === 'number') a['gen_ai.request.temperature'] = r.temperature;
  if (typeof r.top_p === 'number') a['gen_ai.request.top_p'] = r.top_p;
  if (typeof r.n === 'number' && r.n !== 1) a['gen_ai.request.choice.count'] = r.n;
  if (typeof r.seed === 'number') a['gen_ai.request.seed'] = r.seed;
  if (r.stop) a['gen_ai.request.stop_sequences'] = Array.isArray(r.stop) ? r.stop : [r.stop];
  return a;
}

/**
 * Prompts and completions as JSON strings, for `captureContent: true`.
 *
 * @example
 * ```ts
 * contentAttributes(event)['gen_ai.input.messages']; // '[{"role":"user",...}]'
 * ```
 */
export function contentAttributes(event: CallEvent): Attributes {
  const a: Attributes = {};
  const input = asChatRequest(event.request)?.messages ?? event.request?.input ?? (event.payload?.request as { input?: unknown } | undefined)?.input;
  if (input !== undefined) a['gen_ai.input.messages'] = JSON.stringify(input);
  const chat = asChatCompletion(event.response);
  const output = chat ? chat.choices.map((c) => ({ ...c.message, finish_reason: c.finish_reason })) : (event.response ?? event.payload?.response);
  if (output !== undefined) a['gen_ai.output.messages'] = JSON.stringify(output);
  return a;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
/** Parsed once per deployment object (deployments are immutable), not once per call. */
const serverCache = new WeakMap<Deployment, Attributes>();

/**
 * `server.address` / `server.port` of the upstream a deployment calls (a shared, frozen
 * object: spread it, do not change it).
 *
 * @example
 * ```ts
 * serverAttributes({ apiBase: 'https://api.openai.com/v1' } as Deployment); // { 'server.address': 'api.openai.com', 'server.port': 443 }
 * ```
 */
export function serverAttributes(deployment: Deployment): Attributes {
  let a = serverCache.get(deployment);
  if (a) return a;
  a = NO_ATTRIBUTES;
  if (deployment.apiBase) {
    try {
      const url = new URL(deployment.apiBase);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      a = Object.freeze({ 'server.address': url.hostname, 'server.port': port });
    } catch {
      // not a URL: no server attributes
    }
  }
  serverCache.set(deployment, a);
  return a;
}

/**
 * Attributes of one upstream attempt: operation, provider, upstream model, status.
 *
 * @example
 * ```ts
 * attemptAttributes(event, event.ctx.attempts[0])['gen_ai.request.model']; // 'gpt-4o'
 * ```
 */
export function attemptAttributes(event: CallEvent, attempt: UpstreamAttempt): Attributes {
  return {
    'gen_ai.operation.name': event.ctx.operation,
    'gen_ai.provider.name': providerName(attempt.deployment),
    'gen_ai.request.model': attempt.deployment.model,
    'gen_ai.request.stream': event.ctx.stream,
    'switchyard.deployment.id': attempt.deployment.id,
    ...serverAttributes(attempt.deployment),
    ...(attempt.status !== undefined ? { 'http.response.status_code': attempt.status } : {}),
    ...(attempt.upstreamRequestId ? { 'switchyard.upstream.request_id': attempt.upstreamRequestId } : {}),
  };
}
