/**
 * Live run events in this process: the executor publishes each event as it happens, a
 * streaming response subscribes before the run is woken and reads them in order. A
 * subscriber that falls behind buffers (events are small and a run's stream is finite).
 */

/** One Assistants stream event: its name and its data object. */
export interface RunEvent {
  event: string;
  data: unknown;
}

/** Events after which a run's stream ends (the run finished or waits for the client). */
export const FINAL_EVENTS: ReadonlySet<string> = new Set([
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
  'thread.run.requires_action',
]);

/** A subscription: iterate it once; `close()` ends it early. */
export interface RunSubscription extends AsyncIterable<RunEvent> {
  close(): void;
}

/**
 * The event bus of a gateway's runs.
 *
 * @example
 * ```ts
 * const sub = events.subscribe(run.id);
 * queue.wake();
 * for await (const ev of sub) send(ev);
 * ```
 */
export class RunEvents {
  readonly #subs = new Map<string, Set<(ev: RunEvent | undefined) => void>>();

  /** Publishes an event of run `runId`. */
  emit(runId: string, event: string, data: unknown): void {
    const subs = this.#subs.get(runId);
    if (!subs) return;
    const ev = { event, data: structuredClone(data) };
    for (const s of subs) s(ev);
  }

  /** Ends every subscription of `runId` (the run was deleted, or this process is closing). */
  end(runId?: string): void {
    const ids = runId === undefined ? [...this.#subs.keys()] : [runId];
    for (const id of ids) for (const s of this.#subs.get(id) ?? []) s(undefined);
  }

  /** Whether anyone listens to `runId`. */
  listened(runId: string): boolean {
    return (this.#subs.get(runId)?.size ?? 0) > 0;
  }

  /** Subscribes to run `runId` until one of {@link FINAL_EVENTS} (included) or `close()`. */
  subscribe(runId: string): RunSubscription {
    const queue: Array<RunEvent | undefined> = [];
    let wake: (() => void) | undefined;
    let done = false;
    const push = (ev: RunEvent | undefined) => {
      queue.push(ev);
      wake?.();
    };
    let subs = this.#subs.get(runId);
    if (!subs) this.#subs.set(runId, (subs = new Set()));
    subs.add(push);
    const close = () => {
      done = true;
      subs!.delete(push);
      if (subs!.size === 0 && this.#subs.get(runId) === subs) this.#subs.delete(runId);
      wake?.();
    };
    return {
      close,
      async *[Symbol.asyncIterator]() {
        try {
          while (!done) {
            if (queue.length === 0) await new Promise<void>((r) => (wake = r));
            wake = undefined;
            while (queue.length > 0) {
              const ev = queue.shift();
              if (ev === undefined) return;
              yield ev;
              if (FINAL_EVENTS.has(ev.event)) return;
            }
          }
        } finally {
          close();
        }
      },
    };
  }
}
