/**
 * The store-related services and per-call state, added to the core's extension points by
 * declaration merging.
 */
import type { Principal } from '../types.js';
import type { Store } from './types.js';

/**
 * Finds the session of a stored response, for calls that continue it with
 * `previous_response_id`. Offered by the plugin that stores responses; `undefined` when the
 * response is unknown or owned by someone else.
 *
 * @example
 * ```ts
 * gateway.services.sessionOfResponse = async (id, principal) => (await repo.get(id, ownerOf(principal)))?.sessionId ?? undefined;
 * ```
 */
export type SessionOfResponse = (responseId: string, principal: Principal) => Promise<string | undefined>;

declare module '../plugin-api.js' {
  interface GatewayServices {
    /** The database, offered by a store plugin (`provides: ['store']`). */
    store?: Store;
    /** Session lookup by response id (see {@link SessionOfResponse}). */
    sessionOfResponse?: SessionOfResponse;
  }
}

declare module '../types.js' {
  interface GatewayState {
    /**
     * Per-call override of the gateway's `storePrompts` setting (e.g. set by a key plugin
     * for keys that opted in or out).
     */
    storePrompts?: boolean;
  }
}
