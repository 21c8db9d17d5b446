/**
 * Boots one gateway process from a config file (or the embedded default) and serves it
 * until SIGTERM/SIGINT, which drain in-flight calls and streams (cutting what still runs at
 * `server.shutdownTimeoutMs`) before exiting.
 */
import path from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { createGateway, type Gateway, type Listening } from '../gateway.js';
import type { CliOptions } from './args.js';
import { fileConfig } from '../config/defaults.js';
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
  // no file: the embedded default; a file that lists no plugins: the default plus its models
  const gateway = await createGateway((config === undefined ? { extends: 'default' } : fileConfig(config)) as SwitchyardConfig, {
    configDir: filepath ? path.dirname(filepath) : process.cwd(),
    configFile: config === undefined ? undefined : filepath,
  });
  const listening = await gateway.listen({ port: options.port, host: options.host });
  return { gateway, listening, configPath: config === undefined ? undefined : filepath };
}

function storeLine(gateway: Gateway): string {
  const store = gateway.services.store;
  if (!store) return 'none (calls, sessions and responses are not kept)';
  return `${store.dialect} ${store.location ?? ''}`.trim();
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
    `store: ${storeLine(gateway)}`,
    gateway.hooks.authenticate.taps.length > 0
      ? 'auth: every call needs a key'
      : 'auth: none (open to this machine only: listening on loopback; add @switchyard/auth with a master key to serve others)',
  ];
  return lines.join('\n');
}

/**
 * Drains and exits on SIGTERM/SIGINT: 0 when everything finished, 1 when shutdown had to cut
 * something (it says what). A second signal exits at once, saying so.
 *
 * @example
 * ```ts
 * onShutdownSignals(gateway);
 * ```
 */
export function onShutdownSignals(gateway: Gateway, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      const n = gateway.inflight;
      log(`${signal} again: exiting at once${n > 0 ? `; ${n} call(s) still running are cut without being logged` : ''}`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: draining in-flight requests... (${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to exit at once)`);
    gateway.close().then(
      (report) => {
        const cut = [
          report.cut > 0 ? `${report.cut} call(s) still running at the shutdown timeout were cut (error sent, logged as failed)` : '',
          report.backgroundCut > 0 ? `${report.backgroundCut} piece(s) of background work did not finish` : '',
          report.closed ? '' : 'plugins did not finish closing',
        ].filter(Boolean);
        if (cut.length === 0) {
          log('drained, bye');
          process.exit(0);
        }
        log(`shutdown cut work: ${cut.join('; ')}`);
        process.exit(1);
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
