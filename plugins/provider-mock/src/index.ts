/**
 * @switchyard/provider-mock: deterministic models for demos and tests, no keys needed.
 */
import { MOCK_PRICING, mockProvider } from './plugin.js';

export { mockProvider, MOCK_PRICING };
export type { MockProviderOptions } from './plugin.js';
export { MOCK_MODELS } from './models.js';
export { countTokens } from './tokens.js';
export { mockVector, EMBED_MODEL, EMBED_DIMENSIONS } from './embed.js';
export default mockProvider;
