/**
 * Keeping secrets out of what upstreams say: an upstream that echoes the gateway's API key
 * (or the client's) in an error message must not hand it to the client, the call log, the
 * loggers or the traces. Errors are scrubbed once, where an attempt fails, so every reader
 * downstream sees the clean text.
 */
import { GatewayError } from '../errors.js';
import type { CallContext, Deployment } from '../types/index.js';

/** Shapes of well-known credentials, redacted even when the gateway does not know the value. */
const KNOWN_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic (sk-ant-...), LiteLLM virtual keys
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bya29\.[0-9A-Za-z._-]{20,}/g, // Google OAuth access tokens
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi,
];
/** Credentials in URLs and echoed headers, whatever their shape: the name stays, the value goes. */
const NAMED_SECRETS = [
  /([?&](?:key|api[-_]?key|access_token|token|sig|signature|code)=)[^&#\s"'<>]+/gi, // ?key=… (Gemini), SAS signatures
  /(\b(?:x-api-key|api-key|x-goog-api-key|authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:Bearer|Basic)\s+)(?!\[redacted\])[^\s"',;}]{6,}/gi,
  /(\b(?:x-api-key|api-key|x-goog-api-key|authorization|proxy-authorization)["']?\s*[:=]\s*["']?)(?!\[redacted\]|(?:Bearer|Basic)\s)[^\s"',;}]{6,}/gi,
  /(\/\/[^/\s:@]+:)[^@\s/]+(@)/g, // user:password@host
];
const SECRET_OPTION = /key|secret|token|password|credential/i;
const REDACTED = '[redacted]';

/** The secrets of a deployment: its API key and any option that looks like a credential. */
function secretsOf(deployment: Deployment | undefined, ctx: CallContext | undefined): string[] {
  const out: string[] = [];
  if (deployment?.apiKey) out.push(deployment.apiKey);
  if (deployment) {
    for (const [k, v] of Object.entries(deployment.options)) if (typeof v === 'string' && v.length >= 8 && SECRET_OPTION.test(k)) out.push(v);
  }
  const auth = ctx?.headers.authorization;
  if (typeof auth === 'string') {
    const token = auth.replace(/^Bearer\s+/i, '');
    if (token.length >= 8) out.push(token);
  }
  for (const h of ['api-key', 'x-api-key', 'x-goog-api-key']) {
    const v = ctx?.headers[h];
    if (typeof v === 'string' && v.length >= 8) out.push(v);
  }
  return out;
}

/**
 * `text` with each of `secrets` and every well-known credential shape replaced by `[redacted]`.
 *
 * @example
 * ```ts
 * redactSecrets('bad key sk-abcdefghijklmnopqrstuvwx', []); // 'bad key [redacted]'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
  for (const shape of KNOWN_SHAPES) out = out.replace(shape, REDACTED);
  for (const named of NAMED_SECRETS) out = out.replace(named, (_m, name: string, tail?: string) => `${name}${REDACTED}${typeof tail === 'string' ? tail : ''}`);
  return out;
}

/**
 * The error of a failed attempt with any secret removed from its message (the same error
 * when there was nothing to remove).
 *
 * @example
 * ```ts
 * catch (err) { throw scrubError(toGatewayError(err), deployment, ctx); }
 * ```
 */
export function scrubError(err: GatewayError, deployment: Deployment | undefined, ctx: CallContext | undefined): GatewayError {
  const clean = redactSecrets(err.message, secretsOf(deployment, ctx));
  if (clean === err.message) return err;
  const copy = new GatewayError(err.code, clean, {
    status: err.status,
    type: err.type,
    param: err.param,
    publicCode: err.publicCode,
    expose: err.expose,
    headers: err.headers,
  });
  return copy;
}
