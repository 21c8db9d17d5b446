/**
 * Known API paths the gateway may not serve, for 404s that say why: which plugin serves a
 * path (when it is not loaded), or that an OpenAI API is not supported yet.
 */

/**
 * A known API: its path below `/v1` (or at the root), its name, and the plugin serving it (null: none yet).
 *
 * @example
 * ```ts
 * const unsupported = KNOWN_APIS.filter((a: KnownApi) => a.plugin === null).map((a) => a.name); // ['legacy completions', 'images', ...]
 * ```
 */
export interface KnownApi {
  path: string;
  name: string;
  plugin: string | null;
}

/**
 * Known paths and who serves them. Models and health are the core's own, chat completions the
 * built-in `@switchyard/chat`'s.
 *
 * @example
 * ```ts
 * KNOWN_APIS.find((a) => a.path === '/responses')?.plugin; // '@switchyard/responses'
 * ```
 */
export const KNOWN_APIS: readonly KnownApi[] = [
  { path: '/responses', name: 'Responses', plugin: '@switchyard/responses' },
  { path: '/conversations', name: 'Conversations', plugin: '@switchyard/conversations' },
  { path: '/sessions', name: 'sessions', plugin: '@switchyard/session-tracker' },
  { path: '/spend', name: 'spend', plugin: '@switchyard/cost-tracker' },
  { path: '/ui', name: 'web console', plugin: '@switchyard/console' },
  { path: '/console', name: 'web console', plugin: '@switchyard/console' },
  { path: '/completions', name: 'legacy completions', plugin: null },
  { path: '/embeddings', name: 'embeddings', plugin: '@switchyard/embeddings' },
  { path: '/images', name: 'images', plugin: null },
  { path: '/audio', name: 'audio', plugin: null },
  { path: '/files', name: 'Files', plugin: '@switchyard/batches' },
  { path: '/uploads', name: 'uploads', plugin: null },
  { path: '/batches', name: 'Batches', plugin: '@switchyard/batches' },
  { path: '/fine_tuning', name: 'fine-tuning', plugin: null },
  { path: '/moderations', name: 'moderations', plugin: null },
  { path: '/assistants', name: 'Assistants', plugin: '@switchyard/assistants' },
  { path: '/threads', name: 'Assistants', plugin: '@switchyard/assistants' },
  { path: '/vector_stores', name: 'vector stores', plugin: null },
  { path: '/realtime', name: 'realtime', plugin: null },
  { path: '/evals', name: 'evals', plugin: null },
  { path: '/containers', name: 'containers', plugin: null },
  { path: '/videos', name: 'videos', plugin: null },
  { path: '/chat/completions', name: 'stored chat completions', plugin: null },
  { path: '/organization', name: 'administration', plugin: null },
];

/**
 * Why a request to an unserved URL got a 404, when its path is a known one; undefined otherwise.
 *
 * @example
 * ```ts
 * unservedReason('POST', '/v1/images/generations', []); // 'POST /v1/images/generations: Switchyard does not serve the OpenAI images API yet.'
 * ```
 */
export function unservedReason(method: string, url: string, loadedPlugins: readonly string[]): string | undefined {
  const full = url.split('?')[0]!;
  const path = full.startsWith('/v1/') ? full.slice(3) : full;
  const api = KNOWN_APIS.find((a) => path === a.path || path.startsWith(`${a.path}/`));
  if (!api) return undefined;
  if (api.plugin === null) return `${method} ${full}: Switchyard does not serve the OpenAI ${api.name} API yet.`;
  if (loadedPlugins.includes(api.plugin)) return undefined; // served: this path under it is unknown
  return `${method} ${full}: the ${api.name} API is served by the plugin ${api.plugin}, which is not loaded; add "${api.plugin}" to plugins in the config.`;
}
