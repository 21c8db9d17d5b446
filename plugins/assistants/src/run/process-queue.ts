/**
 * The in-process run queue: runs execute in this process as soon as they are woken, a few at
 * a time; at start it picks up the runs a previous process left queued, in progress or
 * cancelling (a restart resumes them). Only for one gateway process per database: several
 * processes would each resume the same runs (the store's job queue is for that case).
 */
import type { ExecuteRun, RunQueue } from './queue.js';

/** What the in-process queue needs. */
export interface ProcessQueueDeps {
  /** Tracks work so that flush() and shutdown wait for it. */
  background(work: Promise<unknown>): void;
  /** Ids of the runs to resume at start, oldest first. */
  resumable(): Promise<string[]>;
  /** Most runs executing at once (default 16). */
  concurrency?: number;
}

/** Why an execution was aborted. */
export class RunInterrupted extends Error {
  constructor(readonly reason: 'cancelled' | 'stopped') {
    super(`run execution ${reason}`);
  }
}

/**
 * The in-process queue.
 *
 * @example
 * ```ts
 * const queue = processQueue({ background: (p) => gateway.background(p), resumable: () => repo.runIdsIn(['queued', 'in_progress']) });
 * await queue.start(execute);
 * ```
 */
export function processQueue(deps: ProcessQueueDeps): RunQueue {
  const limit = deps.concurrency ?? 16;
  const waiting: string[] = [];
  const running = new Map<string, { ac: AbortController; done: Promise<void> }>();
  /** Runs queued again while their previous segment was still finishing. */
  const again = new Set<string>();
  let execute: ExecuteRun | undefined;
  let stopped = false;

  function pump(): void {
    if (!execute || stopped) return;
    while (running.size < limit && waiting.length > 0) {
      const id = waiting.shift()!;
      if (running.has(id)) {
        again.add(id);
        continue;
      }
      const ac = new AbortController();
      const run = execute;
      const done = (async () => {
        try {
          await run(id, { signal: ac.signal });
        } finally {
          running.delete(id);
          if (again.delete(id) && !stopped) waiting.push(id);
          pump();
        }
      })();
      running.set(id, { ac, done });
      deps.background(done);
    }
  }

  return {
    kind: 'process',
    async enqueue(runId) {
      if (!waiting.includes(runId)) waiting.push(runId);
    },
    wake: pump,
    async cancel(runId) {
      const i = waiting.indexOf(runId);
      if (i >= 0) waiting.splice(i, 1);
      again.delete(runId);
      running.get(runId)?.ac.abort(new RunInterrupted('cancelled'));
    },
    async start(fn) {
      execute = fn;
      for (const id of await deps.resumable()) if (!waiting.includes(id)) waiting.push(id);
      pump();
    },
    async stop() {
      stopped = true;
      waiting.length = 0;
      const all = [...running.values()];
      for (const r of all) r.ac.abort(new RunInterrupted('stopped'));
      await Promise.allSettled(all.map((r) => r.done));
    },
  };
}
