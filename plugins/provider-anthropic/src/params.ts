/**
 * Every request field the gateway accepts is either mapped to the Messages API or refused:
 * fields Anthropic has no equivalent for are allowed only at the value that asks for
 * nothing (`n: 1`, `presence_penalty: 0`, …), and unknown fields are a 400, as OpenAI
 * answers them.
 */
import { GatewayError, type ChatRequest } from '@switchyard/core';

/** Fields the Messages API mapping reads. */
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
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'thinking',
  'user',
  'safety_identifier',
  'service_tier',
  'n',
]);

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

/** Fields Anthropic cannot honour, accepted at their neutral value only. */
const NEUTRAL: Readonly<Record<string, (v: unknown) => boolean>> = {
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  logit_bias: isEmptyObject,
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
};

/** Bookkeeping fields that change nothing in the answer (`metadata` never reaches providers). */
const BOOKKEEPING: ReadonlySet<string> = new Set(['metadata', 'prompt_cache_key']);

/**
 * Throws a 400 naming the first field of the request the Messages API would drop.
 *
 * @example
 * ```ts
 * checkParams({ model: 'claude-sonnet-4-5', messages, seed: 1 }); // throws: param 'seed'
 * ```
 */
export function checkParams(request: ChatRequest, provider = 'anthropic'): void {
  for (const key in request) {
    const value = request[key];
    if (value === undefined || value === null || MAPPED_PARAMS.has(key) || BOOKKEEPING.has(key)) continue;
    const neutral = NEUTRAL[key];
    if (neutral) {
      if (neutral(value)) continue;
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `Unsupported parameter: '${key}' is not supported with this model (${provider} ${request.model}).`, {
        param: key,
        publicCode: 'unsupported_parameter',
      });
    }
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Unrecognized request argument supplied: ${key} (the ${provider} provider has no mapping for it).`, {
      param: key,
      publicCode: 'unknown_parameter',
    });
  }
}
