/**
 * The bearer token of a request, for authentication plugins.
 */

/**
 * The bearer token of a request, if any.
 *
 * @example
 * ```ts
 * bearerToken({ authorization: 'Bearer sk-1' }); // 'sk-1'
 * ```
 */
export function bearerToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const h = headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim() || undefined;
}
