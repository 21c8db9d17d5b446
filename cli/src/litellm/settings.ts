/**
 * LiteLLM's `litellm_settings` (other than the router keys), `general_settings`,
 * `assistant_settings` and `environment_variables` to Switchyard plugins and top-level keys.
 */
import type { Notes } from './notes.js';
import { bool, names, num, record, text, type Ctx } from './values.js';

/** Plugins by package name, in order, with their options. */
export type PluginPlan = Map<string, Record<string, unknown> | undefined>;

/** Top-level Switchyard keys the settings set. */
export interface TopLevel {
  storePrompts?: boolean;
  logLevel?: 'debug';
}

const DROP = 'dropping parameters a provider cannot take is not supported: such a parameter is refused with a 400 that names it';
const CACHE = 'response caching is not supported';
const LOGGERS = 'no Switchyard plugin for it; ignored (call logs: @switchyard/logger-file or @switchyard/logger-webhook; traces and metrics: "otel")';

/** litellm_settings keys the router reads. */
const ROUTER_KEYS = new Set(['num_retries', 'request_timeout', 'fallbacks', 'context_window_fallbacks', 'default_fallbacks']);

const LITELLM_UNSUPPORTED: Readonly<Record<string, string>> = {
  json_logs: 'JSON diagnostics are not supported; diagnostics are one line each on stderr',
  cache_params: CACHE,
  service_callbacks: 'service callbacks are not supported',
  content_policy_fallbacks: 'content-policy fallbacks are not supported',
  force_ipv4: 'not supported; ignored',
  modify_params: 'not supported: requests are sent as the client wrote them',
};

/** LiteLLM's budget_duration (`30d`, `12h`, `1mo`) as the cost tracker's period. */
function period(v: string | undefined): string {
  if (v === undefined) return 'total';
  const mo = /^(\d+)\s*mo$/.exec(v.trim());
  if (mo) return mo[1] === '1' ? 'monthly' : `${Number(mo[1]) * 30}d`;
  return v.trim();
}

function callbacks(ls: Record<string, unknown>, plugins: PluginPlan, ctx: Ctx): void {
  const seen = new Set<string>();
  for (const key of ['callbacks', 'success_callback', 'failure_callback']) {
    for (const name of names(ls[key], `litellm_settings.${key}`, ctx)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (name === 'otel') plugins.set('@switchyard/otel', plugins.get('@switchyard/otel'));
      else ctx.notes.setting(`litellm_settings.${key} "${name}"`, LOGGERS);
    }
  }
  // LiteLLM's otel callback reads OTEL_ENDPOINT and OTEL_SERVICE_NAME; the plugin reads the standard variables too
  if (plugins.has('@switchyard/otel') && ctx.env.OTEL_ENDPOINT && !plugins.get('@switchyard/otel')) {
    plugins.set('@switchyard/otel', { endpoint: 'os.environ/OTEL_ENDPOINT' });
  }
}

/**
 * Translates litellm_settings.
 *
 * @example
 * ```ts
 * litellmSettings({ callbacks: ['otel'], set_verbose: true }, plugins, top, ctx);
 * ```
 */
export function litellmSettings(ls: Record<string, unknown>, plugins: PluginPlan, top: TopLevel, ctx: Ctx): void {
  callbacks(ls, plugins, ctx);
  if (bool(ls.set_verbose, 'litellm_settings.set_verbose', ctx)) top.logLevel = 'debug';
  if (bool(ls.drop_params, 'litellm_settings.drop_params', ctx)) ctx.notes.setting('litellm_settings.drop_params', DROP);
  if (bool(ls.cache, 'litellm_settings.cache', ctx)) ctx.notes.setting('litellm_settings.cache', CACHE);
  // Switchyard keeps no prompts unless told to: turning message logging off is the default
  if (bool(ls.turn_off_message_logging, 'litellm_settings.turn_off_message_logging', ctx)) top.storePrompts = false;
  const max = num(ls.max_budget, 'litellm_settings.max_budget', ctx);
  if (max !== undefined) {
    const budget = { scope: 'global', maxBudget: max, period: period(text(ls.budget_duration, 'litellm_settings.budget_duration', ctx)) };
    plugins.set('@switchyard/cost-tracker', { ...plugins.get('@switchyard/cost-tracker'), budgets: [budget] });
  } else if (ls.budget_duration !== undefined) ctx.notes.setting('litellm_settings.budget_duration', 'needs max_budget; ignored');
  const handled = new Set(['callbacks', 'success_callback', 'failure_callback', 'set_verbose', 'drop_params', 'cache', 'turn_off_message_logging', 'max_budget', 'budget_duration']);
  for (const k of Object.keys(ls)) {
    if (handled.has(k) || ROUTER_KEYS.has(k)) continue;
    ctx.notes.setting(`litellm_settings.${k}`, LITELLM_UNSUPPORTED[k] ?? 'not supported; ignored');
  }
}

