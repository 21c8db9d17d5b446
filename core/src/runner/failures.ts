/**
 * What a failed attempt means for the router: whether another attempt may help, whether the
 * upstream said the prompt is too long, and how long the upstream asked to wait.
 */
import type { GatewayError } from '../errors.js';

const CONTEXT_WINDOW = /context[_ ]length|context window|prompt is too long|maximum context|input is too long|too many (input )?tokens|exceeds? the (maximum|model'?s?) (context|input)/i;

/**
 * Whether the upstream refused the prompt as too long for the model's context window.
 *
 * @example
 * ```ts
 * if (isContextWindowError(err)) tryContextWindowFallbacks();
 * ```
 */
export function isContextWindowError(err: GatewayError): boolean {
  if (err.status !== 400 && err.status !== 413) return false;
  return err.publicCode === 'context_length_exceeded' || CONTEXT_WINDOW.test(err.message);
}

/**
 * Whether the failure is the deployment's, not the request's: another attempt (on another
 * deployment, or after a pause) may succeed. Rate limits, overloads, server errors,
 * timeouts, refused or reset connections, and upstream auth or not-found errors (the
 * gateway's key or deployment name is wrong, not the client's request).
 *
 * @example
 * ```ts
 * if (isRetryable(err) && attempts < max) continue;
 * ```
 */
export function isRetryable(err: GatewayError): boolean {
  if (err.status === 499) return false; // the client left
  if (err.code === 'GW_ERR_PROVIDER_CONNECTION' || err.code === 'GW_ERR_PROVIDER_TIMEOUT') return true;
  if (err.code !== 'GW_ERR_PROVIDER_UPSTREAM') return err.publicCode === 'provider_api_key_missing';
  const s = err.status;
  return s === 401 || s === 403 || s === 404 || s === 408 || s === 409 || s === 429 || s >= 500;
}

/**
 * The wait the upstream asked for (`retry-after-ms`, `retry-after` in seconds or as a date),
 * in ms, or undefined.
 *
 * @example
 * ```ts
 * retryAfterMs(err); // 2000 for "retry-after: 2"
 * ```
 */
export function retryAfterMs(err: GatewayError, now = Date.now()): number | undefined {
  const ms = Number(err.headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0 && err.headers['retry-after-ms'] !== undefined) return ms;
  const raw = err.headers['retry-after'];
  if (raw === undefined) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
