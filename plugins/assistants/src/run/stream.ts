/**
 * A run's event stream as the API sends it: `event: <name>` and the object as `data`, the
 * events the route itself knows first (`thread.created`, `thread.run.created`, ...), then the
 * executor's as they happen, until the run finishes or waits for tool outputs; then
 * `event: done` / `data: [DONE]`. The run goes on if the client leaves.
 */
import { sseFrame, sseResponse, type RouteResponse } from '@switchyard/core';
import { FINAL_EVENTS, type RunEvent, type RunSubscription } from './events.js';

/**
 * The SSE response of a run.
 *
 * @example
 * ```ts
 * const sub = env.events.subscribe(run.id);
 * env.queue.wake();
 * return runStream([{ event: 'thread.run.created', data: run }, { event: 'thread.run.queued', data: run }], sub);
 * ```
 */
export function runStream(initial: readonly RunEvent[], sub: RunSubscription, headers: Record<string, string> = {}): RouteResponse {
  async function* frames(): AsyncGenerator<string> {
    let ended = false;
    try {
      for (const e of initial) yield sseFrame(e.data, e.event);
      for await (const ev of sub) {
        yield sseFrame(ev.data, ev.event);
        if (FINAL_EVENTS.has(ev.event)) ended = true;
      }
      if (!ended) {
        // this process stopped following the run (it is shutting down); the run itself goes on
        yield sseFrame({ error: { message: 'The gateway stopped streaming this run; retrieve the run to follow it.', type: 'server_error', param: null, code: 'stream_interrupted' } }, 'error');
      }
      yield 'event: done\ndata: [DONE]\n\n';
    } finally {
      sub.close();
    }
  }
  return sseResponse(frames(), headers);
}
