/**
 * @switchyard/provider-openai: OpenAI and OpenAI-compatible servers.
 */
import { openaiProvider } from './plugin.js';

export { openaiProvider };
export type { OpenAIProviderOptions } from './plugin.js';
export default openaiProvider;
