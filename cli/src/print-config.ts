/**
 * `switchyard --print-config`: the config that would be served, as Switchyard YAML; for a
 * LiteLLM config.yaml, its translation (environment references kept, unsupported settings
 * listed as comments), ready to save as `.switchyardrc.yaml`.
 */
import { stringify } from 'yaml';
import type { CliOptions } from './args.js';
import { readCliConfig } from './serve.js';

const isPluginObject = (v: unknown): v is { name: string } =>
  typeof v === 'object' && v !== null && typeof (v as { apply?: unknown }).apply === 'function';

/**
 * The printed config.
 *
 * @example
 * ```ts
 * process.stdout.write(await printedConfig({ config: 'litellm_config.yaml', help: false, version: false }));
 * ```
 */
export async function printedConfig(options: Pick<CliOptions, 'config'>): Promise<string> {
  const { file, filepath, found } = await readCliConfig(options);
  const from = found ? `from ${filepath}` : '(embedded default, no config file found)';
  const head = [`# Switchyard config ${from}${file.dialect === 'litellm' ? ', translated from a LiteLLM proxy config' : ''}`];
  for (const line of file.warnings) head.push(`# warning: ${line}`);
  for (const [k, v] of Object.entries(file.environment)) head.push(`# environment_variables sets ${k}${k.match(/KEY|SECRET|PASSWORD|TOKEN/i) ? '' : `=${v}`}`);
  // plugin objects (from a switchyard.config.ts) have no YAML form: their name stands in
  const body = stringify(file.config, (_key, value: unknown) => (isPluginObject(value) ? `<plugin object ${value.name}>` : value));
  return `${head.join('\n')}\n${body}`;
}
