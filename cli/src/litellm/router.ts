/**
 * LiteLLM's `router_settings` (and the router keys of `litellm_settings`) to Switchyard's
 * `router:` and the deployment checks of `@switchyard/deployment-checks`.
 */
import type { RouterConfig, RouterStrategyName } from '@switchyard/core';
import { bool, embeddable, int, ms, names, record, text, valueNow, type Ctx } from './values.js';

const STRATEGIES: Readonly<Record<string, RouterStrategyName>> = {
  'simple-shuffle': 'simple-shuffle',
  'least-busy': 'least-busy',
  'latency-based-routing': 'latency-based',
  'usage-based-routing': 'usage-based',
  'usage-based-routing-v2': 'usage-based',
  'cost-based-routing': 'cost-based',
};

/** LiteLLM's optional_pre_call_checks to Switchyard deployment checks. */
const CHECKS: Readonly<Record<string, string>> = {
  responses_api_deployment_check: 'responses-affinity',
  session_affinity: 'session-affinity',
  deployment_affinity: 'session-affinity',
  prompt_caching: 'session-affinity',
  enforce_model_rate_limits: 'rate-limits',
};

const UNSUPPORTED_CHECKS: Readonly<Record<string, string>> = {
  router_budget_limiting: 'provider budgets are not supported',
  forward_client_headers_by_model_group: 'forwarding client headers is not supported',
  encrypted_content_affinity: 'not supported (responses-affinity keeps calls with previous_response_id on their deployment)',
};

const RETRY_POLICY = 'per-error retry counts are not supported; num_retries applies to every retryable failure';
const CACHE = 'response caching is not supported';
const TAGS = 'tag-based routing is not supported';

/** router_settings keys with no Switchyard equivalent. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  retry_after: "a minimum wait before a retry is not supported: retries back off exponentially with jitter, or wait the upstream's retry-after",
  routing_strategy_args: 'not supported; the strategies take no arguments',
  content_policy_fallbacks: 'content-policy fallbacks are not supported',
  max_fallbacks: 'not supported; every listed fallback is tried',
  retry_policy: RETRY_POLICY,
  model_group_retry_policy: RETRY_POLICY,
  allowed_fails_policy: 'per-error allowed fails are not supported; allowed_fails counts every failure',
  cache_responses: CACHE,
  cache_kwargs: CACHE,
  caching_groups: CACHE,
  provider_budget_config: 'provider budgets are not supported',
  enable_tag_filtering: TAGS,
  tag_filtering_match_any: TAGS,
  default_max_parallel_requests: 'concurrency limits are not supported',
  default_priority: 'request priority queues are not supported',
  polling_interval: 'request priority queues are not supported',
  routing_groups: 'routing groups are not supported; one strategy applies to every model',
};

/** Keys read here (or by the model list: model_group_alias, default_litellm_params). */
const HANDLED = new Set([
  'routing_strategy',
  'num_retries',
  'timeout',
  'stream_timeout',
  'allowed_fails',
  'cooldown_time',
  'disable_cooldowns',
  'fallbacks',
  'context_window_fallbacks',
  'default_fallbacks',
  'optional_pre_call_checks',
  'enable_pre_call_checks',
  'redis_host',
  'redis_port',
  'redis_password',
  'redis_url',
  'model_group_alias',
  'default_litellm_params',
  'set_verbose',
  'debug_level',
]);

/** The translated router settings. */
export interface TranslatedRouter {
  router: RouterConfig;
  /** Deployment checks to switch on, in order. */
  checks: string[];
  /** LiteLLM's usage-based routing refuses deployments over their limits: the rate-limits check does that. */
  usageBased: boolean;
}

type FallbackMap = Record<string, string[]>;

/** LiteLLM's `[{ gpt-4o: [claude] }, ...]` (or one map) as one map; a `*` key is the default. */
function fallbackMap(v: unknown, where: string, ctx: Ctx): { map?: FallbackMap; star?: string[] } {
  if (v === undefined || v === null) return {};
  const items = Array.isArray(v) ? v : record(v) ? [v] : undefined;
  if (!items) {
    ctx.notes.setting(where, 'expected a list of { model: [fallback models] }; ignored');
    return {};
  }
  const map: FallbackMap = {};
  let star: string[] | undefined;
  for (const item of items) {
    const r = record(item);
    if (!r) {
      ctx.notes.setting(where, `expected { model: [fallback models] }, got ${JSON.stringify(item)}; ignored`);
      continue;
    }
    for (const [model, targets] of Object.entries(r)) {
      const list = names(targets, `${where}.${model}`, ctx);
      if (model === '*') star = [...(star ?? []), ...list];
      else if (list.length) map[model] = [...(map[model] ?? []), ...list];
    }
  }
  return { map: Object.keys(map).length ? map : undefined, star };
}

/** A setting LiteLLM takes in router_settings and litellm_settings: router_settings wins, as in LiteLLM. */
function either(ctx: Ctx, key: string, rs: Record<string, unknown>, ls: Record<string, unknown>, lsKey = key): { value: unknown; where: string } {
  const a = rs[key];
  const b = ls[lsKey];
  if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
    ctx.notes.setting(`litellm_settings.${lsKey}`, `overridden by router_settings.${key}`);
  }
  return a !== undefined ? { value: a, where: `router_settings.${key}` } : { value: b, where: `litellm_settings.${lsKey}` };
}

