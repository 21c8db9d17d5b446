/**
 * The config a file asks for: a Switchyard config (extending the default when it lists no
 * plugins) or a LiteLLM proxy config, translated.
 */
import { GatewayError } from '@switchyard/core';
import { fileConfig } from '@switchyard/core';
import { isLiteLLMConfig } from './litellm/detect.js';
import { translateLiteLLMConfig } from './litellm/translate.js';
import type { SwitchyardConfig } from '@switchyard/core';

/** A file's config, ready for createGateway. */
export interface FileConfig {
  config: SwitchyardConfig;
  /** `litellm` when the file was a LiteLLM proxy config. */
  dialect: 'switchyard' | 'litellm';
  /** One line per LiteLLM setting that is not supported. */
  warnings: string[];
  /** Variables the file sets in the environment (LiteLLM's `environment_variables`). */
  environment: Record<string, string>;
}

/**
 * Prepares a loaded config file (`undefined`: no file, the embedded default).
 *
 * @example
 * ```ts
 * const { config, filepath } = await loadConfigFile({ configPath: 'litellm_config.yaml' });
 * const file = configFromFile(config, { filepath });
 * for (const w of file.warnings) console.warn(w);
 * ```
 */
export function configFromFile(config: unknown, options: { filepath?: string; env?: NodeJS.ProcessEnv; fromDir?: string } = {}): FileConfig {
  if (config === undefined) return { config: { extends: 'default' }, dialect: 'switchyard', warnings: [], environment: {} };
  try {
    if (isLiteLLMConfig(config)) {
      const t = translateLiteLLMConfig(config, { env: options.env, fromDir: options.fromDir });
      return { config: t.config, dialect: 'litellm', warnings: t.warnings, environment: t.environment };
    }
  } catch (err) {
    if (options.filepath && err instanceof GatewayError) throw new GatewayError(err.code, `${options.filepath}: ${err.message}`, { cause: err });
    throw err;
  }
  return { config: fileConfig(config) as SwitchyardConfig, dialect: 'switchyard', warnings: [], environment: {} };
}
