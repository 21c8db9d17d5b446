/**
 * The Files and Batches plugin: files in the store's blobs, batches validated at create time
 * and executed as durable jobs of the store's job queue through the call runner, on any
 * provider.
 */
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { deploymentSlots } from './batches/slots.js';
import type { JobWorker } from '@switchyard/store';
import { BATCH_JOB_KIND, CHUNK_JOB_KIND, batchExecutor, type BatchPayload } from './batches/executor.js';
import { batchRoutes } from './batches/routes.js';
import type { BatchesDeps } from './deps.js';
import { fileRoutes } from './files/routes.js';
import { batchesRepo, BATCHES_MIGRATIONS } from './repo.js';

const PLUGIN_NAME = '@switchyard/batches';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Largest upload in bytes (413 beyond). */
  maxFileBytes: z.number().int().positive().default(512 * 1024 * 1024),
  /** Lines of one chunk run at once. */
  concurrency: z.number().int().min(1).max(1024).default(8),
  /**
   * Lines in flight at once per deployment, across every gateway-executed batch this process
   * runs, keyed by deployment id or public model name (each of its deployments): e.g.
   * `{ 'gpt-4o': 16 }`. Unlisted deployments: no limit beyond `concurrency` per chunk.
   */
  deploymentConcurrency: z.record(z.string().min(1), z.number().int().min(1).max(100_000)).default({}),
  /** Chunks (of any batches) this process runs at once. */
  batchConcurrency: z.number().int().min(1).max(256).default(4),
  /** Request lines per chunk: a batch's chunks are shared by every process on the database. */
  chunkLines: z.number().int().min(1).max(100_000).default(500),
  /** Lease of a claimed batch in ms (a killed process's batch is resumed after this). */
  leaseMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /** How often an idle worker looks for batches queued by other processes, in ms. */
  pollMs: z.number().int().min(10).max(60_000).default(1000),
  /** How long a batch may run before it expires, in seconds (OpenAI's `24h` window; shorter for tests). */
  windowSeconds: z.number().int().min(1).max(7 * 86_400).default(86_400),
  /**
   * `auto`: a batch whose model is served by a deployment that batches natively (OpenAI, Azure,
   * Anthropic Message Batches) is passed through to it; `gateway`: the gateway executes every batch.
   */
  mode: z.enum(['auto', 'gateway']).default('auto'),
  /** How often a native batch is polled at its deployment, in ms (default 60 s). */
  nativePollMs: z.number().int().min(10).max(3_600_000).default(60_000),
  /** Execute batches in this process (false: serve the API only). */
  worker: z.boolean().default(true),
});

/** Options of the Files and Batches plugin. */
export type BatchesOptions = z.input<typeof OptionsSchema>;

/**
 * The Files and Batches APIs.
 *
 * @example
 * ```ts
 * createGateway({ plugins: ['@switchyard/store-sqlite', '@switchyard/batches', '@switchyard/provider-mock'] });
 * ```
 */
export function batches(options?: BatchesOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, BATCHES_MIGRATIONS);
      const limits = opts.deploymentConcurrency;
      const slots = deploymentSlots((d) => limits[d.id] ?? limits[d.name]);
      if (Object.keys(limits).length > 0) {
        gateway.hooks.ready.tapPromise(`${PLUGIN_NAME}:limits`, async () => {
          for (const k of Object.keys(limits)) {
            if (!gateway.models.deployments.some((d) => d.id === k || d.name === k)) {
              throw new GatewayError('GW_ERR_CONFIG_INVALID', `${PLUGIN_NAME}: deploymentConcurrency names '${k}', which is neither a deployment id nor a model name of this gateway.`);
            }
          }
        });
        // only tapped with limits: without them the hook stays untapped and costs calls nothing
        gateway.hooks.candidates.tapPromise(PLUGIN_NAME, async (order, _request, ctx) => (ctx.state.batchLine ? slots.route(order, ctx.state.batchSlot) : order));
      }
      const deps: BatchesDeps = {
        api: gateway,
        store,
        repo: batchesRepo(store),
        maxFileBytes: opts.maxFileBytes,
        concurrency: opts.concurrency,
        windowSeconds: opts.windowSeconds,
        chunkLines: opts.chunkLines,
        pollMs: opts.pollMs,
        slots,
        mode: opts.mode,
        nativePollMs: opts.nativePollMs,
        enqueue: async (batchId, trx) => {
          await store.jobs.enqueue<BatchPayload>(BATCH_JOB_KIND, { batchId }, { key: batchId, trx, maxAttempts: 10 });
        },
        wake: () => store.jobs.wake(BATCH_JOB_KIND),
      };
      for (const route of [...fileRoutes(deps), ...batchRoutes(deps)]) gateway.addRoute(route);
      const workers: JobWorker[] = [];
      if (opts.worker) {
        gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => {
          const { coordinator, chunk } = batchExecutor(deps);
          // every line is written as it ends: on shutdown the jobs go back to the queue at once
          const common = { leaseMs: opts.leaseMs, pollMs: opts.pollMs, shutdown: 'release' as const };
          // coordinators mostly wait on their chunks
          workers.push(store.jobs.work(BATCH_JOB_KIND, coordinator, { ...common, concurrency: 64 }));
          workers.push(store.jobs.work(CHUNK_JOB_KIND, chunk, { ...common, concurrency: opts.batchConcurrency }));
        });
      }
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        await Promise.all(workers.map((w) => w.stop()));
      });
    },
  });
}
