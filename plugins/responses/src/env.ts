/**
 * What the Responses handlers share.
 */
import type { PluginApi } from '@switchyard/core';
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

/** Ownership of stored responses follows the store's rule (key, else user, else team, else anonymous). */
export { ownerOf } from '@switchyard/core';
