/**
 * What the Assistants plugin's parts share.
 */
import type { PluginApi } from '@switchyard/core';
import type { RunEvents } from './run/events.js';
import type { RunQueue } from './run/queue.js';
import type { AssistantsRepo } from './repo.js';

/** Shared state of the Assistants plugin (native mode). */
export interface AssistantsDeps {
  api: PluginApi;
  repo: AssistantsRepo;
  /** Live run events, for streaming clients of this process. */
  events: RunEvents;
  /** Where runs wait to be executed. */
  queue: RunQueue;
  /** `openai-poll-after-ms` sent while a run is not finished. */
  pollAfterMs: number;
}
