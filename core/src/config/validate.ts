/**
 * Validation of a whole config with boot-time messages that name the field: unknown keys
 * with the nearest known one, missing keys by name, and the file they are in.
 */
import type { z } from 'zod';
import { GatewayError } from '../errors.js';
import { paramOf } from '../validation/issues.js';
import { ConfigSchema, MODEL_KEYS, ServerConfigSchema, type SwitchyardConfig } from './schema.js';
import { nearestKey, unknownKeys } from './suggest.js';

/** The keys known at a place in the config (for suggestions). */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): readonly string[] {
  if (path.length === 0) return Object.keys(ConfigSchema.shape);
  if (path.length === 1 && path[0] === 'server') return Object.keys(ServerConfigSchema.shape);
  if (path.length === 2 && path[0] === 'models') return MODEL_KEYS;
  return [];
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describe(issue: z.core.$ZodIssue, config: unknown): string {
  if (issue.code === 'unrecognized_keys') return unknownKeys(issue.keys, knownKeysAt(issue.path), paramOf(issue.path) ?? undefined);
  const key = issue.path.at(-1);
  if (issue.code === 'invalid_type' && typeof key === 'string' && valueAt(config, issue.path) === undefined) {
    // a required key is missing: often a typo of it sits next to it (provdier → provider)
    const parentPath = issue.path.slice(0, -1);
    const parent = valueAt(config, parentPath);
    const known = new Set(knownKeysAt(parentPath));
    const typo = parent && typeof parent === 'object' ? Object.keys(parent).find((k) => !known.has(k) && nearestKey(k, [key]) === key) : undefined;
    const where = paramOf(parentPath);
    return `${where ? `${where}: ` : ''}missing required key "${key}"${typo ? `; found unknown key "${typo}" (did you mean "${key}"?)` : ''}`;
  }
  return `${paramOf(issue.path) ?? '(root)'}: ${issue.message}`;
}

/**
 * Validates a config; throws GW_ERR_CONFIG_INVALID listing every problem by path, naming the
 * file when `origin` is given.
 *
 * @example
 * ```ts
 * validateConfig({ models: [{ name: 'x', provider: 'openai' }] }, '/srv/gateway/.switchyardrc.yaml');
 * ```
 */
export function validateConfig(config: unknown, origin?: string): SwitchyardConfig {
  const result = ConfigSchema.safeParse(config ?? {});
  if (result.success) return result.data as SwitchyardConfig;
  const lines = result.error.issues.map((issue) => describe(issue, config));
  if (config && typeof config === 'object' && 'model_list' in config) {
    lines.push('this is a LiteLLM proxy config: serve it with `switchyard --config <file>`, or pass translateLiteLLMConfig(config).config');
  }
  throw new GatewayError('GW_ERR_CONFIG_INVALID', `invalid config${origin ? ` in ${origin}` : ''}:\n  - ${lines.join('\n  - ')}`);
}
