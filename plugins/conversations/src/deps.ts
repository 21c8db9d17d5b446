/**
 * What the Conversations plugin's parts share.
 */
import type { Diagnostics, PluginApi } from '@switchyard/core';
import type { ConversationsRepo } from './repo.js';

/** Shared state of the Conversations plugin. */
export interface ConversationsDeps {
  api: PluginApi;
  repo: ConversationsRepo;
  diagnostics: Diagnostics;
  /** Deployments whose upstream turned out to have no Conversations API (their turns get the history as input). */
  noNativeApi: Set<string>;
}
