/**
 * Services plugins offer each other through the core (never by importing each other), with
 * their contracts; added to `GatewayServices` by declaration merging. Per-call settings that
 * plugins may override live here too.
 */
import type { Principal } from './types/index.js';

/**
 * Finds the session of a stored response, for calls that continue it with
 * `previous_response_id`. Offered by the plugin that stores responses; `undefined` when the
 * response is unknown or owned by someone else.
 *
 * @example
 * ```ts
 * gateway.services.sessionOfResponse = async (id, principal) => (await repo.get(id, ownerScope(principal)))?.sessionId ?? undefined;
 * ```
 */
export type SessionOfResponse = (responseId: string, principal: Principal) => Promise<string | undefined>;

/**
 * Which spend a {@link SpendTotals} query sums: any of key, user, team, from a time on.
 *
 * @example
 * ```ts
 * const scope: SpendScope = { team: 'payments', from: Date.UTC(2025, 0, 1) };
 * const usd = await gateway.service('spend').total(scope);
 * ```
 */
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
  /**
   * Records one spend entry that no call recorded (a whole batch), once: an entry whose `id`
   * is already recorded adds nothing and resolves false.
   */
  record?(entry: SpendEntry): Promise<boolean>;
}

/**
 * A spend entry a plugin records itself (`services.spend.record`), e.g. a batch's cost.
 *
 * @example
 * ```ts
 * await gateway.services.spend?.record?.({ id: `batch:${id}`, sessionId: id, endpoint: '/v1/batches', model: 'gpt-4o', provider: 'openai', deployment: 'd1', keyId: 'key_1', status: 200, inputTokens: 10, outputTokens: 5, cost: 0.001 });
 * ```
 */
export interface SpendEntry {
  /** Unique per entry: recording the same id twice adds it once. */
  id: string;
  sessionId?: string;
  endpoint: string;
  model: string;
  provider: string;
  deployment: string;
  keyId?: string;
  userId?: string;
  teamId?: string;
  status: number;
  inputTokens: number;
  cachedTokens?: number;
  outputTokens: number;
  reasoningTokens?: number;
  /** USD; null when unknown. */
  cost: number | null;
  /** Epoch ms (default now). */
  createdAt?: number;
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
