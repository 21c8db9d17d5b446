/**
 * Chat-shaped usage from Responses usage: what cost observers and the call log read.
 */
import type { Usage } from '@switchyard/core';
import type { ResponseUsage } from './types.js';

/**
 * Chat-shaped usage from Responses usage.
 *
 * @example
 * ```ts
 * chatUsage({ input_tokens: 3, output_tokens: 2, total_tokens: 5 })?.prompt_tokens; // 3
 * ```
 */
export function chatUsage(u: ResponseUsage | null | undefined): Usage | undefined {
  if (!u) return undefined;
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0, cache_write_tokens: u.input_tokens_details?.cache_write_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}