function redisUrl(rs: Record<string, unknown>, ctx: Ctx): string | undefined {
  const url = text(rs.redis_url, 'router_settings.redis_url', ctx);
  if (url) return url;
  const host = text(rs.redis_host, 'router_settings.redis_host', ctx);
  if (!host) {
    if (rs.redis_port !== undefined || rs.redis_password !== undefined) ctx.notes.setting('router_settings.redis_port', 'redis_port and redis_password need redis_host; ignored');
    return undefined;
  }
  const port = rs.redis_port === undefined || rs.redis_port === null ? '6379' : embeddable(text(rs.redis_port, 'router_settings.redis_port', ctx) ?? '6379');
  const password = text(rs.redis_password, 'router_settings.redis_password', ctx);
  let auth = '';
  if (password) {
    // a password with URL characters is written encoded; a plain one stays a reference
    const now = valueNow(password, ctx.env);
    auth = now !== undefined && encodeURIComponent(now) !== now ? `:${encodeURIComponent(now)}@` : `:${embeddable(password)}@`;
  }
  return `redis://${auth}${embeddable(host)}:${port}`;
}

function checksOf(rs: Record<string, unknown>, ctx: Ctx): string[] {
  const checks: string[] = [];
  const add = (c: string) => void (checks.includes(c) || checks.push(c));
  for (const name of names(rs.optional_pre_call_checks, 'router_settings.optional_pre_call_checks', ctx)) {
    if (CHECKS[name]) add(CHECKS[name]);
    else ctx.notes.setting(`router_settings.optional_pre_call_checks "${name}"`, UNSUPPORTED_CHECKS[name] ?? 'unknown check; ignored');
  }
  // LiteLLM's pre-call checks skip deployments whose context window is too small
  if (bool(rs.enable_pre_call_checks, 'router_settings.enable_pre_call_checks', ctx)) add('context-window');
  return checks;
}

/**
 * Translates the router settings.
 *
 * @example
 * ```ts
 * translateRouter({ routing_strategy: 'least-busy', cooldown_time: 30 }, {}, ctx).router; // { strategy: 'least-busy', cooldownMs: 30000 }
 * ```
 */
export function translateRouter(rs: Record<string, unknown>, ls: Record<string, unknown>, ctx: Ctx): TranslatedRouter {
  const router: RouterConfig = {};
  const strategy = text(rs.routing_strategy, 'router_settings.routing_strategy', ctx);
  if (strategy !== undefined) {
    if (STRATEGIES[strategy]) router.strategy = STRATEGIES[strategy];
    else ctx.notes.setting('router_settings.routing_strategy', `"${strategy}" is not supported (supported: ${Object.keys(STRATEGIES).join(', ')}); simple-shuffle is used`);
  }
  const retries = either(ctx, 'num_retries', rs, ls);
  const n = int(retries.value, retries.where, ctx, 0);
  if (n !== undefined) {
    if (n > 20) ctx.notes.setting(retries.where, `${n} is more than Switchyard's most (20); 20 is used`);
    router.retries = Math.min(n, 20);
  }
  const timeout = either(ctx, 'timeout', rs, ls, 'request_timeout');
  router.timeoutMs = ms(timeout.value, timeout.where, ctx);
  router.streamTimeoutMs = ms(rs.stream_timeout, 'router_settings.stream_timeout', ctx);
  router.allowedFails = int(rs.allowed_fails, 'router_settings.allowed_fails', ctx, 0);
  router.cooldownMs = ms(rs.cooldown_time, 'router_settings.cooldown_time', ctx, 0);
  if (bool(rs.disable_cooldowns, 'router_settings.disable_cooldowns', ctx)) router.cooldownMs = 0;

  const fb = either(ctx, 'fallbacks', rs, ls);
  const fallbacks = fallbackMap(fb.value, fb.where, ctx);
  router.fallbacks = fallbacks.map;
  const cw = either(ctx, 'context_window_fallbacks', rs, ls);
  router.contextWindowFallbacks = fallbackMap(cw.value, cw.where, ctx).map;
  const df = either(ctx, 'default_fallbacks', rs, ls);
  const defaults = names(df.value, df.where, ctx);
  router.defaultFallbacks = defaults.length ? defaults : fallbacks.star?.length ? fallbacks.star : undefined;
  router.redis = redisUrl(rs, ctx);

  for (const k of Object.keys(rs)) {
    if (HANDLED.has(k)) continue;
    ctx.notes.setting(`router_settings.${k}`, UNSUPPORTED[k] ?? 'unknown setting; ignored');
  }
  for (const [k, v] of Object.entries(router)) if (v === undefined) delete (router as Record<string, unknown>)[k];
  return { router, checks: checksOf(rs, ctx), usageBased: router.strategy === 'usage-based' };
}

/**
 * Removes fallback targets whose deployments were all left out of the translation.
 *
 * @example
 * ```ts
 * dropFallbacksTo(router, new Set(['cohere-model']), ctx);
 * ```
 */
export function dropFallbacksTo(router: RouterConfig, dropped: ReadonlySet<string>, ctx: Ctx): void {
  if (dropped.size === 0) return;
  const keep = (list: string[], where: string) =>
    list.filter((m) => {
      if (!dropped.has(m)) return true;
      ctx.notes.setting(`${where} "${m}"`, 'that model was left out (see above); not a fallback');
      return false;
    });
  for (const key of ['fallbacks', 'contextWindowFallbacks'] as const) {
    const map = router[key];
    if (!map) continue;
    for (const [model, list] of Object.entries(map)) {
      const kept = keep(list, `${key === 'fallbacks' ? 'fallbacks' : 'context_window_fallbacks'}.${model}`);
      if (kept.length) map[model] = kept;
      else delete map[model];
    }
    if (Object.keys(map).length === 0) delete router[key];
  }
  if (router.defaultFallbacks) {
    router.defaultFallbacks = keep(router.defaultFallbacks, 'default_fallbacks');
    if (router.defaultFallbacks.length === 0) delete router.defaultFallbacks;
  }
}
