/**
 * Session tracking and the call log: finds each call's session once, early (before other
 * plugins' `preCall`), puts it on `ctx.sessionId` for everyone to read and echoes it in the
 * response header `x-session-id`; records every call (and its session's totals) in the call
 * log on the `record` hook; serves the sessions API from it. The one owner of `sy_calls` and
 * `sy_sessions`.
 */
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import '@switchyard/store'; // the store service's type
import { CALL_LOG_MIGRATIONS, CALL_LOG_OWNER } from './call-log-schema.js';
import { pruneCallLog, recordCall } from './call-log.js';
import { resolveSessionId } from './resolve.js';
import { sessionRoutes } from './routes.js';

/** Package name, used for every tap. */
export const PLUGIN_NAME = '@switchyard/session-tracker';
const VERSION = '0.1.0';

const OptionsSchema = z
  .object({
    /** Response header that echoes the session id (default `x-session-id`); `false` to send none. */
    header: z.union([z.string().min(1), z.literal(false)]).optional(),
    /** Serve `GET /v1/sessions` and `GET /v1/sessions/{id}` (default true). */
    api: z.boolean().optional(),
    /** Record every call in the call log (default true); `false` keeps only session ids on calls. */
    recordCalls: z.boolean().optional(),
    /** Delete calls older than this many days (and sessions idle that long), at start and hourly (default: keep all). */
    retentionDays: z.number().positive().optional(),
  })
  .strict();

/** Options of the session tracker. */
export type SessionTrackerOptions = z.input<typeof OptionsSchema>;

/** How often the call log is pruned when a retention is set. */
export const PRUNE_INTERVAL_MS = 3_600_000;

/** Stage of the `preCall` tap: before ordinary taps, so they see `ctx.sessionId`. */
export const SESSION_STAGE = -1000;

/**
 * Creates the session tracker plugin (needs a store plugin).
 *
 * @example
 * ```ts
 * createGateway({ plugins: [sqliteStore(), sessionTracker(), mockProvider()] });
 * // client: extra_body={"metadata": {"litellm_session_id": "chat-42"}} or header x-session-id: chat-42
 * // then GET /v1/sessions/chat-42
 * ```
 */
export function sessionTracker(options?: SessionTrackerOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const header = opts.header === undefined ? 'x-session-id' : opts.header;
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    // without a store it still resolves every call's session id (loggers and traces read it)
    optionalDependencies: ['store'],
    async apply(gateway) {
      gateway.hooks.preCall.tapPromise({ name: PLUGIN_NAME, stage: SESSION_STAGE }, async (request, ctx) => {
        const id = await resolveSessionId(request, ctx, gateway.services);
        if (id) {
          ctx.sessionId = id;
          if (header) ctx.responseHeaders[header] = id;
        }
        return undefined;
      });
      const store = gateway.services.store;
      if (!store) {
        if (opts.api === true || opts.recordCalls === true || opts.retentionDays !== undefined) {
          throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME}: the call log and the sessions API need a store plugin (e.g. @switchyard/store-sqlite)`);
        }
        return; // session ids only
      }
      await store.migrate(CALL_LOG_OWNER, CALL_LOG_MIGRATIONS);
      if (opts.recordCalls !== false) {
        const storePrompts = gateway.settings.storePrompts;
        // on `record`: the response's last bytes wait for this commit, so a served call survives a kill -9
        gateway.hooks.record.tapPromise(PLUGIN_NAME, (event) => recordCall(store, event, storePrompts));
      }
      if (opts.retentionDays !== undefined) {
        const days = opts.retentionDays;
        const prune = () => pruneCallLog(store, Date.now() - days * 86_400_000);
        await prune();
        const timer = setInterval(() => gateway.background(prune()), PRUNE_INTERVAL_MS);
        timer.unref();
        gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => clearInterval(timer));
      }

      if (opts.api !== false) {
        for (const route of sessionRoutes(store)) gateway.addRoute(route);
      }
    },
  });
}
