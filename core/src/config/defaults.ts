/**
 * The embedded default and `extends: default`: a config that starts from the default plugins
 * and adds its own.
 */
import type { GatewayPlugin } from '../plugin-loader.js';
import type { PluginSpec } from './schema.js';

/**
 * The default plugins: the SQLite store (one file under `dataDir`, kept across restarts: every
 * call is recorded there), session tracking with the sessions API, the Responses API with the
 * Conversations API, cost
 * tracking with the spend API, the mock provider (deterministic models, no keys) and the OpenAI
 * provider (`openai/<model>` once `OPENAI_API_KEY` is set), and the web console at `/ui`.
 *
 * @example
 * ```ts
 * const gateway = await createGateway({ plugins: [...DEFAULT_PLUGINS] });
 * ```
 */
export const DEFAULT_PLUGINS: readonly PluginSpec[] = [
  '@switchyard/store-sqlite',
  '@switchyard/session-tracker',
  '@switchyard/responses',
  '@switchyard/embeddings',
  '@switchyard/conversations',
  '@switchyard/cost-tracker',
  '@switchyard/provider-mock',
  '@switchyard/provider-openai',
  '@switchyard/console',
];

/**
 * The default plugins with the config's own added: a plugin of the config replaces the default
 * plugin of the same name (so it can be given options), and one that provides a capability a
 * default plugin provides (a store) replaces that one.
 *
 * @example
 * ```ts
 * withDefaults(await resolvePlugins(DEFAULT_PLUGINS), await resolvePlugins(cfg.plugins ?? []));
 * ```
 */
export function withDefaults(defaults: readonly GatewayPlugin[], own: readonly GatewayPlugin[]): GatewayPlugin[] {
  const names = new Set(own.map((p) => p.name));
  const provided = new Set(own.flatMap((p) => p.provides ?? []));
  const kept = defaults.filter((d) => !names.has(d.name) && !(d.provides ?? []).some((c) => provided.has(c)));
  return [...kept, ...own];
}

/**
 * A config read from a file: one that lists no `plugins` (and says nothing about `extends`)
 * extends the default, as a LiteLLM-style file with only `models:` expects.
 *
 * @example
 * ```ts
 * fileConfig({ models: [{ name: 'gpt-4o', provider: 'openai' }] }); // { extends: 'default', models: [...] }
 * ```
 */
export function fileConfig(config: unknown): unknown {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
  const c = config as Record<string, unknown>;
  return c.plugins === undefined && c.extends === undefined ? { extends: 'default', ...c } : config;
}
