/**
 * Finding and reading the config file with cosmiconfig (module name `switchyard`).
 */
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { GatewayError } from '../errors.js';
import { parseConfigYaml } from './yaml.js';

/** Where cosmiconfig looks, in order. */
export const CONFIG_FILES = [
  'package.json',
  'switchyard.config.ts',
  'switchyard.config.mjs',
  'switchyard.config.js',
  '.switchyardrc',
  '.switchyardrc.json',
  '.switchyardrc.yaml',
  '.switchyardrc.yml',
  // a LiteLLM proxy config under its usual name (recognised by its `model_list`)
  'litellm_config.yaml',
  'litellm_config.yml',
] as const;

/** YAML without timestamps, numbers kept as written where a string is meant (see yaml.ts). */
const loadYaml: Loader = (_filepath, content) => parseConfigYaml(content);

/**
 * A config read from disk, before validation.
 *
 * @example
 * ```ts
 * const loaded: LoadedConfig = await loadConfigFile({ cwd: '/srv/gateway' });
 * const gateway = await createGateway(validateConfig(fileConfig(loaded.config), loaded.filepath));
 * ```
 */
export interface LoadedConfig {
  config: unknown;
  /** Absolute path of the file, or undefined when none was found. */
  filepath?: string;
}

/**
 * Reads the config: the file at `configPath` if given (missing → GW_ERR_CONFIG_NOT_FOUND),
 * otherwise the first of {@link CONFIG_FILES} from `cwd` upwards to the project root.
 * Returns `{ config: undefined }` when there is none.
 *
 * @example
 * ```ts
 * const { config, filepath } = await loadConfigFile({ configPath: process.argv[2] });
 * ```
 */
export async function loadConfigFile(options: { configPath?: string; cwd?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig('switchyard', {
    searchPlaces: [...CONFIG_FILES],
    searchStrategy: 'project',
    loaders: { '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml },
  });
  try {
    if (options.configPath) {
      const file = path.resolve(cwd, options.configPath);
      const result = await explorer.load(file);
      return { config: result?.config ?? {}, filepath: file };
    }
    const result = await explorer.search(cwd);
    if (!result || result.isEmpty) return { config: undefined, filepath: result?.filepath };
    return { config: result.config, filepath: result.filepath };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') {
      throw new GatewayError('GW_ERR_CONFIG_NOT_FOUND', `config file not found: ${options.configPath}`, { cause: err });
    }
    throw new GatewayError('GW_ERR_CONFIG_INVALID', `could not read config: ${e.message}`, { cause: err });
  }
}
