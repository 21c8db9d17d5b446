/**
 * The total size bound of an embeddings request: OpenAI's 300,000 tokens summed across all
 * inputs. Token-id inputs count exactly; text is counted with the cl100k tokenizer of the
 * OpenAI embedding models (`gpt-tokenizer`) only when its UTF-8 size could exceed the bound (a
 * token is at least one byte), so ordinary requests never tokenize. The tokenizer loads on
 * first need, not at start-up.
 */
import { GatewayError, type EmbeddingsRequest } from '@switchyard/core';

/** Most tokens summed across the inputs of one request. */
export const MAX_REQUEST_TOKENS = 300_000;

type Counter = (text: string, limit?: number) => number | false;
let counter: Counter | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the tokenizer (once); resolves when it is ready.
 *
 * @example
 * ```ts
 * if (mayExceedTokenBound(body)) await loadTokenizer();
 * ```
 */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => {
    const options = { disallowedSpecial: new Set<string>() }; // `<|endoftext|>` in a text is text
    counter = (text, limit) => (limit === undefined ? m.countTokens(text, options) : m.isWithinTokenLimit(text, limit, options));
  });
  return loading;
}

/** Token ids (exact) and UTF-8 bytes of text (an upper bound of its tokens) of an input. */
function sizes(input: unknown): { tokens: number; bytes: number; texts: string[] } {
  if (typeof input === 'string') return { tokens: 0, bytes: Buffer.byteLength(input, 'utf8'), texts: [input] };
  const out = { tokens: 0, bytes: 0, texts: [] as string[] };
  if (!Array.isArray(input)) return out;
  for (const item of input as unknown[]) {
    if (typeof item === 'number') out.tokens++;
    else if (Array.isArray(item)) out.tokens += item.length;
    else if (typeof item === 'string') {
      out.bytes += Buffer.byteLength(item, 'utf8');
      out.texts.push(item);
    }
  }
  return out;
}

/**
 * Whether a body's text could exceed the token bound (then the tokenizer is needed to tell).
 *
 * @example
 * ```ts
 * mayExceedTokenBound({ input: 'hi' }); // false
 * ```
 */
export function mayExceedTokenBound(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const s = sizes((body as { input?: unknown }).input);
  return s.tokens + s.bytes > MAX_REQUEST_TOKENS;
}

function tooMany(n: number): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', `Requested ${n} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`, {
    type: 'max_tokens_per_request',
    param: 'input',
    publicCode: 'max_tokens_per_request',
  });
}

/**
 * Throws a 400 (`max_tokens_per_request`) when the request's inputs sum to more tokens than the
 * bound. Without the tokenizer loaded (an in-process call right after start) text over the
 * byte bound is let through: the provider enforces its own limit.
 *
 * @example
 * ```ts
 * checkTokenBound(request);
 * ```
 */
export function checkTokenBound(request: EmbeddingsRequest): void {
  const s = sizes(request.input);
  if (s.tokens > MAX_REQUEST_TOKENS) throw tooMany(s.tokens);
  if (s.tokens + s.bytes <= MAX_REQUEST_TOKENS || !counter) return;
  let total = s.tokens;
  for (const text of s.texts) {
    const n = counter(text, MAX_REQUEST_TOKENS - total);
    if (n === false) throw tooMany(s.texts.reduce((sum, t) => sum + (counter!(t) as number), s.tokens));
    total += n;
  }
}
