/**
 * The orchestrator's handle on the load generator process (loadgen.ts, forked with IPC).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HttpJob, HttpResult, OpenJob, TtfcJob } from './loadgen.js';
import { track } from './procs.js';
import type { OpenStreamsResult, TtfcResult } from './streams.js';

/** Sends jobs to the load generator and awaits their results. */
export interface LoadGen {
  pid: number;
  http(job: Omit<HttpJob, 'kind'>): Promise<HttpResult>;
  ttfc(job: Omit<TtfcJob, 'kind'>): Promise<TtfcResult>;
  /** `onAllOpen` runs when every stream has its first chunk. */
  open(job: Omit<OpenJob, 'kind'>, onAllOpen: () => void): Promise<OpenStreamsResult>;
  close(): void;
}

/**
 * Forks the load generator (TypeScript via tsx) and waits until it is ready.
 *
 * @example
 * ```ts
 * const gen = await startLoadGen();
 * const r = await gen.http({ url, connections: 64, duration: 10, headers, body });
 * ```
 */
export async function startLoadGen(): Promise<LoadGen> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./loadgen.ts', import.meta.url)), [], {
    execArgv: ['--conditions=@switchyard/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(child);
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let onAllOpen: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
    child.on('message', (msg: { event?: string; id?: number; result?: unknown; error?: string }) => {
      if (msg.event === 'ready') return resolve();
      if (msg.event === 'allOpen') return onAllOpen?.();
      const p = pending.get(msg.id!);
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('load generator exited'));
  });
  const send = <T>(job: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, job });
    });
  return {
    pid: child.pid!,
    http: (job) => send({ kind: 'http', ...job }),
    ttfc: (job) => send({ kind: 'ttfc', ...job }),
    open: (job, cb) => {
      onAllOpen = cb;
      return send({ kind: 'open', ...job });
    },
    close: () => void child.kill('SIGTERM'),
  };
}
