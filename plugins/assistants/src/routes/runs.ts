/**
 * Runs and run steps: create (also with a new thread: `POST /v1/threads/runs`), list,
 * retrieve, modify, cancel, submit_tool_outputs, streamed or not; steps list and retrieve.
 * A new run takes its thread (400 while another run holds it) and is queued in the same
 * transaction; the queue's executor runs it. Unfinished runs carry `openai-poll-after-ms`.
 */
import { ownerOf, ownerScope, validate, type RouteDefinition, type RouteRequest, type RouteResponse } from '@switchyard/core';
import type { AnyKysely } from '@switchyard/store';
import type { AssistantsDeps } from '../deps.js';
import { invalid, notFound } from '../errors.js';
import { checkId, newId, nextSeq, nowSec } from '../ids.js';
import { checkNativeMessage, checkNativeToolResources, newMessage } from '../objects.js';
import { ACTIVE, type StoredRun } from '../repo.js';
import { CreateRunBody, CreateThreadAndRunBody, ModifyMetadataBody, SubmitToolOutputsBody } from '../schema.js';
import type { RunExec, RunObject, StepObject, ThreadObject } from '../types.js';
import { newRun } from '../run/config.js';
import type { RunEvent } from '../run/events.js';
import { endRun, isDue } from '../run/finish.js';
import { runStream } from '../run/stream.js';
import { checkModel, listBody, listParams, mustAssistant, mustThread } from './common.js';
import { checkNativeThread, insertThread } from './threads.js';

const WAITING = new Set(['queued', 'in_progress', 'cancelling']);

