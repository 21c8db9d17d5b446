/**
 * A run's event stream as the API sends it: `event: <name>` and the object as `data`, the
 * events the route itself knows first (`thread.created`, `thread.run.created`, ...), then the
 * executor's as they happen, until the run finishes or waits for tool outputs; then
 * `event: done` / `data: [DONE]`. The run goes on if the client leaves.
 *
 * When another process executes the run (several gateways on one database), no live event
 * reaches this one: while no local executor holds the run, the stream looks at the store
 * every second and, once the run has finished, sends what it missed from there (each step,
 * each message with its whole text as one delta, the final run), in the same order.
 */
import { sseFrame, sseResponse, type RouteResponse } from '@switchyard/core';
import type { AssistantsDeps } from '../deps.js';
import type { MessageObject, RunObject, StepObject } from '../types.js';
import { FINAL_EVENTS, type RunEvent, type RunSubscription } from './events.js';

/** How often a stream of a run executed elsewhere looks at the store. */
const STORE_CHECK_MS = 1000;

/** What a stream has sent so far (what a catch-up from the store leaves out). */
interface Sent {
  inProgress: boolean;
  steps: Set<string>;
}

const FINAL_RUN = new Set(['completed', 'incomplete', 'failed', 'cancelled', 'expired', 'requires_action']);

/** The events of a run this stream missed, from the store; empty until the run finished. */
async function catchUp(deps: AssistantsDeps, runId: string, sent: Sent): Promise<RunEvent[] | undefined> {
  const stored = await deps.repo.storedRun(runId);
  if (!stored) return undefined; // deleted with its thread
  const run = stored.run;
  if (!FINAL_RUN.has(run.status)) return [];
  const out: RunEvent[] = [];
  if (!sent.inProgress && run.started_at !== null) out.push({ event: 'thread.run.in_progress', data: { ...run, status: 'in_progress', usage: null, required_action: null } satisfies RunObject });
  for (const step of await deps.repo.runSteps(runId)) {
    if (sent.steps.has(step.id)) continue;
    const open: StepObject = { ...step, status: 'in_progress', completed_at: null, cancelled_at: null, failed_at: null, expired_at: null, usage: null, last_error: null };
    if (step.step_details.type === 'tool_calls') open.step_details = { type: 'tool_calls', tool_calls: [] };
    out.push({ event: 'thread.run.step.created', data: open }, { event: 'thread.run.step.in_progress', data: open });
    if (step.step_details.type === 'message_creation') {
      const m = await deps.repo.message(step.thread_id, step.step_details.message_creation.message_id, undefined);
      if (m) {
        const created: MessageObject = { ...m, status: 'in_progress', content: [], completed_at: null, incomplete_at: null, incomplete_details: null };
        const text = m.content.map((p) => (p.type === 'text' ? p.text.value : '')).join('');
        out.push({ event: 'thread.message.created', data: created }, { event: 'thread.message.in_progress', data: created });
        if (text) out.push({ event: 'thread.message.delta', data: { id: m.id, object: 'thread.message.delta', delta: { content: [{ index: 0, type: 'text', text: { value: text, annotations: [] } }] } } });
        out.push({ event: m.status === 'incomplete' ? 'thread.message.incomplete' : 'thread.message.completed', data: m });
      }
    } else {
      const tool_calls = step.step_details.tool_calls.map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments, output: null } }));
      if (tool_calls.length > 0) out.push({ event: 'thread.run.step.delta', data: { id: step.id, object: 'thread.run.step.delta', delta: { step_details: { type: 'tool_calls', tool_calls } } } });
    }
    if (step.status !== 'in_progress') out.push({ event: `thread.run.step.${step.status}`, data: step });
  }
  out.push({ event: `thread.run.${run.status}`, data: run });
  return out;
}

/**
 * The SSE response of a run.
 *
 * @example
 * ```ts
 * const sub = deps.events.subscribe(run.id);
 * deps.queue.wake();
 * return runStream(deps, run.id, [{ event: 'thread.run.created', data: run }, { event: 'thread.run.queued', data: run }], sub);
 * ```
 */
export function runStream(deps: AssistantsDeps, runId: string, initial: readonly RunEvent[], sub: RunSubscription, options: { sentSteps?: Iterable<string> } = {}): RouteResponse {
  const sent: Sent = { inProgress: false, steps: new Set(options.sentSteps) };
  const note = (ev: RunEvent) => {
    if (ev.event === 'thread.run.in_progress') sent.inProgress = true;
    if (ev.event.startsWith('thread.run.step.')) sent.steps.add((ev.data as { id: string }).id);
  };
  async function* frames(): AsyncGenerator<string> {
    const it = sub[Symbol.asyncIterator]();
    let ended = false;
    try {
      for (const e of initial) {
        note(e);
        yield sseFrame(e.data, e.event);
      }
      let pending: Promise<IteratorResult<RunEvent>> | undefined;
      for (;;) {
        pending ??= it.next();
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<'tick'>((r) => (timer = setTimeout(() => r('tick'), STORE_CHECK_MS)));
        const next = await Promise.race([pending, tick]);
        clearTimeout(timer);
        if (next === 'tick') {
          if (deps.queue.isLocal(runId)) continue;
          const missed = await catchUp(deps, runId, sent);
          if (missed === undefined) break;
          for (const e of missed) {
            yield sseFrame(e.data, e.event);
            if (FINAL_EVENTS.has(e.event)) ended = true;
          }
          if (ended) break;
          continue;
        }
        pending = undefined;
        if (next.done) break;
        note(next.value);
        yield sseFrame(next.value.data, next.value.event);
        if (FINAL_EVENTS.has(next.value.event)) {
          ended = true;
          break;
        }
      }
      if (!ended) {
        // this process stopped following the run (it is shutting down, or the thread is gone)
        yield sseFrame({ error: { message: 'The gateway stopped streaming this run; retrieve the run to follow it.', type: 'server_error', param: null, code: 'stream_interrupted' } }, 'error');
      }
      yield 'event: done\ndata: [DONE]\n\n';
    } finally {
      sub.close();
      void it.return?.();
    }
  }
  return sseResponse(frames());
}
