/**
 * LiteLLM proxy configs, read as they are.
 */
export { isLiteLLMConfig, LITELLM_KEYS } from './detect.js';
export { translateLiteLLMConfig } from './translate.js';
export type { LiteLLMTranslation, TranslateOptions } from './translate.js';
