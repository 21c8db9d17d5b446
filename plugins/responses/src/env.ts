/**
 * What the Responses handlers share.
 */
import type { PluginApi, Principal } from '@switchyard/core';
import type { ResponseIds } from './ids.js';
import type { ResponsesRepo } from './repo.js';

/** Shared state of the Responses plugin. */
export interface ResponsesEnv {
  api: PluginApi;
  repo: ResponsesRepo;
  ids: ResponseIds;
  /** Background runs in this process, by response id, to cancel them. */
  running: Map<string, AbortController>;
}

/**
 * The owner a stored response belongs to: the caller's key ('' when anonymous).
 *
 * @example
 * ```ts
 * ownerOf({ keyId: 'key_1' }); // 'key_1'
 * ```
 */
export function ownerOf(principal: Principal): string {
  return principal.keyId ?? '';
}
