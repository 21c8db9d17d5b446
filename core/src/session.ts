/**
 * Where a call's session id comes from, in order: header `x-session-id` (or
 * `x-litellm-session-id`), `metadata.session_id`, `metadata.litellm_session_id`. One rule
 * for every plugin that needs it (session tracking, bridged and native endpoints).
 */

/** Headers that carry a session id, in order of precedence. */
export const SESSION_HEADERS = ['x-session-id', 'x-litellm-session-id'] as const;
/** Metadata keys that carry a session id, in order of precedence. */
export const SESSION_METADATA_KEYS = ['session_id', 'litellm_session_id'] as const;

const clean = (v: unknown): string | undefined => {
  if (Array.isArray(v)) v = v[0];
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s.length > 0 && s.length <= 256 ? s : undefined;
};

/**
 * The explicit session id of a call, or undefined when it names none (never a random id).
 *
 * @example
 * ```ts
 * sessionIdFrom({ 'x-session-id': 'a' }, { litellm_session_id: 'b' }); // 'a'
 * sessionIdFrom({}, { litellm_session_id: 'b' }); // 'b'
 * ```
 */
export function sessionIdFrom(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  metadata: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  for (const h of SESSION_HEADERS) {
    const v = clean(headers[h]);
    if (v) return v;
  }
  if (metadata) {
    for (const k of SESSION_METADATA_KEYS) {
      const v = clean(metadata[k]);
      if (v) return v;
    }
  }
  return undefined;
}
