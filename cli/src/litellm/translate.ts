/**
 * A LiteLLM proxy `config.yaml` as an explicit, complete Switchyard config (the embedded default
 * plugins, the provider plugins its models use, and what its settings switch on), with one
 * warning line per setting that is not supported.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { DEFAULT_PLUGINS } from '@switchyard/core';
import type { PluginSpec, SwitchyardConfig } from '@switchyard/core';
import { LITELLM_KEYS } from './detect.js';
import { translateModels } from './models.js';
import { Notes } from './notes.js';
import { dropFallbacksTo, translateRouter } from './router.js';
import { assistantSettings, environmentOf, generalSettings, litellmSettings, type PluginPlan, type TopLevel } from './settings.js';
import { bool, record, text, type Ctx } from './values.js';

/** A translated LiteLLM config. */
export interface LiteLLMTranslation {
  /** The Switchyard config (`extends: none`, every plugin listed; `os.environ/VAR` references kept). */
  config: SwitchyardConfig;
  /** One line per setting that is not supported. */
  warnings: string[];
  /** `environment_variables`, to set in the process environment before the gateway is built. */
  environment: Record<string, string>;
}

/** Options of {@link translateLiteLLMConfig}. */
export interface TranslateOptions {
  /** Environment for references that must be read now (numbers, the master key); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Folder the config file is in (plugins installed beside it count as installed). */
  fromDir?: string;
  /** Whether a plugin package is installed (default: resolvable from the core or `fromDir`). */
  isInstalled?: (pkg: string) => boolean;
}

function installedFrom(fromDir: string | undefined): (pkg: string) => boolean {
  const requires = [createRequire(import.meta.url), ...(fromDir ? [createRequire(path.join(fromDir, 'noop.js'))] : [])];
  return (pkg) =>
    requires.some((r) => {
      try {
        r.resolve(`${pkg}/package.json`);
        return true;
      } catch (err) {
        // the package is there, it just does not export its package.json
        return (err as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
      }
    });
}

function section(c: Record<string, unknown>, key: string, notes: Notes): Record<string, unknown> {
  const v = c[key];
  if (v === undefined || v === null) return {};
  const r = record(v);
  if (!r) notes.setting(key, 'expected a map of settings; ignored');
  return r ?? {};
}

/** model_group_alias: the group's deployments, served under the alias too. */
function aliases(models: Array<Record<string, unknown>>, v: unknown, ctx: Ctx): void {
  const map = record(v);
  if (v !== undefined && v !== null && !map) ctx.notes.setting('router_settings.model_group_alias', 'expected a map of alias to model group; ignored');
  for (const [alias, target] of Object.entries(map ?? {})) {
    const group = text(record(target)?.model ?? target, `router_settings.model_group_alias.${alias}`, ctx);
    const copies = models.filter((m) => m.name === group).map((m) => ({ ...m, name: alias, ...(m.id ? { id: `${String(m.id)}@${alias}` } : {}) }));
    if (copies.length === 0) ctx.notes.setting(`router_settings.model_group_alias.${alias}`, `no model "${group}" in model_list; ignored`);
    models.push(...copies);
  }
}

const specName = (p: PluginSpec) => (typeof p === 'string' ? p : Array.isArray(p) ? p[0] : p.name);
const specOptions = (p: PluginSpec) => (Array.isArray(p) ? p[1] : undefined);

/**
 * Translates a LiteLLM proxy config (as read from its YAML).
 *
 * @example
 * ```ts
 * const { config, warnings } = translateLiteLLMConfig(parseConfigYaml(readFileSync('config.yaml', 'utf8')));
 * const gateway = await createGateway(config);
 * ```
 */
export function translateLiteLLMConfig(raw: unknown, options: TranslateOptions = {}): LiteLLMTranslation {
  const c = record(raw) ?? {};
  const notes = new Notes();
  const environment = environmentOf(c.environment_variables, notes);
  // the file's environment_variables are set over the process's, as LiteLLM sets them
  const ctx: Ctx = { notes, env: { ...(options.env ?? process.env), ...environment } };
  const installed = options.isInstalled ?? installedFrom(options.fromDir);
  const rs = section(c, 'router_settings', notes);
  const ls = section(c, 'litellm_settings', notes);
  const gs = section(c, 'general_settings', notes);
  const as = section(c, 'assistant_settings', notes);

  const defaults = record(rs.default_litellm_params) ?? {};
  if (rs.default_litellm_params !== undefined && !record(rs.default_litellm_params)) notes.setting('router_settings.default_litellm_params', 'expected a map; ignored');
  const models = translateModels(c.model_list, defaults, ctx);
  aliases(models.models, rs.model_group_alias, ctx);
  const { router, checks, usageBased } = translateRouter(rs, ls, ctx);
  dropFallbacksTo(router, models.dropped, ctx);

  const plugins: PluginPlan = new Map(DEFAULT_PLUGINS.map((p) => [specName(p), specOptions(p)]));
  for (const [pkg, opts] of models.plugins) plugins.set(pkg, opts ?? plugins.get(pkg));
  const top: TopLevel = {};
  litellmSettings(ls, plugins, top, ctx);
  generalSettings(gs, plugins, top, ctx);
  assistantSettings(as, plugins, installed, ctx);
  if (usageBased && !checks.includes('rate-limits')) {
    if (installed('@switchyard/deployment-checks')) checks.push('rate-limits');
    else notes.setting('router_settings.routing_strategy', 'LiteLLM skips deployments over their rpm/tpm; that needs @switchyard/deployment-checks (not installed), so they are only tried last');
  }
  if (checks.length) plugins.set('@switchyard/deployment-checks', { checks });
  if (bool(rs.set_verbose, 'router_settings.set_verbose', ctx) || rs.debug_level === 'DEBUG') top.logLevel = 'debug';
  for (const k of Object.keys(c)) if (!LITELLM_KEYS.includes(k)) notes.setting(k, k === 'include' ? 'including other files is not supported; put their model_list here' : 'not a LiteLLM config key; ignored');

  const config: SwitchyardConfig = {
    extends: 'none',
    plugins: [...plugins].map(([name, opts]): PluginSpec => (opts ? [name, opts] : name)),
    models: models.models as SwitchyardConfig['models'],
    ...(Object.keys(router).length ? { router } : {}),
    ...top,
  };
  return { config, warnings: notes.lines(), environment };
}
