/**
 * Every request field the gateway accepts is either mapped to Converse or refused: fields
 * with no Converse equivalent are allowed only at the value that asks for nothing (`n: 1`,
 * `presence_penalty: 0`, …), and unknown fields are a 400, as OpenAI answers them.
 */
import { GatewayError, type ChatRequest } from '@switchyard/core';

/** Fields the Converse mapping reads. */
export const MAPPED_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'tools',
  'tool_choice',
  'response_format',
  'reasoning_effort',
  'thinking',
  'user',
  'safety_identifier',
  'service_tier',
]);

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

/** Fields Converse cannot honour, accepted at their neutral value only. */
const NEUTRAL: Readonly<Record<string, (v: unknown) => boolean>> = {
  n: (v) => v === 1,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  logit_bias: isEmptyObject,
  parallel_tool_calls: (v) => v === true,
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
};

/** Bookkeeping fields that change nothing in the answer (`metadata` never reaches providers). */
const BOOKKEEPING: ReadonlySet<string> = new Set(['metadata', 'prompt_cache_key']);

/**
 * The error for a field the provider cannot honour.
 *
 * @example
 * ```ts
 * throw unsupported('seed', 'amazon.nova-lite-v1:0');
 * ```
 */
export function unsupported(param: string, model: string, why = ''): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', `Unsupported parameter: '${param}' is not supported with this model (bedrock ${model})${why ? `: ${why}` : '.'}`, {
    param,
    publicCode: 'unsupported_parameter',
  });
}

/**
 * Throws a 400 naming the first field of the request that Converse would drop.
 *
 * @example
 * ```ts
 * checkParams({ model: 'amazon.nova-lite-v1:0', messages, n: 2 }); // throws: param 'n'
 * ```
 */
export function checkParams(request: ChatRequest): void {
  for (const key in request) {
    const value = request[key];
    if (value === undefined || value === null || MAPPED_PARAMS.has(key) || BOOKKEEPING.has(key)) continue;
    const neutral = NEUTRAL[key];
    if (neutral) {
      if (!neutral(value)) throw unsupported(key, request.model, key === 'n' ? 'Bedrock answers one choice per call.' : '');
      continue;
    }
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Unrecognized request argument supplied: ${key} (the bedrock provider has no mapping for it).`, {
      param: key,
      publicCode: 'unknown_parameter',
    });
  }
}
