/**
 * Ends a run that will not complete normally: cancelled, failed, expired, or incomplete
 * before a step (a token limit). Whatever it left open is closed the way OpenAI closes it
 * (steps cancelled/failed/expired, messages incomplete with the reason), the thread is freed,
 * all in one transaction that only applies while the run is still in one of the statuses it
 * is ended from; then the events are sent.
 */
import type { AnyKysely } from '@switchyard/store';
import type { AssistantsDeps } from '../deps.js';
import { nowSec } from '../ids.js';
import type { MessageObject, RunObject, RunStatus, StepObject } from '../types.js';

/** How a run ends here. */
export type RunEnd =
  | { status: 'cancelled' }
  | { status: 'failed'; error: NonNullable<RunObject['last_error']> }
  | { status: 'expired' }
  | { status: 'incomplete'; reason: 'max_completion_tokens' | 'max_prompt_tokens' };

const FROM: Record<RunEnd['status'], readonly RunStatus[]> = {
  // a run being executed is cancelled by its executor (from `cancelling`), never under it
  cancelled: ['cancelling'],
  failed: ['in_progress', 'cancelling'],
  expired: ['queued', 'requires_action'],
  incomplete: ['in_progress'],
};

const MESSAGE_REASON: Record<RunEnd['status'], string> = { cancelled: 'run_cancelled', failed: 'run_failed', expired: 'run_expired', incomplete: 'run_incomplete' };

/**
 * Ends run `runId` as `end` says; false when it was no longer in a status it ends from.
 * `partial` has the text streamed so far of messages left open (kept on them); `from`
 * overrides the statuses it ends from.
 *
 * @example
 * ```ts
 * await endRun(deps, run.id, { status: 'cancelled' });
 * ```
 */
export async function endRun(
  deps: AssistantsDeps,
  runId: string,
  end: RunEnd,
  options: { partial?: ReadonlyMap<string, string>; transaction?: <T>(fn: (trx: AnyKysely) => Promise<T>) => Promise<T>; from?: readonly RunStatus[] } = {},
): Promise<boolean> {
  const { repo, events } = deps;
  const tx = options.transaction ?? repo.transaction;
  const at = nowSec();
  const result = await tx(async (trx) => {
    const s = await repo.storedRun(runId, trx);
    if (!s || !(options.from ?? FROM[end.status]).includes(s.run.status)) return undefined;
    // a cancel of a run that had already failed keeps the failure
    if (end.status === 'failed' && s.run.status === 'cancelling') end = { status: 'cancelled' };
    const stepStatus = end.status === 'cancelled' ? 'cancelled' : end.status === 'failed' ? 'failed' : end.status === 'expired' ? 'expired' : 'cancelled';
    const steps: StepObject[] = [];
    const messages: MessageObject[] = [];
    for (const step of await repo.runSteps(runId, trx)) {
      if (step.status !== 'in_progress') continue;
      const closed: StepObject = {
        ...step,
        status: stepStatus,
        cancelled_at: stepStatus === 'cancelled' ? at : null,
        failed_at: stepStatus === 'failed' ? at : null,
        expired_at: stepStatus === 'expired' ? at : null,
        last_error: end.status === 'failed' ? end.error : null,
      };
      await repo.saveStep(closed, trx);
      steps.push(closed);
      if (step.step_details.type !== 'message_creation') continue;
      const m = await repo.message(step.thread_id, step.step_details.message_creation.message_id, undefined, trx);
      if (!m || m.status !== 'in_progress') continue;
      const text = options.partial?.get(m.id);
      const done: MessageObject = {
        ...m,
        status: 'incomplete',
        incomplete_at: at,
        incomplete_details: { reason: MESSAGE_REASON[end.status] },
        content: text ? [{ type: 'text', text: { value: text, annotations: [] } }] : m.content,
      };
      await repo.saveMessage(done, trx);
      messages.push(done);
    }
    const run: RunObject = {
      ...s.run,
      status: end.status,
      required_action: null,
      expires_at: null,
      usage: { ...s.exec.usage },
      cancelled_at: end.status === 'cancelled' ? at : s.run.cancelled_at,
      failed_at: end.status === 'failed' ? at : s.run.failed_at,
      last_error: end.status === 'failed' ? end.error : s.run.last_error,
      incomplete_details: end.status === 'incomplete' ? { reason: end.reason } : s.run.incomplete_details,
    };
    await repo.saveRun(run, {}, trx);
    await repo.releaseThread(run.thread_id, run.id, trx);
    return { run, steps, messages };
  });
  if (!result) return false;
  for (const m of result.messages) events.emit(runId, 'thread.message.incomplete', m);
  for (const s of result.steps) events.emit(runId, `thread.run.step.${s.status}`, s);
  events.emit(runId, `thread.run.${end.status}`, result.run);
  return true;
}

/**
 * Whether a waiting run (queued, or waiting for tool outputs) is past its `expires_at`.
 *
 * @example
 * ```ts
 * if (isDue(run)) await endRun(deps, run.id, { status: 'expired' });
 * ```
 */
export function isDue(run: RunObject, now = nowSec()): boolean {
  return (run.status === 'queued' || run.status === 'requires_action') && run.expires_at !== null && now > run.expires_at;
}
