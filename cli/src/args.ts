/**
 * Command-line arguments of `switchyard`.
 */
import { parseArgs } from 'node:util';

/** Parsed CLI options. */
export interface CliOptions {
  config?: string;
  port?: number;
  host?: string;
  workers?: number;
  /** Print the config that would be served (a LiteLLM config as Switchyard YAML) and exit. */
  printConfig?: boolean;
  help: boolean;
  version: boolean;
}

/** The usage text. */
export const USAGE = `Usage: switchyard [options]
       switchyard batches watch <batch_id> [--url URL] [--key KEY]   (progress of a batch)

Options:
  -c, --config PATH   config file (default: switchyard.config.{ts,mjs,js}, .switchyardrc{,.json,.yaml},
                      litellm_config.yaml); a LiteLLM proxy config.yaml is translated as it is
  -p, --port N        port to listen on (default: config server.port, $PORT, or 4000)
      --host HOST     interface to bind (default: config server.host or 127.0.0.1)
  -w, --workers N     worker processes sharing the port (default 1)
      --print-config  print the config that would be served, as Switchyard YAML, and exit
  -h, --help          show this help
  -v, --version       print the version
`;

function int(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

/**
 * Parses argv (without node and the script).
 *
 * @example
 * ```ts
 * parseCli(['--port', '4001']); // { port: 4001, help: false, version: false }
 * ```
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      workers: { type: 'string', short: 'w' },
      'print-config': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    config: values.config,
    port: int(values.port ?? env.PORT, '--port', 0, 65535),
    host: values.host,
    workers: int(values.workers, '--workers', 1, 256),
    printConfig: values['print-config'] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
