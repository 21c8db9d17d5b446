/**
 * Environment references in config values: `${VAR}`, `${VAR:-default}` and LiteLLM's
 * `os.environ/VAR`. Secrets stay in the environment, never in files.
 */
import { GatewayError } from '../errors.js';

const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const LITELLM = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

function expand(value: string, path: string, env: NodeJS.ProcessEnv): string {
  const litellm = LITELLM.exec(value);
  if (litellm) {
    const v = env[litellm[1]!];
    if (v === undefined) throw missing(litellm[1]!, path);
    return v;
  }
  return value.replace(BRACED, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw missing(name, path);
  });
}

function missing(name: string, path: string): GatewayError {
  return new GatewayError('GW_ERR_CONFIG_INVALID', `${path || 'the config'} refers to environment variable ${name}, which is not set`);
}

/**
 * Replaces environment references in every string of a plain config tree (plugin
 * objects and other class instances are left as they are).
 *
 * @example
 * ```ts
 * interpolateEnv({ apiKey: '${OPENAI_API_KEY}' }, { OPENAI_API_KEY: 'sk-1' }); // { apiKey: 'sk-1' }
 * ```
 */
export function interpolateEnv<T>(value: T, env: NodeJS.ProcessEnv = process.env, path = ''): T {
  if (typeof value === 'string') return expand(value, path, env) as T;
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    if (typeof (value as { apply?: unknown }).apply === 'function') return value; // a plugin object
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, path ? `${path}.${k}` : k);
    return out as T;
  }
  return value;
}
