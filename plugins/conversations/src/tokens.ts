/**
 * Token counts for truncation, with gpt-tokenizer's o200k encoding: an estimate for other
 * model families, which is why `truncation: "auto"` keeps a margin. The tokenizer is loaded
 * on the first truncating turn only (its tables take ~70 MB and ~0.4 s to load: a gateway
 * whose conversations never truncate never pays that), and each item is counted once, then
 * kept with it. Context windows come from the deployment's `maxInputTokens`, else the
 * model's entry in the genai-prices database (loaded on first use too).
 */
import type { calcPrice } from '@pydantic/genai-prices';
import type { ConversationItem, Deployment } from '@switchyard/core';

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number;

/** Framing tokens a chat template adds per item. */
const PER_ITEM = 4;
/** What an image or file part is counted as (the text of its data URL would count far too much). */
const NON_TEXT_PART = 256;
/** The share of the window left free, for the tokenizer being another model family's. */
export const SAFETY_MARGIN = 0.05;

let loading: Promise<CountTokens> | undefined;

/**
 * The text counter, loaded once on first use (special-token strings count as plain text,
 * never refused).
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

function partTokens(p: Record<string, unknown>, count: CountTokens): number {
  if (typeof p.text === 'string') return count(p.text);
  if (typeof p.refusal === 'string') return count(p.refusal);
  return NON_TEXT_PART;
}

/**
 * Tokens an item takes in a prompt (an estimate for non-OpenAI models).
 *
 * @example
 * ```ts
 * itemTokens({ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }, await tokenCounter()); // 5
 * ```
 */
export function itemTokens(item: ConversationItem, count: CountTokens): number {
  const parts = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>).reduce((n, p) => n + partTokens(p, count), 0) : 0);
  switch (item.type) {
    case 'message':
      return PER_ITEM + parts(item.content);
    case 'function_call':
      return PER_ITEM + count(String(item.name ?? '')) + count(String(item.arguments ?? ''));
    case 'function_call_output':
      return PER_ITEM + count(typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? ''));
    case 'reasoning':
      return parts(item.summary);
    default:
      return PER_ITEM + count(JSON.stringify(item));
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
let prices: Promise<{ calcPrice: typeof calcPrice }> | undefined;

/**
 * The context window of a deployment in tokens: its `maxInputTokens`, else the model's known
 * window (the price database is loaded on first use), else undefined (nothing is truncated).
 *
 * @example
 * ```ts
 * await contextWindow({ id: 'c#0', name: 'c', provider: 'anthropic', model: 'claude-sonnet-4-5', options: {} }); // 200000
 * ```
 */
export async function contextWindow(d: Deployment): Promise<number | undefined> {
  if (d.maxInputTokens !== undefined) return d.maxInputTokens;
  const key = `${d.provider}\u0000${d.model}`;
  if (windows.has(key)) return windows.get(key);
  let found: number | undefined;
  const providerId = PRICE_PROVIDER[d.provider];
  if (providerId) {
    const { calcPrice } = await (prices ??= import('@pydantic/genai-prices'));
    try {
      found = calcPrice({ input_tokens: 0, output_tokens: 0 }, d.model, { providerId })?.model.context_window;
    } catch {
      found = undefined; // not in the database
    }
  }
  windows.set(key, found);
  return found;
}
