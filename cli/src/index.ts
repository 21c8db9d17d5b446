/**
 * @switchyard/cli: the `switchyard` command, and what it is made of for programs that embed it
 * (serving a config file, the banner, shutdown on signals, LiteLLM config translation).
 */
export { serve, banner, onShutdownSignals, readCliConfig } from './serve.js';
export type { Serving } from './serve.js';
export { parseCli, USAGE } from './args.js';
export type { CliOptions } from './args.js';
export { configFromFile } from './from-file.js';
export type { FileConfig } from './from-file.js';
export { isLiteLLMConfig, translateLiteLLMConfig } from './litellm/index.js';
export type { LiteLLMTranslation, TranslateOptions } from './litellm/index.js';
