/**
 * Process-level safety nets of a serving gateway: a promise rejection nobody handled is
 * reported and the gateway keeps serving (one bad request must not end every other one);
 * an uncaught exception is reported and the gateway drains and exits 1, since the process
 * may be in a state nobody planned for (`--workers` then starts a fresh one).
 */
import type { Gateway } from '@switchyard/core';

/**
 * Installs the handlers for `gateway`'s process.
 *
 * @example
 * ```ts
 * guardProcess(serving.gateway);
 * ```
 */
export function guardProcess(gateway: Gateway): void {
  let unhandled = 0;
  process.on('unhandledRejection', (reason) => {
    unhandled++;
    gateway.diagnostics.error(`unhandled promise rejection #${unhandled} (still serving)`, reason);
  });
  process.on('uncaughtException', (err) => {
    gateway.diagnostics.error('uncaught exception: draining and exiting', err);
    gateway.close().finally(() => process.exit(1));
  });
}