/**
 * Translates general_settings: the master key (also LiteLLM's `LITELLM_MASTER_KEY`), the database and stored prompts.
 *
 * @example
 * ```ts
 * generalSettings({ master_key: 'os.environ/LITELLM_MASTER_KEY' }, plugins, top, ctx);
 * ```
 */
export function generalSettings(gs: Record<string, unknown>, plugins: PluginPlan, top: TopLevel, ctx: Ctx): void {
  const key = text(gs.master_key, 'general_settings.master_key', ctx) ?? (ctx.env.LITELLM_MASTER_KEY ? 'os.environ/LITELLM_MASTER_KEY' : undefined);
  if (key) plugins.set('@switchyard/auth', { masterKey: key });
  const db = text(gs.database_url, 'general_settings.database_url', ctx);
  if (db) {
    plugins.delete('@switchyard/store-sqlite');
    plugins.set('@switchyard/store-postgres', { connectionString: db });
  }
  const store = bool(gs.store_prompts_in_spend_logs, 'general_settings.store_prompts_in_spend_logs', ctx);
  if (store !== undefined) {
    if (store && top.storePrompts === false) ctx.notes.setting('general_settings.store_prompts_in_spend_logs', 'litellm_settings.turn_off_message_logging wins: prompts are not stored');
    else top.storePrompts = store;
  }
  for (const k of Object.keys(gs)) {
    if (['master_key', 'database_url', 'store_prompts_in_spend_logs'].includes(k)) continue;
    ctx.notes.setting(`general_settings.${k}`, 'not supported; ignored');
  }
}

const ASSISTANT_PROVIDERS: Readonly<Record<string, string>> = { openai: 'openai', azure: 'azure' };

/**
 * Translates assistant_settings to `@switchyard/assistants` pass-through, when that plugin is installed.
 *
 * @example
 * ```ts
 * assistantSettings({ custom_llm_provider: 'azure', litellm_params: { api_key: 'os.environ/AZURE_API_KEY' } }, plugins, () => false, ctx);
 * ```
 */
export function assistantSettings(as: Record<string, unknown>, plugins: PluginPlan, installed: (pkg: string) => boolean, ctx: Ctx): void {
  if (Object.keys(as).length === 0) return;
  if (!installed('@switchyard/assistants')) {
    ctx.notes.setting('assistant_settings', 'the Assistants API is not served yet (@switchyard/assistants is not installed); ignored');
    return;
  }
  const llm = text(as.custom_llm_provider, 'assistant_settings.custom_llm_provider', ctx) ?? 'openai';
  const provider = ASSISTANT_PROVIDERS[llm];
  if (!provider) {
    ctx.notes.setting('assistant_settings.custom_llm_provider', `"${llm}" is not supported for assistants (openai or azure); ignored`);
    return;
  }
  const lp = record(as.litellm_params) ?? {};
  const passthrough: Record<string, unknown> = { provider };
  const keys: Record<string, string> = { api_key: 'apiKey', api_base: 'apiBase', api_version: 'apiVersion' };
  for (const [k, v] of Object.entries(lp)) {
    if (keys[k]) passthrough[keys[k]] = text(v, `assistant_settings.litellm_params.${k}`, ctx);
    else ctx.notes.setting(`assistant_settings.litellm_params.${k}`, 'not supported; ignored');
  }
  for (const k of Object.keys(as)) if (k !== 'custom_llm_provider' && k !== 'litellm_params') ctx.notes.setting(`assistant_settings.${k}`, 'not supported; ignored');
  for (const [k, v] of Object.entries(passthrough)) if (v === undefined) delete passthrough[k];
  plugins.set('@switchyard/assistants', { passthrough });
}

/**
 * `environment_variables`: set in the gateway's environment at start, as LiteLLM does.
 *
 * @example
 * ```ts
 * environmentOf({ REDIS_PORT: 6379 }, notes); // { REDIS_PORT: '6379' }
 * ```
 */
export function environmentOf(v: unknown, notes: Notes): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  const r = record(v);
  if (!r) {
    notes.setting('environment_variables', 'expected a map of names to values; ignored');
    return out;
  }
  for (const [k, value] of Object.entries(r)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') notes.setting(`environment_variables.${k}`, 'expected a string; ignored');
    else out[k] = String(value);
  }
  return out;
}