/**
 * The runs and steps routes (`POST /v1/threads/runs` comes before the thread routes' `:thread_id`).
 *
 * @example
 * ```ts
 * for (const route of runRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function runRoutes(deps: AssistantsDeps): RouteDefinition[] {
  const { repo, queue, events } = deps;
  const pollHeaders = (run: RunObject): Record<string, string> => (WAITING.has(run.status) ? { 'openai-poll-after-ms': String(deps.pollAfterMs) } : {});
  const answer = (run: RunObject): RouteResponse => ({ headers: pollHeaders(run), body: run });

  /** A waiting run past its expiry is expired now (a lazy sweep: on every read of it). */
  async function fresh(s: StoredRun): Promise<StoredRun> {
    if (!isDue(s.run)) return s;
    await endRun(deps, s.run.id, { status: 'expired' });
    return (await repo.storedRun(s.run.id)) ?? s;
  }

  /** The caller's run named by the path, in the caller's thread named by the path. */
  async function mustRun(req: RouteRequest): Promise<{ thread: ThreadObject; stored: StoredRun }> {
    const thread = await mustThread(deps, req);
    const id = checkId(req.params.run_id, 'run', 'run_id');
    const scope = ownerScope(req.principal);
    const s = await repo.storedRun(id);
    if (!s || s.run.thread_id !== thread.id || (scope !== undefined && s.owner !== scope)) throw notFound('run', id, 'run_id');
    return { thread, stored: await fresh(s) };
  }

  /** Frees the thread from a run that no longer holds it (finished, or expired just now). */
  async function clearStale(threadId: string): Promise<void> {
    const active = await repo.activeRunId(threadId);
    if (!active) return;
    const s = await repo.storedRun(active);
    if (!s) return void (await repo.releaseThread(threadId, active));
    const now = await fresh(s);
    if (!ACTIVE.has(now.run.status)) await repo.releaseThread(threadId, active);
  }

  async function takeThread(trx: AnyKysely, threadId: string, runId: string): Promise<void> {
    if (await repo.takeThread(threadId, runId, trx)) return;
    const active = await repo.activeRunId(threadId, trx);
    if (active === null) throw notFound('thread', threadId, 'thread_id'); // deleted meanwhile
    throw invalid(`Thread ${threadId} already has an active run ${active}.`, 'thread_id', 'thread_locked');
  }

  const newExec = (req: RouteRequest, additional: string | null | undefined): RunExec => {
    const p = req.principal;
    const principal: RunExec['principal'] = {};
    if (p.keyId !== undefined) principal.keyId = p.keyId;
    if (p.userId !== undefined) principal.userId = p.userId;
    if (p.teamId !== undefined) principal.teamId = p.teamId;
    if (p.admin) principal.admin = true;
    return { principal, additionalInstructions: additional ?? null, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, segment: 1 };
  };

  /** Answers a queued run: as JSON with the poll header, or as its event stream. */
  function started(run: RunObject, stream: boolean | null | undefined, before: RunEvent[] = []): RouteResponse {
    if (!stream) {
      queue.wake();
      return answer(run);
    }
    const sub = events.subscribe(run.id); // before the wake: no event is missed
    queue.wake();
    return runStream(deps, run.id, [...before, { event: 'thread.run.created', data: run }, { event: 'thread.run.queued', data: run }], sub);
  }

  return [
    {
      method: 'POST',
      path: '/v1/threads/runs',
      async handler(req) {
        const body = validate(CreateThreadAndRunBody, req.body ?? {});
        const asst = await mustAssistant(deps, req, body.assistant_id, 'assistant_id');
        checkModel(deps, body.model ?? asst.model, 'model');
        const threadBody = { ...body.thread, tool_resources: body.tool_resources ?? body.thread?.tool_resources };
        checkNativeThread(body.thread ?? {}, 'thread');
        checkNativeToolResources(body.tool_resources, 'tool_resources');
        const threadId = newId('thread');
        const run = newRun(asst, threadId, body);
        const owner = ownerOf(req.principal);
        const thread = await repo.transaction(async (trx) => {
          const t = await insertThread(deps, trx, threadBody, owner, threadId);
          await takeThread(trx, t.id, run.id);
          await repo.insertRun(run, newExec(req, null), owner, nextSeq(), trx);
          await queue.enqueue(run.id, 1, trx);
          return t;
        });
        return started(run, body.stream, [{ event: 'thread.created', data: thread }]);
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/runs',
      async handler(req) {
        const body = validate(CreateRunBody, req.body ?? {});
        const thread = await mustThread(deps, req);
        const asst = await mustAssistant(deps, req, body.assistant_id, 'assistant_id');
        checkModel(deps, body.model ?? asst.model, 'model');
        (body.additional_messages ?? []).forEach((m, i) => checkNativeMessage(m, `additional_messages[${i}]`));
        const run = newRun(asst, thread.id, body);
        const owner = ownerOf(req.principal);
        await clearStale(thread.id);
        await repo.transaction(async (trx) => {
          await takeThread(trx, thread.id, run.id);
          for (const m of body.additional_messages ?? []) await repo.insertMessage(newMessage(thread.id, m), owner, nextSeq(), trx);
          await repo.insertRun(run, newExec(req, body.additional_instructions), owner, nextSeq(), trx);
          await queue.enqueue(run.id, 1, trx);
        });
        return started(run, body.stream);
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/runs',
      async handler(req) {
        const thread = await mustThread(deps, req);
        const page = await repo.listRuns(thread.id, listParams(req));
        const data = await Promise.all(page.data.map(async (r) => (isDue(r) ? (await fresh({ run: r } as StoredRun)).run : r)));
        return { body: listBody({ data, hasMore: page.hasMore }) };
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/runs/:run_id',
      async handler(req) {
        return answer((await mustRun(req)).stored.run);
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/runs/:run_id',
      async handler(req) {
        const { stored } = await mustRun(req);
        const body = validate(ModifyMetadataBody, req.body ?? {});
        // read again in the transaction: the executor may have moved the run on meanwhile
        const run = await repo.transaction(async (trx) => {
          const now = (await repo.storedRun(stored.run.id, trx))!;
          const next: RunObject = { ...now.run, metadata: body.metadata ?? {} };
          await repo.saveRun(next, { setMetadata: true }, trx);
          return next;
        });
        return answer(run);
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/runs/:run_id/cancel',
      body: 'none',
      async handler(req) {
        const { stored } = await mustRun(req);
        const id = stored.run.id;
        // a run no executor holds (queued, waiting for tool outputs) ends at once
        if (await endRun(deps, id, { status: 'cancelled' }, { from: ['queued', 'requires_action'] })) {
          await queue.cancel(id, stored.exec.segment);
          return answer((await repo.storedRun(id))!.run);
        }
        const cancelling = await repo.transaction(async (trx) => {
          const now = (await repo.storedRun(id, trx))!;
          if (now.run.status !== 'in_progress') return now.run;
          const next: RunObject = { ...now.run, status: 'cancelling' };
          await repo.saveRun(next, { from: ['in_progress'] }, trx);
          return next;
        });
        if (cancelling.status === 'cancelling') {
          events.emit(id, 'thread.run.cancelling', cancelling);
          await queue.cancel(id, stored.exec.segment);
          return answer(cancelling);
        }
        throw invalid(`Cannot cancel run with status '${cancelling.status}'.`, 'run_id', 'invalid_state');
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/runs/:run_id/submit_tool_outputs',
      async handler(req) {
        const body = validate(SubmitToolOutputsBody, req.body ?? {});
        const { stored } = await mustRun(req);
        const run = stored.run;
        if (run.status !== 'requires_action' || !run.required_action) {
          throw invalid(`Runs in status "${run.status}" do not accept tool outputs.`, 'run_id', 'invalid_state');
        }
        const pending = run.required_action.submit_tool_outputs.tool_calls.map((c) => c.id);
        const given = new Map<string, string>();
        body.tool_outputs.forEach((o, i) => {
          if (!pending.includes(o.tool_call_id)) throw invalid(`Invalid 'tool_outputs[${i}].tool_call_id': '${o.tool_call_id}' is not a pending tool call of run ${run.id}.`, `tool_outputs[${i}].tool_call_id`);
          if (given.has(o.tool_call_id)) throw invalid(`Invalid 'tool_outputs[${i}].tool_call_id': '${o.tool_call_id}' was given twice.`, `tool_outputs[${i}].tool_call_id`);
          given.set(o.tool_call_id, o.output);
        });
        const missing = pending.filter((id) => !given.has(id));
        if (missing.length > 0) {
          throw invalid(`Expected tool outputs for call_ids [${pending.map((id) => `'${id}'`).join(', ')}], got [${[...given.keys()].map((id) => `'${id}'`).join(', ')}].`, 'tool_outputs', 'missing_tool_outputs');
        }
        const steps = await repo.runSteps(run.id);
        const step = steps.find((s) => s.status === 'in_progress' && s.step_details.type === 'tool_calls');
        if (!step || step.step_details.type !== 'tool_calls') throw invalid(`Run ${run.id} has no tool calls waiting for outputs.`, 'run_id', 'invalid_state');
        const completed: StepObject = {
          ...step,
          status: 'completed',
          completed_at: nowSec(),
          step_details: { type: 'tool_calls', tool_calls: step.step_details.tool_calls.map((c) => ({ ...c, function: { ...c.function, output: given.get(c.id) ?? c.function.output } })) },
        };
        const exec: RunExec = { ...stored.exec, segment: stored.exec.segment + 1 };
        const queued: RunObject = { ...run, status: 'queued', required_action: null };
        const ok = await repo.transaction(async (trx) => {
          if (!(await repo.saveRun(queued, { from: ['requires_action'], exec }, trx))) return false;
          await repo.saveStep(completed, trx);
          await queue.enqueue(run.id, exec.segment, trx);
          return true;
        });
        if (!ok) throw invalid(`Runs in status "${(await repo.storedRun(run.id))?.run.status}" do not accept tool outputs.`, 'run_id', 'invalid_state');
        if (!body.stream) {
          queue.wake();
          return answer(queued);
        }
        const sub = events.subscribe(run.id);
        queue.wake();
        return runStream(
          deps,
          run.id,
          [
            { event: 'thread.run.step.completed', data: completed },
            { event: 'thread.run.queued', data: queued },
          ],
          sub,
          { sentSteps: steps.map((s) => s.id) },
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/runs/:run_id/steps',
      async handler(req) {
        const { stored } = await mustRun(req);
        return { body: listBody(await repo.listSteps(stored.run.id, listParams(req))) };
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/runs/:run_id/steps/:step_id',
      async handler(req) {
        const { stored } = await mustRun(req);
        const id = checkId(req.params.step_id, 'step', 'step_id');
        const step = await repo.step(stored.run.id, id);
        if (!step) throw notFound('step', id, 'step_id');
        return { body: step };
      },
    },
  ];
}
