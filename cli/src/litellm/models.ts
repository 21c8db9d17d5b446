/**
 * LiteLLM's `model_list` to Switchyard's `models`: `model_name` + `litellm_params` + `model_info`
 * (and the older top-level `rpm`/`tpm`) become one model entry each; completion parameters
 * LiteLLM sends with every call become the entry's `params`.
 */
import type { ProviderTarget } from './providers.js';
import { targetOf } from './providers.js';
import { embeddable, int, ms, num, record, text, valueNow, type Ctx } from './values.js';

/** LiteLLM price keys (litellm_params or model_info) to Switchyard's. */
const PRICING: Readonly<Record<string, string>> = {
  input_cost_per_token: 'inputCostPerToken',
  output_cost_per_token: 'outputCostPerToken',
  cache_read_input_token_cost: 'cacheReadCostPerToken',
  cache_creation_input_token_cost: 'cacheWriteCostPerToken',
  input_cost_per_token_batches: 'inputCostPerTokenBatches',
  output_cost_per_token_batches: 'outputCostPerTokenBatches',
};

/** Provider options by Switchyard provider id: LiteLLM key → deployment key. */
const PROVIDER_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  openai: { organization: 'organization' },
  azure: { api_version: 'apiVersion', azure_ad_token: 'azureAdToken' },
  azure_ai: { api_version: 'apiVersion', azure_ad_token: 'azureAdToken' },
  anthropic: {},
  gemini: { safety_settings: 'safetySettings' },
  vertex_ai: { vertex_project: 'project', vertex_location: 'location', region_name: 'location', vertex_credentials: 'credentials', safety_settings: 'safetySettings' },
  bedrock: {
    aws_region_name: 'region',
    region_name: 'region',
    aws_access_key_id: 'accessKeyId',
    aws_secret_access_key: 'secretAccessKey',
    aws_session_token: 'sessionToken',
    aws_profile_name: 'profile',
    aws_bedrock_runtime_endpoint: 'apiBase',
    guardrailConfig: 'guardrailConfig',
  },
};

/** Which providers take each provider key (for "applies to ... only"). */
const OWNERS = new Map<string, string[]>();
for (const [provider, keys] of Object.entries(PROVIDER_KEYS)) for (const k of Object.keys(keys)) OWNERS.set(k, [...(OWNERS.get(k) ?? []), provider]);

const AWS_ROLE = 'assuming an AWS role is not supported; give aws_access_key_id and aws_secret_access_key, or aws_profile_name';
const ENTRA = 'Entra ID sign-in from a config file is not supported; give api_key or azure_ad_token';
const DROP = 'dropping parameters a provider cannot take is not supported: such a parameter is refused with a 400 that names it';

/** litellm_params LiteLLM reads itself that Switchyard has no equivalent for (never sent upstream). */
const NOT_SUPPORTED: Readonly<Record<string, string>> = {
  stream_timeout: 'not supported per deployment; router_settings.stream_timeout applies to every deployment',
  order: 'deployment priority order is not supported; use weight',
  max_parallel_requests: 'per-deployment concurrency limits are not supported',
  tags: 'tag-based routing is not supported',
  mock_response: 'mock responses are not supported; the mock provider serves "mock/echo" and "mock/lorem"',
  input_cost_per_second: 'per-second prices are not supported; set input_cost_per_token',
  output_cost_per_second: 'per-second prices are not supported; set output_cost_per_token',
  use_in_pass_through: 'pass-through endpoints are not supported',
  use_litellm_proxy: 'not supported',
  merge_reasoning_content_in_choices: 'not supported',
  configurable_clientside_auth_params: 'credentials sent by clients are not supported',
  litellm_credential_name: 'named credentials are not supported; give api_key',
  cache_control_injection_points: 'automatic prompt-caching markers are not supported',
  drop_params: DROP,
  additional_drop_params: DROP,
  max_budget: 'per-deployment budgets are not supported',
  budget_duration: 'per-deployment budgets are not supported',
  aws_role_name: AWS_ROLE,
  aws_session_name: AWS_ROLE,
  aws_web_identity_token: AWS_ROLE,
  aws_sts_endpoint: AWS_ROLE,
  aws_external_id: AWS_ROLE,
  tenant_id: ENTRA,
  client_id: ENTRA,
  client_secret: ENTRA,
  azure_username: ENTRA,
  azure_password: ENTRA,
  azure_scope: ENTRA,
};

/** model_info keys that only describe the model: nothing to do, nothing to warn about. */
const INFO_ONLY = new Set(['mode', 'description', 'litellm_provider', 'max_tokens', 'max_output_tokens', 'output_vector_size']);

const ENTRY_KEYS = new Set(['model_name', 'litellm_params', 'model_info', 'rpm', 'tpm']);

