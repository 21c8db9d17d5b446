/**
 * Key material: new virtual keys, their stored hash, the abbreviation shown in lists, and the
 * constant-time comparison of a presented key with the master key.
 *
 * Keys are 32 random bytes, so a plain SHA-256 is enough to store them (a slow password hash
 * protects guessable secrets; these cannot be guessed). The stored hash never leaves the
 * plugin: the key API names keys by an opaque id (`key_…`) instead.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What every generated key starts with (LiteLLM's convention, and the scrubber's known shape). */
export const KEY_PREFIX = 'sk-';

/**
 * A new virtual key: `sk-` and 43 url-safe characters.
 *
 * @example
 * ```ts
 * newKey(); // 'sk-Qm3…'
 * ```
 */
export function newKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * A new opaque key id, safe to show and log.
 *
 * @example
 * ```ts
 * newKeyId(); // 'key_5f0c…'
 * ```
 */
export function newKeyId(): string {
  return `key_${randomBytes(12).toString('hex')}`;
}

/**
 * The stored form of a key (hex SHA-256).
 *
 * @example
 * ```ts
 * hashKey('sk-abc'); // '9a1f…'
 * ```
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Whether a presented key is `expected`, in time independent of where they differ (both are
 * hashed first, so lengths never leak either).
 *
 * @example
 * ```ts
 * sameKey(presented, masterKey);
 * ```
 */
export function sameKey(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The abbreviation LiteLLM shows as `key_name`: `sk-...` and the last 4 characters.
 *
 * @example
 * ```ts
 * abbreviate('sk-abcdefgh1234'); // 'sk-...1234'
 * ```
 */
export function abbreviate(key: string): string {
  return `sk-...${key.slice(-4)}`;
}
