/**
 * @switchyard/provider-mock: deterministic models for demos and tests, no keys needed.
 */
import { mockProvider } from './plugin.js';

export { mockProvider };
export type { MockProviderOptions } from './plugin.js';
export { MOCK_MODELS } from './models.js';
export { countTokens } from './tokens.js';
export default mockProvider;
