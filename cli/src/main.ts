#!/usr/bin/env node
/**
 * The `switchyard` command.
 */
import { GatewayError } from '@switchyard/core';
import { VERSION } from '@switchyard/core';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { batchesCommand } from './batches-watch.js';
import { runWorkers } from './workers.js';
import { banner, onShutdownSignals, serve } from './serve.js';
import { guardProcess } from './guard.js';
import { printedConfig } from './print-config.js';

async function main(): Promise<void> {
  if (process.argv[2] === 'batches') {
    process.exitCode = await batchesCommand(process.argv.slice(3));
    return;
  }
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`switchyard: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) return void process.stdout.write(USAGE);
  if (options.version) return void process.stdout.write(`${VERSION}\n`);
  if (options.printConfig) return void process.stdout.write(await printedConfig(options));
  if ((options.workers ?? 1) > 1 && (await runWorkers(options))) return;
  const serving = await serve(options);
  // before the banner: whoever waits for it may signal at once
  onShutdownSignals(serving.gateway);
  process.stdout.write(`${banner(serving)}\n`);
  guardProcess(serving.gateway);
}

/** One line for the start failures a user can fix; a stack only for the unexpected. */
function startFailure(err: unknown): string {
  if (err instanceof GatewayError) return `${err.code}: ${err.message}`;
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const port = e?.port === undefined ? 'the port' : `port ${e.port}`;
  if (e?.code === 'EADDRINUSE') return `${port} is in use; pick another with --port`;
  if (e?.code === 'EACCES' && e.syscall === 'listen') return `no permission to listen on ${port}; pick another with --port`;
  if (e?.code === 'EADDRNOTAVAIL') return `address ${e.address ?? ''} is not available on this machine; pick another with --host`;
  return e?.stack ?? String(err);
}

main().catch((err: unknown) => {
  process.stderr.write(`switchyard: failed to start: ${startFailure(err)}\n`);
  process.exit(1);
});
