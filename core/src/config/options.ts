/**
 * Plugin option validation: one call that turns a schema failure into a boot error naming
 * the plugin and the field.
 */
import type { z } from 'zod';
import { GatewayError } from '../errors.js';
import { paramOf } from '../validation/issues.js';
import { MODEL_KEYS } from './schema.js';
import { unknownKeys } from './suggest.js';

/** The keys of an object schema (for "did you mean"), or none. */
const keysOf = (schema: z.ZodType): string[] => Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {});

/**
 * Parses a plugin's options with its zod schema.
 *
 * @example
 * ```ts
 * const Options = z.strictObject({ level: z.enum(['info', 'debug']).default('info') });
 * export default function consoleLogger(options?: z.input<typeof Options>) {
 *   const opts = parsePluginOptions('@switchyard/logger-console', Options, options);
 *   // ...
 * }
 * ```
 */
export function parsePluginOptions<S extends z.ZodType>(plugin: string, schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return unknownKeys(issue.keys, keysOf(schema)).replace('unknown key', 'unknown option');
    return `option "${paramOf(issue.path) ?? '(root)'}": ${issue.message}`;
  });
  throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `plugin ${plugin}: ${lines.join('; ')}`);
}

/**
 * Validates a deployment's provider-specific options; for `ProviderAdapter.validateDeployment`.
 * Throws an Error listing unknown keys and bad fields (the core adds the model's place).
 *
 * @example
 * ```ts
 * validateDeployment(deployment) {
 *   parseDeploymentOptions(z.strictObject({ region: z.string() }), deployment.options);
 * }
 * ```
 */
export function parseDeploymentOptions<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new Error(
    result.error.issues
      .map((i) => (i.code === 'unrecognized_keys' ? unknownKeys(i.keys, [...keysOf(schema), ...MODEL_KEYS]) : `${paramOf(i.path) ?? 'options'}: ${i.message}`))
      .join('; '),
  );
}
