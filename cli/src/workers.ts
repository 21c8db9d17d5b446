/**
 * `--workers N`: a node:cluster primary that forks N gateway processes sharing one port,
 * restarts workers that crash after they served, and forwards SIGTERM so each drains
 * before exiting. A worker that dies before it ever listened (busy port, bad config) is
 * not restarted: restarting would fail the same way, forever.
 */
import cluster, { type Worker } from 'node:cluster';
import type { CliOptions } from './args.js';

/** Restarts allowed in {@link RESTART_WINDOW_MS} before the primary gives up. */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;

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
  let announced = false;
  const listened = new Set<Worker>();
  const restarts: number[] = [];
  const alive = () => Object.keys(cluster.workers ?? {}).length;
  const fail = (line: string) => {
    process.stderr.write(`switchyard: ${line}\n`);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exitCode = 1;
    if (alive() === 0) process.exit(1);
  };
  cluster.setupPrimary({ silent: false });
  cluster.on('listening', (worker, address) => {
    listened.add(worker);
    if (!announced && listened.size >= count) {
      // only once every worker holds the port: a client (or test) may then rely on all of them
      announced = true;
      process.stdout.write(`switchyard primary ${process.pid}: ${count} workers listening on port ${address.port}\n`);
    } else if (announced) {
      process.stdout.write(`switchyard primary ${process.pid}: worker ${worker.process.pid} listening on port ${address.port}\n`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const served = listened.delete(worker);
    if (stopping) {
      if (code !== null && code !== 0) process.exitCode = 1; // a worker that had to cut work on shutdown
      if (alive() === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!served) return fail(`worker ${worker.process.pid} exited (${signal ?? code}) before it served; not restarting`);
    const t = Date.now();
    while (restarts.length > 0 && restarts[0]! < t - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) return fail(`${MAX_RESTARTS} worker restarts within ${RESTART_WINDOW_MS / 1000} s; giving up`);
    restarts.push(t);
    process.stderr.write(`switchyard: worker ${worker.process.pid} exited (${signal ?? code}); restarting\n`);
    cluster.fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < count; i++) cluster.fork();
  return true;
}
