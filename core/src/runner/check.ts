/**
 * The 502 every codec raises for an upstream answer that is not what was asked for (the
 * chat checks are `@switchyard/chat-wire`'s): never a 200 that the client and the call log
 * would take for an answer.
 */
import { GatewayError } from '../errors.js';

/**
 * A 502 for an upstream answer that is not what was asked for.
 *
 * @example
 * ```ts
 * if (!Array.isArray(body.data)) throw invalidAnswer('acme', 'answered without a data list');
 * // 502 "The acme upstream answered without a data list." (code upstream_invalid_response)
 * ```
 */
export function invalidAnswer(provider: string, what: string, code = 'upstream_invalid_response'): GatewayError {
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ${what}.`, { publicCode: code, expose: true });
}
