/**
 * Typed config helper for `switchyard.config.ts`.
 */
import type { SwitchyardConfig } from './schema.js';

/**
 * Identity function that types a config file.
 *
 * @example
 * ```ts
 * // switchyard.config.ts
 * import { defineConfig } from '@switchyard/core';
 * import { openai } from '@switchyard/provider-openai';
 * export default defineConfig({
 *   plugins: [openai()],
 *   models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiKey: '${OPENAI_API_KEY}' }],
 * });
 * ```
 */
export function defineConfig(config: SwitchyardConfig): SwitchyardConfig {
  return config;
}