/** The translated model list. */
export interface TranslatedModels {
  models: Array<Record<string, unknown>>;
  /** Provider plugins the models need, with options for `provider/*` entries. */
  plugins: Map<string, Record<string, unknown> | undefined>;
  /** Model names of which every deployment was left out (fallbacks to them are dropped). */
  dropped: Set<string>;
}

const isRef = (s: string) => /^os\.environ\//.test(s.trim());

/** Base URLs as the Switchyard provider expects them (LiteLLM also takes full endpoint URLs). */
function baseFor(target: ProviderTarget, base: string, env: NodeJS.ProcessEnv): string {
  if (isRef(base)) {
    // a bare server URL from the environment still needs its /v1: appended to the reference
    const now = valueNow(base, env);
    return target.v1 && now && URL.canParse(now) && new URL(now).pathname === '/' ? `${embeddable(base)}${now.endsWith('/') ? 'v1' : '/v1'}` : base;
  }
  let b = base.trim().replace(/\/+$/, '');
  if (target.provider === 'openai') b = b.replace(/\/chat\/completions$/, '');
  if (target.provider === 'anthropic') b = b.replace(/\/v1\/messages$/, '');
  if (target.v1 && URL.canParse(b) && ['', '/'].includes(new URL(b).pathname)) b += '/v1';
  return b;
}

