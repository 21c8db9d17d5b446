/**
 * Turning config plugin specs (package names, `[name, options]` tuples, objects) into
 * plugin objects.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GatewayError } from '../errors.js';
import { assertPlugin, type GatewayPlugin } from '../plugin-loader.js';
import type { PluginSpec } from './schema.js';

type Factory = (options?: Record<string, unknown>) => unknown;

async function importPackage(name: string, fromDir: string | undefined): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    if (!fromDir) throw err;
    // resolve from the config file's folder (a project that installs plugins beside its config)
    const resolved = createRequire(path.join(fromDir, 'noop.js')).resolve(name);
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  }
}

/**
 * Resolves one plugin spec. Packages must default-export a factory (or export a
 * function named like the package's last segment); the factory is called with the options.
 *
 * @example
 * ```ts
 * const plugin = await resolvePlugin(['@switchyard/logger-console', { level: 'info' }]);
 * ```
 */
export async function resolvePlugin(spec: PluginSpec, options: { fromDir?: string; index?: number } = {}): Promise<GatewayPlugin> {
  const where = `plugins[${options.index ?? 0}]`;
  if (typeof spec === 'object' && !Array.isArray(spec)) {
    assertPlugin(spec, where);
    return spec;
  }
  const [name, pluginOptions] = typeof spec === 'string' ? [spec, undefined] : spec;
  let mod: Record<string, unknown>;
  try {
    mod = await importPackage(name, options.fromDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? ` (is it installed? npm install ${name})` : '';
    throw new GatewayError('GW_ERR_PLUGIN_NOT_FOUND', `${where}: cannot load plugin package "${name}"${hint}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const factory = (typeof mod.default === 'function' ? mod.default : undefined) as Factory | undefined;
  if (!factory) {
    throw new GatewayError('GW_ERR_PLUGIN_INVALID', `${where}: package "${name}" has no default-exported plugin factory`);
  }
  let plugin: unknown;
  try {
    plugin = factory(pluginOptions);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `${where}: plugin "${name}" rejected its options: ${(err as Error).message}`, {
      cause: err,
    });
  }
  assertPlugin(plugin, `${where} ("${name}")`);
  return plugin;
}

/**
 * Resolves every plugin spec of a config, in order.
 *
 * @example
 * ```ts
 * const plugins = await resolvePlugins(config.plugins ?? [], path.dirname(filepath));
 * ```
 */
export async function resolvePlugins(specs: readonly PluginSpec[], fromDir?: string): Promise<GatewayPlugin[]> {
  const out: GatewayPlugin[] = [];
  for (const [index, spec] of specs.entries()) out.push(await resolvePlugin(spec, { fromDir, index }));
  return out;
}
