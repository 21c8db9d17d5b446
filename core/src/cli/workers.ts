/**
 * `--workers N`: a node:cluster primary that forks N gateway processes sharing one port,
 * restarts crashed workers, and forwards SIGTERM so each drains before exiting.
 */
import cluster from 'node:cluster';
import type { CliOptions } from './args.js';

/**
 * In the primary: forks workers and returns true (the caller stops there). In a worker:
 * returns false so the caller serves.
 *
 * @example
 * ```ts
 * if (await runWorkers(options)) return; // primary
 * await serve(options); // worker
 * ```
 */
export async function runWorkers(options: CliOptions): Promise<boolean> {
  if (!cluster.isPrimary) return false;
  const count = options.workers ?? 1;
  let stopping = false;
  let printed = false;
  const fork = () => {
    const worker = cluster.fork();
    worker.process.stdout?.on('data', () => {});
    return worker;
  };
  cluster.setupPrimary({ silent: false });
  cluster.on('listening', (_w, address) => {
    if (printed) return;
    printed = true;
    process.stdout.write(`switchyard primary ${process.pid}: ${count} workers on port ${address.port}\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`switchyard: worker ${worker.process.pid} exited (${signal ?? code}); restarting\n`);
    fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < count; i++) fork();
  return true;
}
