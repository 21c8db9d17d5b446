/**
 * Splicing values into a JSON object's text: what lets a chat body go upstream as the client's
 * bytes with only its `model` (and `stream_options`) changed, instead of re-serialised.
 */

/** Where one top-level value sits in a JSON object's text. */
interface Span {
  start: number;
  end: number;
}

/** Index just past the JSON string starting at `i` (a quote), or -1. */
function stringEnd(text: string, i: number): number {
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i === -1) return -1;
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) return i + 1;
  }
}

/**
 * The spans of the top-level values named in `wanted` in `text` (a JSON object's text that
 * parsed); undefined when the answer could be wrong: a top-level key written with escapes, or
 * a wanted key given twice (JSON.parse keeps the last; a splice must not pick another).
 */
function topLevelSpans(text: string, wanted: readonly string[]): Map<string, Span> | undefined {
  const spans = new Map<string, Span>();
  let i = text.indexOf('{');
  if (i === -1) return undefined;
  i++;
  const n = text.length;
  for (;;) {
    // a key, or the end of the object
    while (i < n && text.charCodeAt(i) !== 34 /* " */ && text.charCodeAt(i) !== 125 /* } */) i++;
    if (i >= n || text.charCodeAt(i) === 125) return spans;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\')) return undefined;
    i = text.indexOf(':', keyEnd) + 1;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 9) i++;
    const start = i;
    // the value: a string, an object or array (brackets counted, strings skipped), or a literal
    let depth = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i = stringEnd(text, i) - 1;
        if (i < 0) return undefined;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (c === 123 || c === 91 /* [ */) depth++;
      else if (c === 125 || c === 93 /* ] */) {
        if (depth === 0) break; // the closing brace of the top-level object
        if (--depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && c === 44 /* , */) break;
    }
    let end = i;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (wanted.includes(key)) {
      if (spans.has(key)) return undefined;
      spans.set(key, { start, end });
    }
    // on to the comma (or the closing brace)
    while (i < n && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 125) i++;
    if (i >= n || text.charCodeAt(i) === 125) return spans;
    i++;
  }
}

/**
 * `text` (a JSON object's text that parsed) with the named top-level values replaced (or
 * added, when absent) by the JSON of `values`; undefined when it cannot be done exactly, in
 * which case the caller serialises its object instead.
 *
 * @example
 * ```ts
 * spliceTopLevel('{"model":"fast","messages":[]}', { model: 'gpt-4o' }); // '{"model":"gpt-4o","messages":[]}'
 * ```
 */
export function spliceTopLevel(text: string, values: Readonly<Record<string, unknown>>): string | undefined {
  const names = Object.keys(values);
  const spans = topLevelSpans(text, names);
  if (!spans) return undefined;
  const replaced = names.filter((k) => spans.has(k)).sort((a, b) => spans.get(a)!.start - spans.get(b)!.start);
  let out = '';
  let at = 0;
  for (const k of replaced) {
    const s = spans.get(k)!;
    out += text.slice(at, s.start) + JSON.stringify(values[k]);
    at = s.end;
  }
  const added = names.filter((k) => !spans.has(k));
  if (added.length === 0) return out + text.slice(at);
  const close = text.lastIndexOf('}');
  if (close < at) return undefined;
  const head = out + text.slice(at, close);
  const empty = /^\s*\{\s*$/.test(head);
  return `${head}${added.map((k, j) => `${empty && j === 0 ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(values[k])}`).join('')}${text.slice(close)}`;
}