function headersOf(v: unknown, where: string, ctx: Ctx): Record<string, string> | undefined {
  const r = record(v);
  if (!r) {
    ctx.notes.setting(where, 'expected a map of header names to values; ignored');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(r)) {
    const s = text(value, `${where}.${k}`, ctx);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** `provider/*` entries: the provider plugin serves `provider/<model>` itself; a key or base becomes its option. */
function wildcard(name: string, lp: Record<string, unknown>, where: string, out: TranslatedModels, ctx: Ctx): void {
  const model = text(lp.model, `${where}.litellm_params.model`, ctx) ?? '';
  const target = targetOf(model, text(lp.custom_llm_provider, `${where}.litellm_params.custom_llm_provider`, ctx));
  if (!('unsupported' in target) && !target.compatible && name === `${target.litellm}/*` && model === `${target.litellm}/*`) {
    const options: Record<string, unknown> = {};
    const key = text(lp.api_key, `${where}.litellm_params.api_key`, ctx);
    const base = text(lp.api_base, `${where}.litellm_params.api_base`, ctx);
    if (key !== undefined) options.apiKey = key;
    if (base !== undefined) options.apiBase = baseFor(target, base, ctx.env);
    if (!out.plugins.get(target.plugin)) out.plugins.set(target.plugin, Object.keys(options).length ? options : undefined);
    return;
  }
  ctx.notes.setting(
    `${where} (${name})`,
    'wildcard model names other than "<provider>/*" are not supported; clients name the provider in the model ("openai/gpt-4o") for every loaded provider; left out',
  );
}

function translateEntry(raw: unknown, i: number, defaults: Record<string, unknown>, out: TranslatedModels, ctx: Ctx): { name?: string; entry?: Record<string, unknown> } {
  const where = `model_list[${i}]`;
  const e = record(raw);
  const lpRaw = record(e?.litellm_params);
  const name = e ? text(e.model_name, `${where}.model_name`, ctx) : undefined;
  if (!e || !name || !lpRaw || lpRaw.model === undefined) {
    ctx.notes.setting(where, 'needs model_name and litellm_params.model; left out');
    return { name };
  }
  const lp = { ...defaults, ...lpRaw };
  if (name.includes('*')) {
    wildcard(name, lp, where, out, ctx);
    return { name };
  }
  const model = text(lp.model, `${where}.litellm_params.model`, ctx) ?? '';
  const target = targetOf(model, text(lp.custom_llm_provider, `${where}.litellm_params.custom_llm_provider`, ctx));
  if ('unsupported' in target) {
    ctx.notes.setting(`${where} (${name})`, `${target.unsupported}; left out`);
    return { name };
  }
  if (target.note) ctx.notes.model(`litellm_params.model "${target.note.pattern}"`, name, target.note.reason);
  const entry: Record<string, unknown> = { name, provider: target.provider, model: target.model };
  const params: Record<string, unknown> = {};
  let headers: Record<string, string> | undefined;
  const own = PROVIDER_KEYS[target.provider] ?? {};
  for (const [k, v] of Object.entries(lp)) {
    const at = `${where}.litellm_params.${k}`;
    if (v === undefined || v === null || k === 'model' || k === 'custom_llm_provider') continue;
    if (k === 'api_key') entry.apiKey = text(v, at, ctx);
    else if (k === 'api_base') {
      const base = text(v, at, ctx);
      if (base !== undefined) entry.apiBase = baseFor(target, base, ctx.env);
    } else if (k === 'timeout') entry.timeoutMs = ms(v, at, ctx);
    else if (k === 'rpm' || k === 'tpm') entry[k] = int(v, at, ctx, 1);
    else if (k === 'weight') entry.weight = num(v, at, ctx);
    else if (PRICING[k]) entry[PRICING[k]] = num(v, at, ctx);
    else if (k === 'headers' || k === 'extra_headers') headers = { ...headers, ...headersOf(v, at, ctx) };
    else if (k === 'max_retries') {
      if (num(v, at, ctx) !== 0) ctx.notes.model(`litellm_params.${k}`, name, 'per-deployment client retries are not supported; the router retries (router_settings.num_retries)');
    } else if (own[k]) {
      const key = own[k];
      const value = k === 'vertex_credentials' && record(v) ? JSON.stringify(v) : typeof v === 'object' ? v : text(v, at, ctx);
      entry[key] = key === 'apiBase' && typeof value === 'string' ? baseFor(target, value, ctx.env) : value;
    } else if (OWNERS.has(k)) ctx.notes.model(`litellm_params.${k}`, name, `applies to ${OWNERS.get(k)!.join(', ')} only; ignored for ${target.litellm}`);
    else if (NOT_SUPPORTED[k]) ctx.notes.model(`litellm_params.${k}`, name, NOT_SUPPORTED[k]);
    else params[k] = v; // a completion parameter (temperature, max_tokens, ...), sent with every call as LiteLLM does
  }
  if (headers) entry.headers = headers;
  if (Object.keys(params).length) entry.params = params;
  if (target.apiBase && entry.apiBase === undefined) entry.apiBase = target.apiBase;
  if (target.needsBase && entry.apiBase === undefined) {
    ctx.notes.setting(`${where} (${name})`, `${target.litellm}/ needs litellm_params.api_base; left out`);
    return { name };
  }
  // a server that is not OpenAI never gets the OpenAI key: its own variable, or no key
  if (target.compatible && entry.apiKey === undefined) entry.apiKey = target.keyEnv ? `\${${target.keyEnv}:-}` : '';
  for (const k of ['rpm', 'tpm'] as const) if (entry[k] === undefined && e[k] !== undefined) entry[k] = int(e[k], `${where}.${k}`, ctx, 1);
  for (const k of Object.keys(e)) if (!ENTRY_KEYS.has(k)) ctx.notes.model(k, name, 'not a model_list key; ignored');
  modelInfo(record(e.model_info), where, name, entry, ctx);
  for (const [k, v] of Object.entries(entry)) if (v === undefined) delete entry[k];
  if (!out.plugins.has(target.plugin)) out.plugins.set(target.plugin, undefined);
  return { name, entry };
}

function modelInfo(info: Record<string, unknown> | undefined, where: string, name: string, entry: Record<string, unknown>, ctx: Ctx): void {
  for (const [k, v] of Object.entries(info ?? {})) {
    const at = `${where}.model_info.${k}`;
    if (v === undefined || v === null) continue;
    if (k === 'id') entry.id = text(v, at, ctx);
    else if (k === 'max_input_tokens') entry.maxInputTokens = int(v, at, ctx, 1);
    else if (PRICING[k]) entry[PRICING[k]] ??= num(v, at, ctx);
    else if (k === 'base_model') ctx.notes.model(`model_info.${k}`, name, 'prices are looked up by the deployment\'s model, not base_model; set input_cost_per_token and output_cost_per_token');
    else if (!INFO_ONLY.has(k) && !k.startsWith('supports_')) ctx.notes.model(`model_info.${k}`, name, 'not supported; ignored');
  }
}

/**
 * Translates `model_list`; `defaults` is router_settings.default_litellm_params.
 *
 * @example
 * ```ts
 * translateModels([{ model_name: 'gpt-4o', litellm_params: { model: 'azure/gpt-4o', api_version: '2024-10-21' } }], {}, ctx);
 * ```
 */
export function translateModels(list: unknown, defaults: Record<string, unknown>, ctx: Ctx): TranslatedModels {
  const out: TranslatedModels = { models: [], plugins: new Map(), dropped: new Set() };
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) {
    ctx.notes.setting('model_list', 'expected a list of deployments; ignored');
    return out;
  }
  const served = new Set<string>();
  const left = new Set<string>();
  list.forEach((raw, i) => {
    const { name, entry } = translateEntry(raw, i, defaults, out, ctx);
    if (entry) {
      out.models.push(entry);
      served.add(name!);
    } else if (name) left.add(name);
  });
  for (const n of left) if (!served.has(n)) out.dropped.add(n);
  return out;
}
