/**
 * Validation of a whole config with boot-time messages that name the field.
 */
import { GatewayError } from '../errors.js';
import { paramOf } from '../validation/issues.js';
import { ConfigSchema, type SwitchyardConfig } from './schema.js';

/**
 * Validates a config; throws GW_ERR_CONFIG_INVALID listing every problem by path.
 *
 * @example
 * ```ts
 * validateConfig({ models: [{ name: 'x', provider: 'openai' }] }, 'switchyard.config.ts');
 * ```
 */
export function validateConfig(config: unknown, origin = 'config'): SwitchyardConfig {
  const result = ConfigSchema.safeParse(config ?? {});
  if (result.success) return result.data as SwitchyardConfig;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = paramOf(issue.path);
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where ? ` in ${where}` : ''}`;
    }
    return `${paramOf(issue.path) ?? '(root)'}: ${issue.message}`;
  });
  throw new GatewayError('GW_ERR_CONFIG_INVALID', `invalid config (${origin}):\n  - ${lines.join('\n  - ')}`);
}
