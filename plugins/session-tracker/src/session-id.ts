/**
 * Where a call's session id comes from: one rule, applied once per call by the session
 * tracker (everyone else reads `ctx.sessionId`), covering every form LiteLLM accepts:
 * 1. header `x-session-id`, then `x-litellm-session-id`;
 * 2. the body's top level: `session_id`, then `litellm_session_id` (`extra_body=...`);
 * 3. `metadata.session_id`, then `metadata.litellm_session_id`;
 * 4. `litellm_metadata.session_id`, then `litellm_metadata.litellm_session_id`.
 *
 * An id is 1–256 characters with no control characters; anything else is a 400 naming where
 * it came from, before the model is called (ids outside Latin-1 are fine: the response
 * header carries them percent-encoded).
 */
import { GatewayError } from '@switchyard/core';

/** Headers that carry a session id, in order of precedence. */
export const SESSION_HEADERS = ['x-session-id', 'x-litellm-session-id'] as const;
/** Keys that carry a session id, in order of precedence, at each level of the body. */
export const SESSION_METADATA_KEYS = ['session_id', 'litellm_session_id'] as const;
/** Body objects searched for a session id after the top level, in order. */
export const SESSION_METADATA_FIELDS = ['metadata', 'litellm_metadata'] as const;

/** The longest session id accepted. */
export const MAX_SESSION_ID_LENGTH = 256;

// C0, DEL and C1 controls: they cannot travel in a header and break every log line
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const clean = (v: unknown, param: string): string | undefined => {
  if (Array.isArray(v)) v = v[0];
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s.length === 0) return undefined;
  if (s.length > MAX_SESSION_ID_LENGTH || CONTROL.test(s)) {
    throw new GatewayError(
      'GW_ERR_INVALID_REQUEST',
      `${param} must be 1 to ${MAX_SESSION_ID_LENGTH} characters with no control characters`,
      { param, publicCode: 'invalid_session_id' },
    );
  }
  return s;
};

function fromObject(o: unknown, prefix: string): string | undefined {
  if (!o || typeof o !== 'object') return undefined;
  for (const k of SESSION_METADATA_KEYS) {
    const v = clean((o as Record<string, unknown>)[k], prefix + k);
    if (v) return v;
  }
  return undefined;
}

/**
 * The explicit session id of a call, or undefined when it names none (never a random id).
 * `body` is the request body (or just a metadata object: its `session_id` /
 * `litellm_session_id` are read the same way).
 *
 * @example
 * ```ts
 * sessionIdFrom({ 'x-session-id': 'a' }, { litellm_session_id: 'b' }); // 'a'
 * sessionIdFrom({}, { litellm_session_id: 'b' }); // 'b' (top level, or a metadata object)
 * sessionIdFrom({}, { metadata: { session_id: 'c' } }); // 'c'
 * sessionIdFrom({}, { litellm_metadata: { session_id: 'd' } }); // 'd'
 * ```
 */
export function sessionIdFrom(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  for (const h of SESSION_HEADERS) {
    const v = clean(headers[h], h);
    if (v) return v;
  }
  if (!body) return undefined;
  return fromObject(body, '') ?? fromObject(body.metadata, 'metadata.') ?? fromObject(body.litellm_metadata, 'litellm_metadata.');
}
