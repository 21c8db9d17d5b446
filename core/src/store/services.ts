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

/** Which spend a {@link SpendTotals} query sums: any of key, user, team, from a time on. */
export interface SpendScope {
  key?: string;
  user?: string;
  team?: string;
  /** Epoch ms, inclusive. */
  from?: number;
}

/**
 * Spend recorded so far in USD (committed and still queued), for budget checks by plugins
 * other than the one that records spend.
 *
 * @example
 * ```ts
 * const spent = await gateway.services.spend!.total({ key: 'key_1', from: periodStart });
 * ```
 */
export interface SpendTotals {
  total(scope: SpendScope): Promise<number>;
}

/**
 * A 32-byte key for `purpose`, derived (HKDF) from secret material the gateway was configured
 * with (e.g. an auth plugin's master key), so plugins need not store secrets of their own.
 *
 * @example
 * ```ts
 * const key = gateway.services.deriveSecret?.('responses-ids');
 * ```
 */
export type DeriveSecret = (purpose: string) => Buffer;

declare module '../plugin-api.js' {
  interface GatewayServices {
    /** The database, offered by a store plugin (`provides: ['store']`). */
    store?: Store;
    /** Session lookup by response id (see {@link SessionOfResponse}). */
    sessionOfResponse?: SessionOfResponse;
    /** Spend totals, offered by a cost plugin (see {@link SpendTotals}). */
    spend?: SpendTotals;
    /** Keys derived from configured secret material, offered by an auth plugin (see {@link DeriveSecret}). */
    deriveSecret?: DeriveSecret;
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
