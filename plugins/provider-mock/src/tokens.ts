/**
 * A deterministic stand-in tokenizer: words and punctuation marks count as tokens, so
 * usage numbers are realistic in size and identical on every run.
 */

const TOKEN = /[A-Za-z0-9]+|[^\sA-Za-z0-9]/g;

/**
 * Counts tokens in a text.
 *
 * @example
 * ```ts
 * countTokens('Hello, world!'); // 4
 * ```
 */
export function countTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/**
 * The first `n` tokens of `text` (the whole text when it has no more).
 *
 * @example
 * ```ts
 * firstTokens('Hello, world!', 2); // 'Hello,'
 * ```
 */
export function firstTokens(text: string, n: number): string {
  let count = 0;
  for (const m of text.matchAll(TOKEN)) if (++count === n) return text.slice(0, m.index + m[0].length);
  return text;
}

/**
 * Splits text into stream pieces: each word with its leading space.
 *
 * @example
 * ```ts
 * pieces('a b'); // ['a', ' b']
 * ```
 */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

const WORDS =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

/**
 * `n` words of lorem ipsum (each one token).
 *
 * @example
 * ```ts
 * lorem(3); // 'lorem ipsum dolor'
 * ```
 */
export function lorem(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[i % WORDS.length]!);
  return out.join(' ');
}
