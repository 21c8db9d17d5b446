/**
 * "Did you mean" for config keys: the nearest known key by edit distance (fastest-levenshtein),
 * when it is near enough to be a typo.
 */
import { distance } from 'fastest-levenshtein';

/**
 * The known key nearest to `key`, if `key` looks like a typo of it.
 *
 * @example
 * ```ts
 * nearestKey('provdier', ['name', 'provider', 'model']); // 'provider'
 * nearestKey('colour', ['name', 'provider']); // undefined
 * ```
 */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  const k = key.toLowerCase();
  const limit = k.length <= 3 ? 1 : k.length <= 7 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(k, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit && bestDistance < k.length ? best : undefined;
}

/**
 * `unknown key "provdier" (did you mean "provider"?)`, for one or more unknown keys.
 *
 * @example
 * ```ts
 * unknownKeys(['provdier'], ['name', 'provider'], 'models[0]'); // 'models[0]: unknown key "provdier" (did you mean "provider"?)'
 * ```
 */
export function unknownKeys(keys: readonly string[], known: Iterable<string>, where?: string): string {
  const list = [...known];
  const named = keys.map((key) => {
    const near = nearestKey(key, list);
    return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
  });
  return `${where ? `${where}: ` : ''}unknown key${keys.length > 1 ? 's' : ''} ${named.join(', ')}`;
}
