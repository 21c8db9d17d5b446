#!/usr/bin/env node
/**
 * The `switchyard` command.
 */
import { GatewayError } from '../errors.js';
import { VERSION } from '../version.js';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { runWorkers } from './workers.js';
import { banner, onShutdownSignals, serve } from './serve.js';

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`switchyard: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) return void process.stdout.write(USAGE);
  if (options.version) return void process.stdout.write(`${VERSION}\n`);
  if ((options.workers ?? 1) > 1 && (await runWorkers(options))) return;
  const serving = await serve(options);
  process.stdout.write(`${banner(serving)}\n`);
  onShutdownSignals(serving.gateway);
}

main().catch((err: unknown) => {
  const message = err instanceof GatewayError ? `${err.code}: ${err.message}` : ((err as Error)?.stack ?? String(err));
  process.stderr.write(`switchyard: failed to start: ${message}\n`);
  process.exit(1);
});
