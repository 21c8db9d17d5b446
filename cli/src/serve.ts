/**
 * Boots one gateway process from a config file (or the embedded default) and serves it
 * until SIGTERM/SIGINT, which drain in-flight calls and streams (cutting what still runs at
 * `server.shutdownTimeoutMs`) before exiting.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import { configFromFile, type FileConfig } from './from-file.js';
import { loadConfigFile } from '@switchyard/core';
import { consoleDiagnostics } from '@switchyard/core';
import { createGateway, type Gateway, type Listening } from '@switchyard/core';
import type { CliOptions } from './args.js';

/** A serving gateway and how it was configured. */
export interface Serving {
  gateway: Gateway;
  listening: Listening;
  configPath?: string;
  /** `litellm` when the file was a LiteLLM proxy config (translated). */
  dialect?: FileConfig['dialect'];
  /** The LiteLLM settings that are not supported, one line each (printed at start). */
  warnings?: string[];
}

/**
 * Reads the config the CLI serves: the file (or the embedded default), a LiteLLM config translated.
 *
 * @example
 * ```ts
 * const { file, filepath } = await readCliConfig({ config: 'litellm_config.yaml', help: false, version: false });
 * ```
 */
export async function readCliConfig(options: Pick<CliOptions, 'config'>): Promise<{ file: FileConfig; filepath?: string; found: boolean }> {
  const { config, filepath } = await loadConfigFile({ configPath: options.config });
  const fromDir = filepath ? path.dirname(filepath) : process.cwd();
  return { file: configFromFile(config, { filepath, fromDir }), filepath, found: config !== undefined };
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
  // no file: the embedded default; a file that lists no plugins: the default plus its models;
  // a LiteLLM config.yaml: translated
  const { file, filepath, found } = await readCliConfig(options);
  Object.assign(process.env, file.environment);
  // once per start: with --workers, the first worker says it
  if (file.warnings.length > 0 && (!cluster.isWorker || cluster.worker?.id === 1)) {
    const diagnostics = consoleDiagnostics(file.config.logLevel ?? 'info');
    for (const line of file.warnings) diagnostics.warn(`LiteLLM config: ${line}`);
  }
  const gateway = await createGateway(file.config, {
    configDir: filepath ? path.dirname(filepath) : process.cwd(),
    configFile: found ? filepath : undefined,
  });
  const listening = await gateway.listen({ port: options.port, host: options.host });
  return { gateway, listening, configPath: found ? filepath : undefined, dialect: file.dialect, warnings: file.warnings };
}

function storeLine(gateway: Gateway): string {
  // the store contract lives in @switchyard/store; the banner needs only these two fields
  const store = (gateway.services as { store?: { dialect: string; location?: string } }).store;
  if (!store) return 'none (calls, sessions and responses are not kept)';
  return `${store.dialect} ${store.location ?? ''}`.trim();
}

/** One line per page for people (the web console): its name and URL. */
function pageLines(gateway: Gateway, listening: Listening): string[] {
  const origin = listening.url.replace(/\/v1$/, '');
  return gateway.routes.filter((r) => r.page && r.method === 'GET').map((r) => `${r.page}: ${origin}${r.path}`);
}

/**
 * A human-readable banner of what is served.
 *
 * @example
 * ```ts
 * console.log(banner(serving));
 * ```
 */
export function banner({ gateway, listening, configPath, dialect, warnings = [] }: Serving): string {
  const translated =
    dialect === 'litellm'
      ? ` (LiteLLM proxy config, translated${warnings.length ? `; ${warnings.length} setting(s) not supported, warned above` : ''})`
      : '';
  const lines = [
    `Switchyard ${gateway.version} listening on ${listening.url} (also without /v1)`,
    `config: ${configPath ?? 'embedded default (no config file found)'}${translated}`,
    `plugins: ${gateway.plugins.map((p) => `${p.name}${p.version ? `@${p.version}` : ''}`).join(', ') || 'none'}`,
    `models: ${gateway.models.names().join(', ') || 'none'}`,
    `store: ${storeLine(gateway)}`,
    ...pageLines(gateway, listening),
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
