/**
 * Where a caller's key comes from: `Authorization: Bearer <key>` (OpenAI clients), `api-key`
 * (Azure clients), `x-api-key` (Anthropic clients), in that order.
 */
import { GatewayError } from '@switchyard/core';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The key a request presents; undefined when it presents none. A malformed `Authorization`
 * header (another scheme, an empty token) is refused rather than ignored.
 *
 * @example
 * ```ts
 * presentedKey({ authorization: 'Bearer sk-1' }); // 'sk-1'
 * presentedKey({ 'x-api-key': 'sk-2' }); // 'sk-2'
 * ```
 */
export function presentedKey(headers: Headers): string | undefined {
  const auth = first(headers.authorization);
  if (auth !== undefined && auth.trim() !== '') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth.trim());
    if (!m) throw invalidKey('The Authorization header must be `Bearer <key>`.');
    return m[1];
  }
  for (const name of ['api-key', 'x-api-key'] as const) {
    const v = first(headers[name])?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * The 401 every failed authentication gets (the presented key is never part of the message).
 *
 * @example
 * ```ts
 * throw invalidKey('Incorrect API key provided.');
 * ```
 */
export function invalidKey(message: string): GatewayError {
  return new GatewayError('GW_ERR_UNAUTHORIZED', message, { publicCode: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } });
}
