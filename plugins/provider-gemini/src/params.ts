/**
 * Every request field the gateway accepts is either mapped to generateContent or refused:
 * fields Gemini has no equivalent for are allowed only at the value that asks for nothing
 * (`logprobs: false`, `parallel_tool_calls: true`, …), and unknown fields are a 400, as
 * OpenAI answers them. `user` and `safety_identifier` are bookkeeping Gemini has no field for.
 */
import { GatewayError, type ChatRequest } from '@switchyard/core';

/** Fields the generateContent mapping reads. */
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
  'n',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'tools',
  'tool_choice',
  'response_format',
  'reasoning_effort',
]);

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

/** Fields Gemini cannot honour, accepted at their neutral value only. */
const NEUTRAL: Readonly<Record<string, (v: unknown) => boolean>> = {
  parallel_tool_calls: (v) => v === true,
  service_tier: (v) => v === 'auto',
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  logit_bias: isEmptyObject,
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
};

/** Bookkeeping fields that change nothing in the answer (`metadata` never reaches providers). */
const BOOKKEEPING: ReadonlySet<string> = new Set(['metadata', 'prompt_cache_key', 'user', 'safety_identifier']);

/**
 * Throws a 400 naming the first field of the request generateContent would drop.
 *
 * @example
 * ```ts
 * checkParams({ model: 'gemini-2.5-flash', messages, logprobs: true }, 'gemini'); // throws: param 'logprobs'
 * ```
 */
export function checkParams(request: ChatRequest, provider = 'gemini'): void {
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
