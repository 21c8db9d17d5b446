/**
 * The config used when no config file is found: runs with no API keys.
 */
import type { SwitchyardConfig } from '../config/schema.js';

/**
 * The embedded default: the mock provider (deterministic models, no keys) and the OpenAI
 * provider (used when `OPENAI_API_KEY` is set, as `openai/<model>`).
 *
 * @example
 * ```ts
 * const gateway = await createGateway(DEFAULT_CONFIG);
 * ```
 */
export const DEFAULT_CONFIG: SwitchyardConfig = {
  plugins: ['@switchyard/provider-mock', '@switchyard/provider-openai'],
};
