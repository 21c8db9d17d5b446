/**
 * Token estimates for truncation (`truncation_strategy: auto` under `max_prompt_tokens` or a
 * known context window): gpt-tokenizer's o200k encoding, an estimate for other model
 * families. Loaded on the first run that truncates (its tables take ~70 MB).
 */
import type { ChatMessage } from '@switchyard/core';

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number;

/** Framing tokens a chat template adds per message. */
const PER_MESSAGE = 4;
/** What an image part is counted as. */
const IMAGE = 256;

let loading: Promise<CountTokens> | undefined;

/**
 * The counter, loaded once on first use.
 *
 * @example
 * ```ts
 * const count = await tokenCounter();
 * count('Hello world'); // 2
 * ```
 */
export function tokenCounter(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
    const options = { disallowedSpecial: new Set<string>() };
    return (text: string) => (text ? countTokens(text, options) : 0);
  });
  return loading;
}

/**
 * The tokens a chat message takes in a prompt (an estimate).
 *
 * @example
 * ```ts
 * messageTokens({ role: 'user', content: 'hi' }, count); // 5
 * ```
 */
export function messageTokens(m: ChatMessage, count: CountTokens): number {
  let n = PER_MESSAGE;
  if (typeof m.content === 'string') n += count(m.content);
  else if (Array.isArray(m.content)) for (const p of m.content) n += p.type === 'text' ? count(String((p as { text: string }).text)) : IMAGE;
  for (const tc of m.tool_calls ?? []) n += count(tc.function.name) + count(tc.function.arguments);
  return n;
}
