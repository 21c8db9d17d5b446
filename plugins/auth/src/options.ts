/**
 * Options of the auth plugin.
 */
import { z } from '@switchyard/core';

/** Options schema. */
export const AuthOptionsSchema = z.strictObject({
  /**
   * The master key: an admin for every route, the only caller who manages keys, users and
   * teams. Default `SWITCHYARD_MASTER_KEY`, else `LITELLM_MASTER_KEY` (LiteLLM's
   * `general_settings.master_key` maps here).
   */
  masterKey: z.string().min(8, 'the master key needs at least 8 characters').optional(),
  /**
   * Where rate-limit windows live: `redis` (across processes and machines), `store` (the
   * gateway's database: across processes on PostgreSQL or one SQLite file), `memory` (this
   * process only). Default: `redis` when a Redis URL is set, else `store`.
   */
  limiter: z.enum(['auto', 'redis', 'store', 'memory']).default('auto'),
  /** Redis URL for `limiter: redis` (default `REDIS_URL`), e.g. `redis://127.0.0.1:6379/0`. */
  redisUrl: z.string().min(1).optional(),
  /** Prefix of the limiter's Redis keys (default `switchyard:rl:`). */
  redisPrefix: z.string().min(1).default('switchyard:rl:'),
  /**
   * How long a key, user or team read from the store is reused, in ms (default 1000; 0 reads
   * the store on every call). A change made by another process takes effect there within it;
   * in this process at once.
   */
  cacheTtlMs: z.number().int().min(0).max(3_600_000).default(1000),
  /** The clock (epoch ms) of rate-limit windows and budget periods; for tests. */
  now: z.custom<() => number>((v) => typeof v === 'function', 'a function returning epoch milliseconds').optional(),
});

/** Options as written in a config. */
export type AuthOptions = z.input<typeof AuthOptionsSchema>;
/** Parsed options. */
export type ParsedAuthOptions = z.output<typeof AuthOptionsSchema>;
