/**
 * The Assistants API plugin: assistants, threads, messages, runs and run steps in the
 * gateway's store, runs executed through the call runner on any provider (a thread is a
 * session); or, with `passthrough`, the whole API sent to an OpenAI or Azure deployment.
 */
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { passthroughRoutes } from './passthrough/routes.js';
import { deploymentTargets, endpointTarget, type Target } from './passthrough/target.js';
import type { AssistantsDeps } from './deps.js';
import { assistantsRepo, ASSISTANTS_MIGRATIONS } from './repo.js';
import { assistantRoutes } from './routes/assistants.js';
import { runRoutes } from './routes/runs.js';
import { threadRoutes } from './routes/threads.js';
import { runExecutor } from './run/executor.js';
import { RunEvents } from './run/events.js';
import { endRun } from './run/finish.js';
import { jobRunQueue } from './run/job-queue.js';

const PLUGIN_NAME = '@switchyard/assistants';
const VERSION = '0.1.0';

const Endpoint = z.strictObject({
  provider: z.enum(['openai', 'azure']).default('openai'),
  apiKey: z.string().min(1).optional(),
  apiBase: z.string().min(1).optional(),
  apiVersion: z.string().min(1).optional(),
  organization: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const OptionsSchema = z.strictObject({
  /**
   * Send the whole Assistants API to OpenAI or Azure instead of running it natively: an
   * endpoint (LiteLLM's `assistant_settings`), or the name of a model whose OpenAI/Azure
   * deployments serve it (`"gpt-4o"` or `{ deployment: "gpt-4o" }`).
   */
  passthrough: z.union([z.string().min(1), z.strictObject({ deployment: z.string().min(1) }), Endpoint]).optional(),
  /** `openai-poll-after-ms` sent with unfinished runs (how often the SDK's poll helpers ask again). */
  pollAfterMs: z.number().int().min(1).max(60_000).default(250),
  /** Most runs this process executes at once. */
  concurrency: z.number().int().min(1).max(1024).default(16),
  /** How long a claimed run is held without a heartbeat (a killed process's runs are resumed after this), in ms. */
  leaseMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /** How often an idle worker looks for runs queued by other processes, in ms. */
  pollMs: z.number().int().min(10).max(60_000).default(1000),
  /** Execute runs in this process (false: this gateway only serves the API; other processes on its database run them). */
  worker: z.boolean().default(true),
});

/** Options of the Assistants plugin. */
export type AssistantsOptions = z.input<typeof OptionsSchema>;

/**
 * The Assistants API.
 *
 * @example
 * ```ts
 * createGateway({ plugins: ['@switchyard/store-sqlite', '@switchyard/session-tracker', '@switchyard/assistants', '@switchyard/provider-mock'] });
 * ```
 */
export function assistants(options?: AssistantsOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, ASSISTANTS_MIGRATIONS);
      const repo = assistantsRepo(store);
      const pt = opts.passthrough;
      if (pt !== undefined) {
        let targets: readonly Target[] | undefined;
        const model = typeof pt === 'string' ? pt : 'deployment' in pt ? pt.deployment : undefined;
        if (model === undefined) targets = [endpointTarget(pt as z.output<typeof Endpoint>, 'passthrough')];
        // a model's deployments are known once every plugin is applied
        else gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => void (targets = deploymentTargets(gateway, model)));
        const ready = () => {
          if (!targets) throw new GatewayError('GW_ERR_INTERNAL', `${PLUGIN_NAME} served a request before the gateway was ready`);
          return targets;
        };
        for (const route of passthroughRoutes({ repo, targets: ready })) gateway.addRoute(route);
        return;
      }
      const queue = jobRunQueue(store.jobs, {
        concurrency: opts.concurrency,
        leaseMs: opts.leaseMs,
        pollMs: opts.pollMs,
        onGiveUp: async (runId, err) => {
          gateway.diagnostics.error(`run ${runId} failed: its job used up its attempts`, err);
          await endRun(deps, runId, { status: 'failed', error: { code: 'server_error', message: 'The run could not be executed (the gateway failed to store its progress).' } }, { from: ['queued', 'in_progress', 'cancelling'] });
        },
      });
      const deps: AssistantsDeps = { api: gateway, repo, events: new RunEvents(), queue, pollAfterMs: opts.pollAfterMs };
      // runs first: `POST /v1/threads/runs` before the thread routes' `/v1/threads/:thread_id`
      for (const route of [...runRoutes(deps), ...assistantRoutes(deps), ...threadRoutes(deps)]) gateway.addRoute(route);
      if (opts.worker) {
        gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => {
          queue.start(runExecutor(deps));
        });
      }
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        // runs still executing go back to the queue (resumed by the next process)
        await queue.stop();
        deps.events.end();
      });
    },
  });
}
