/**
 * Reading LiteLLM values as Switchyard expects them: strings, numbers, booleans and seconds.
 * `os.environ/VAR` references stay as they are in string fields (env.ts expands them at boot,
 * naming the place when the variable is missing); a field that must become a number here is
 * read from the environment now.
 */
import { GatewayError } from '@switchyard/core';
import type { Notes } from './notes.js';

const REF = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** What the translation reads besides the config. */
export interface Ctx {
  notes: Notes;
  env: NodeJS.ProcessEnv;
}

/**
 * A plain object, or undefined.
 *
 * @example
 * ```ts
 * record({ a: 1 }); // { a: 1 }
 * record([1]); // undefined
 * ```
 */
export function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `os.environ/VAR` resolved from the environment (a missing variable is a config error). */
function resolved(v: unknown, where: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof v !== 'string') return v;
  const m = REF.exec(v.trim());
  if (!m) return v;
  const value = env[m[1]!];
  if (value === undefined) throw new GatewayError('GW_ERR_CONFIG_INVALID', `${where} refers to environment variable ${m[1]}, which is not set`);
  return value;
}

/**
 * A string setting: strings as written (references kept), numbers and booleans as text.
 *
 * @example
 * ```ts
 * text(2024, 'api_version', ctx); // '2024'
 * ```
 */
export function text(v: unknown, where: string, ctx: Ctx): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v !== undefined && v !== null) ctx.notes.setting(where, `expected a string, got ${JSON.stringify(v)}; ignored`);
  return undefined;
}

/**
 * A number setting (a number, numeric text or an `os.environ/VAR` holding one).
 *
 * @example
 * ```ts
 * num('30', 'router_settings.timeout', ctx); // 30
 * ```
 */
export function num(v: unknown, where: string, ctx: Ctx): number | undefined {
  if (v === undefined || v === null) return undefined;
  const r = resolved(v, where, ctx.env);
  const n = typeof r === 'number' ? r : typeof r === 'string' && r.trim() !== '' ? Number(r) : Number.NaN;
  if (Number.isFinite(n)) return n;
  ctx.notes.setting(where, `expected a number, got ${JSON.stringify(v)}; ignored`);
  return undefined;
}

/**
 * A whole number at least `min`, rounded.
 *
 * @example
 * ```ts
 * int(480.0, 'rpm', ctx, 1); // 480
 * ```
 */
export function int(v: unknown, where: string, ctx: Ctx, min: number): number | undefined {
  const n = num(v, where, ctx);
  if (n === undefined) return undefined;
  if (n < min) {
    ctx.notes.setting(where, `expected a number of at least ${min}, got ${n}; ignored`);
    return undefined;
  }
  return Math.round(n);
}

/**
 * Seconds (LiteLLM's unit) as whole milliseconds (Switchyard's).
 *
 * @example
 * ```ts
 * ms(1.5, 'router_settings.timeout', ctx); // 1500
 * ```
 */
export function ms(v: unknown, where: string, ctx: Ctx, min = 1): number | undefined {
  const n = num(v, where, ctx);
  if (n === undefined) return undefined;
  const out = Math.round(n * 1000);
  if (out < min) {
    ctx.notes.setting(where, `expected at least ${min / 1000} s, got ${n}; ignored`);
    return undefined;
  }
  return out;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/**
 * A boolean setting; also YAML 1.1's `yes`/`no`/`on`/`off`, which LiteLLM's parser reads as booleans.
 *
 * @example
 * ```ts
 * bool('yes', 'litellm_settings.set_verbose', ctx); // true
 * ```
 */
export function bool(v: unknown, where: string, ctx: Ctx): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  const r = resolved(v, where, ctx.env);
  if (typeof r === 'boolean') return r;
  const s = String(r).trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  ctx.notes.setting(where, `expected true or false, got ${JSON.stringify(v)}; ignored`);
  return undefined;
}

/**
 * A list of strings (one string counts as a list of one).
 *
 * @example
 * ```ts
 * names(['otel', 'langfuse'], 'litellm_settings.callbacks', ctx); // ['otel', 'langfuse']
 * ```
 */
export function names(v: unknown, where: string, ctx: Ctx): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    const s = text(item, where, ctx);
    if (s !== undefined && s !== '') out.push(s);
  }
  return out;
}

/**
 * `os.environ/VAR` as `${VAR}`, for a reference inside a longer string (a URL built from parts).
 *
 * @example
 * ```ts
 * embeddable('os.environ/REDIS_HOST'); // '${REDIS_HOST}'
 * ```
 */
export function embeddable(v: string): string {
  const m = REF.exec(v.trim());
  return m ? `\${${m[1]}}` : v;
}

/**
 * The value of `v` now (a reference read from the environment, undefined when unset).
 *
 * @example
 * ```ts
 * valueNow('os.environ/REDIS_PASSWORD', process.env);
 * ```
 */
export function valueNow(v: string, env: NodeJS.ProcessEnv): string | undefined {
  const m = REF.exec(v.trim());
  return m ? env[m[1]!] : v;
}
