/**
 * Token counts for truncation: each item is counted once, when it is appended (kept with the
 * item, so a turn never re-tokenises the history), with gpt-tokenizer's o200k encoding. For
 * models of other families it is an estimate, which is why `truncation: "auto"` keeps a
 * margin. Context windows come from the deployment's `maxInputTokens`, else the model's
 * entry in the genai-prices database.
 */
import { calcPrice } from '@pydantic/genai-prices';
import type { ConversationItem, Deployment } from '@switchyard/core';
import { countTokens } from 'gpt-tokenizer';

/** Framing tokens a chat template adds per item. */
const PER_ITEM = 4;
/** What an image or file part is counted as (the text of its data URL would count far too much). */
const NON_TEXT_PART = 256;
/** The share of the window left free, for the tokenizer being another model family's. */
export const SAFETY_MARGIN = 0.05;

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

/**
 * Tokens of a text (special-token strings are counted as plain text, never refused).
 *
 * @example
 * ```ts
 * textTokens('Hello world'); // 2
 * ```
 */
export function textTokens(text: string): number {
  return text ? countTokens(text, NO_SPECIAL) : 0;
}

function partTokens(p: Record<string, unknown>): number {
  if (typeof p.text === 'string') return textTokens(p.text);
  if (typeof p.refusal === 'string') return textTokens(p.refusal);
  return NON_TEXT_PART;
}

/**
 * Tokens an item takes in a prompt (an estimate for non-OpenAI models).
 *
 * @example
 * ```ts
 * itemTokens({ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }); // 5
 * ```
 */
export function itemTokens(item: ConversationItem): number {
  switch (item.type) {
    case 'message':
      return PER_ITEM + (Array.isArray(item.content) ? (item.content as Array<Record<string, unknown>>).reduce((n, p) => n + partTokens(p), 0) : 0);
    case 'function_call':
      return PER_ITEM + textTokens(String(item.name ?? '')) + textTokens(String(item.arguments ?? ''));
    case 'function_call_output':
      return PER_ITEM + textTokens(typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? ''));
    case 'reasoning':
      return (Array.isArray(item.summary) ? (item.summary as Array<Record<string, unknown>>).reduce((n, p) => n + partTokens(p), 0) : 0);
    default:
      return PER_ITEM + textTokens(JSON.stringify(item));
  }
}

/** Our provider ids → the price database's provider ids. */
const PRICE_PROVIDER: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure',
  azure_ai: 'azure',
  anthropic: 'anthropic',
  gemini: 'google',
  vertex_ai: 'google',
  bedrock: 'aws',
};

const windows = new Map<string, number | undefined>();

/**
 * The context window of a deployment in tokens: its `maxInputTokens`, else the model's known
 * window, else undefined (then nothing is truncated).
 *
 * @example
 * ```ts
 * contextWindow({ id: 'c#0', name: 'c', provider: 'anthropic', model: 'claude-sonnet-4-5', options: {} }); // 200000
 * ```
 */
export function contextWindow(d: Deployment): number | undefined {
  if (d.maxInputTokens !== undefined) return d.maxInputTokens;
  const key = `${d.provider}\u0000${d.model}`;
  if (windows.has(key)) return windows.get(key);
  let found: number | undefined;
  const providerId = PRICE_PROVIDER[d.provider];
  if (providerId) {
    try {
      found = calcPrice({ input_tokens: 0, output_tokens: 0 }, d.model, { providerId })?.model.context_window;
    } catch {
      found = undefined; // not in the database
    }
  }
  windows.set(key, found);
  return found;
}
