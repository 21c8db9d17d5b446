/**
 * The config used when no config file is found: runs with no API keys.
 */
import type { SwitchyardConfig } from '../config/schema.js';

/**
 * The embedded default: the SQLite store (one file under `./.switchyard/`, kept across
 * restarts: every call is recorded there), session tracking with the sessions API, the
 * Responses API, cost tracking with the spend API, the mock provider (deterministic models,
 * no keys) and the OpenAI provider (used when `OPENAI_API_KEY` is set, as `openai/<model>`).
 *
 * @example
 * ```ts
 * const gateway = await createGateway(DEFAULT_CONFIG);
 * ```
 */
export const DEFAULT_CONFIG: SwitchyardConfig = {
  plugins: [
    '@switchyard/store-sqlite',
    '@switchyard/session-tracker',
    '@switchyard/responses',
    '@switchyard/cost-tracker',
    '@switchyard/provider-mock',
    '@switchyard/provider-openai',
  ],
};
