/**
 * Keys, users and teams as calls read them: from the store, reused for `cacheTtlMs`, dropped
 * at once when this process changes them.
 */
import type { AuthRepo } from './repo.js';
import type { KeyRecord, TeamRecord, UserRecord } from './records.js';

const MAX_ENTRIES = 10_000;

/** A small TTL cache (oldest entries dropped past {@link MAX_ENTRIES}). */
class TtlCache<V> {
  readonly #map = new Map<string, { value: V | undefined; at: number }>();
  constructor(private readonly ttlMs: number) {}
  async get(id: string, load: (id: string) => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.#map.get(id);
    const t = Date.now();
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    const value = await load(id);
    // unknown ids are not kept: a flood of bad keys must not fill memory
    if (value !== undefined && this.ttlMs > 0) {
      if (this.#map.size >= MAX_ENTRIES) this.#map.delete(this.#map.keys().next().value!);
      this.#map.set(id, { value, at: t });
    }
    return value;
  }
  delete(id: string): void {
    this.#map.delete(id);
  }
  clear(): void {
    this.#map.clear();
  }
}

/**
 * Cached lookups.
 *
 * @example
 * ```ts
 * const dir = directory(repo, 1000);
 * const key = await dir.keyByHash(hashKey(presented));
 * dir.forgetKey(key); // after this process changed it
 * ```
 */
export function directory(repo: AuthRepo, ttlMs: number) {
  const byHash = new TtlCache<KeyRecord>(ttlMs);
  const byId = new TtlCache<KeyRecord>(ttlMs);
  const users = new TtlCache<UserRecord>(ttlMs);
  const teams = new TtlCache<TeamRecord>(ttlMs);
  return {
    keyByHash: (hash: string) => byHash.get(hash, (h) => repo.keyByHash(h)),
    keyById: (id: string) => byId.get(id, (i) => repo.keyById(i)),
    user: (id: string) => users.get(id, (i) => repo.user(i)),
    team: (id: string) => teams.get(id, (i) => repo.team(i)),
    forgetKey(k: Pick<KeyRecord, 'id' | 'hash'>): void {
      byHash.delete(k.hash);
      byId.delete(k.id);
    },
    forgetUser: (id: string) => users.delete(id),
    forgetTeam: (id: string) => teams.delete(id),
    /** Drops everything (a bulk change such as deleting a team with its keys). */
    clear(): void {
      byHash.clear();
      byId.clear();
      users.clear();
      teams.clear();
    },
  };
}

/** The directory type. */
export type Directory = ReturnType<typeof directory>;
