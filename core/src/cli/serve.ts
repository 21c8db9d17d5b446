/**
 * Boots one gateway process from a config file (or the embedded default) and serves it
 * until SIGTERM/SIGINT, which drain in-flight calls and streams before exiting 0.
 */
import path from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { createGateway, type Gateway, type Listening } from '../gateway.js';
import type { CliOptions } from './args.js';
import { DEFAULT_CONFIG } from './default-config.js';
import type { SwitchyardConfig } from '../config/schema.js';

/** A serving gateway and how it was configured. */
export interface Serving {
  gateway: Gateway;
  listening: Listening;
  configPath?: string;
}

/**
 * Loads the config, builds the gateway and listens.
 *
 * @example
 * ```ts
 * const { listening } = await serve({ port: 0, help: false, version: false });
 * ```
 */
export async function serve(options: CliOptions): Promise<Serving> {
  const { config, filepath } = await loadConfigFile({ configPath: options.config });
  const gateway = await createGateway((config as SwitchyardConfig | undefined) ?? DEFAULT_CONFIG, {
    configDir: filepath ? path.dirname(filepath) : process.cwd(),
  });
  const listening = await gateway.listen({ port: options.port, host: options.host });
  return { gateway, listening, configPath: config === undefined ? undefined : filepath };
}

/**
 * A human-readable banner of what is served.
 *
 * @example
 * ```ts
 * console.log(banner(serving));
 * ```
 */
export function banner({ gateway, listening, configPath }: Serving): string {
  const lines = [
    `Switchyard ${gateway.version} listening on ${listening.url} (also without /v1)`,
    `config: ${configPath ?? 'embedded default (no config file found)'}`,
    `plugins: ${gateway.plugins.map((p) => `${p.name}${p.version ? `@${p.version}` : ''}`).join(', ') || 'none'}`,
    `models: ${gateway.models.names().join(', ') || 'none'}`,
    gateway.hooks.authenticate.taps.length > 0
      ? 'auth: every call needs a key'
      : 'auth: none (open to this machine only: listening on loopback; add @switchyard/auth with a master key to serve others)',
  ];
  return lines.join('\n');
}

/**
 * Drains and exits on SIGTERM/SIGINT (a second signal exits at once).
 *
 * @example
 * ```ts
 * onShutdownSignals(gateway);
 * ```
 */
export function onShutdownSignals(gateway: Gateway, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: draining in-flight requests...`);
    gateway.close().then(
      () => {
        log('drained, bye');
        process.exit(0);
      },
      (err: unknown) => {
        log(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
