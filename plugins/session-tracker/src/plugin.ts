/**
 * Session tracking: finds each call's session early (before other plugins' `preCall`), puts
 * it on `ctx.sessionId` (the store's call log records it) and echoes it in the response
 * header `x-session-id`; serves the sessions API from the call log.
 */
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
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
  })
  .strict();

/** Options of the session tracker. */
export type SessionTrackerOptions = z.input<typeof OptionsSchema>;

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
    dependencies: ['store'],
    apply(gateway) {
      const store = gateway.services.store;
      if (!store) throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME} needs a store plugin (e.g. @switchyard/store-sqlite)`);
      gateway.hooks.preCall.tapPromise({ name: PLUGIN_NAME, stage: SESSION_STAGE }, async (request, ctx) => {
        const id = await resolveSessionId(request, ctx, gateway.services);
        if (id) {
          ctx.sessionId = id;
          if (header) ctx.responseHeaders[header] = id;
        }
        return undefined;
      });
      if (opts.api !== false) {
        gateway.hooks.routes.tap(PLUGIN_NAME, (routes) => {
          for (const route of sessionRoutes(store)) routes.add(route);
        });
      }
    },
  });
}
