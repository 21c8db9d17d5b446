/**
 * What the routes and the executor share.
 */
import type { PluginApi } from '@switchyard/core';
import type { AnyKysely, Store } from '@switchyard/store';
import type { DeploymentSlots } from './batches/slots.js';
import type { BatchesRepo } from './repo.js';

/** The plugin's environment. */
export interface BatchesDeps {
  api: PluginApi;
  store: Store;
  repo: BatchesRepo;
  /** Largest upload in bytes. */
  maxFileBytes: number;
  /** Seconds from creation to expiry. */
  windowSeconds: number;
  /** Request lines per chunk job (chunks of one batch run in any process on the database). */
  chunkLines: number;
  /** How often a batch's coordinator looks whether its chunks ended, in ms. */
  pollMs: number;
  /** `auto`: a batch whose model is on a deployment that batches natively runs there; `gateway`: every batch runs here. */
  mode: 'auto' | 'gateway';
  /** How often a native batch is polled upstream, in ms. */
  nativePollMs: number;
  /** Lines of one chunk run at once. */
  concurrency: number;
  /** Per-deployment limits on lines in flight (of every batch this process runs). */
  slots: DeploymentSlots;
  /** Queues a batch's job (in the transaction that creates it). */
  enqueue(batchId: string, trx: AnyKysely): Promise<void>;
  /** Wakes this process's workers (after the commit). */
  wake(): void;
}
