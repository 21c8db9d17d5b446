/**
 * What the routes and the executor share.
 */
import type { PluginApi } from '@switchyard/core';
import type { Store } from '@switchyard/store';
import type { BatchesRepo } from './repo.js';

/** The plugin's environment. */
export interface BatchesEnv {
  api: PluginApi;
  store: Store;
  repo: BatchesRepo;
  /** Largest upload in bytes. */
  maxFileBytes: number;
  /** Lines of one batch run at once. */
  concurrency: number;
  /** Wakes the executor after a batch is created. */
  enqueue(batchId: string): Promise<void>;
}
