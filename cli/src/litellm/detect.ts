/**
 * Telling a LiteLLM proxy config from a Switchyard one: LiteLLM's has a `model_list` (or one of
 * its settings sections); a file with both kinds of keys is refused rather than half-read.
 */
import { GatewayError } from '@switchyard/core';
import { ConfigSchema } from '@switchyard/core';

/** LiteLLM's top-level keys. */
export const LITELLM_KEYS: readonly string[] = ['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'assistant_settings', 'environment_variables'];

const SWITCHYARD_KEYS = new Set(Object.keys(ConfigSchema.shape));

/**
 * Whether `config` is a LiteLLM proxy config. Throws GW_ERR_CONFIG_INVALID for one that mixes
 * LiteLLM and Switchyard top-level keys.
 *
 * @example
 * ```ts
 * isLiteLLMConfig({ model_list: [] }); // true
 * isLiteLLMConfig({ models: [] }); // false
 * ```
 */
export function isLiteLLMConfig(config: unknown, origin?: string): boolean {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return false;
  const keys = Object.keys(config);
  const litellm = keys.filter((k) => LITELLM_KEYS.includes(k));
  if (litellm.length === 0) return false;
  const own = keys.filter((k) => SWITCHYARD_KEYS.has(k));
  if (own.length > 0) {
    throw new GatewayError(
      'GW_ERR_CONFIG_INVALID',
      `${origin ? `${origin}: ` : ''}the config mixes LiteLLM keys (${litellm.join(', ')}) with Switchyard keys (${own.join(', ')}); write one or the other (a LiteLLM config.yaml is translated as it is)`,
    );
  }
  return true;
}
