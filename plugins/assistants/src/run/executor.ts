/**
 * Executes a run natively, one segment at a time (until it completes, or stops for tool
 * outputs): the thread and what the run did so far go to the run's model through the call
 * runner (routing, deployment checks, logging, cost, OTel), as the run's principal and in the
 * thread's session; the answer streams into a message (or a tool-call step), each event
 * published as it happens. A segment a dead process left half-done is started over: its
 * unfinished step and message are dropped first, so a run completes once.
 */
import { randomBytes } from 'node:crypto';
import { toGatewayError, type ChatChunk, type ChatCompletion, type Deployment, type Usage } from '@switchyard/core';
import { isInterrupted, type AnyKysely } from '@switchyard/store';
import type { AssistantsDeps } from '../deps.js';
import { newId, nextSeq, nowSec } from '../ids.js';
import type { FunctionToolCall, MessageObject, RunExec, RunObject, RunUsage, StepObject } from '../types.js';
import { buildContext } from './context.js';
import { endRun, isDue } from './finish.js';
import type { ExecuteRun, RunJobContext } from './queue.js';

/** Thrown when the run was cancelled or deleted under a step about to start (handled as a stop). */
class RunStopped extends Error {}

/** The endpoint a run's model calls are recorded under. */
export const RUN_ENDPOINT = '/v1/threads/runs';

/**
 * Adds a call's usage (and cost) to a run's.
 *
 * @example
 * ```ts
 * exec.usage = addUsage(exec.usage, step.usage);
 * ```
 */
export function addUsage(a: RunUsage, b: RunUsage): RunUsage {
  const out: RunUsage = { prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: a.total_tokens + b.total_tokens };
  if (a.cost !== undefined || b.cost !== undefined) out.cost = a.cost === null || b.cost === null ? null : (a.cost ?? 0) + (b.cost ?? 0);
  return out;
}

function stepUsage(usage: Usage | undefined | null, cost: number | null | undefined): RunUsage {
  const u: RunUsage = { prompt_tokens: usage?.prompt_tokens ?? 0, completion_tokens: usage?.completion_tokens ?? 0, total_tokens: usage?.total_tokens ?? 0 };
  if (cost !== undefined) u.cost = cost;
  return u;
}

/** The failure a run records for an error of its model call. */
function lastError(err: unknown): NonNullable<RunObject['last_error']> {
  const e = toGatewayError(err);
  const code = e.status === 429 ? 'rate_limit_exceeded' : e.status >= 400 && e.status < 500 ? 'invalid_prompt' : 'server_error';
  return { code, message: e.expose ? e.message : 'The run failed: its model call did not complete.' };
}

/** The smallest known context window of the deployments serving `model`. */
function contextWindow(deps: AssistantsDeps, model: string): number | undefined {
  let min: number | undefined;
  for (const d of deps.api.models.lookup(model) as Deployment[]) {
    const w = d.maxInputTokens ?? deps.api.services.pricing?.contextWindow(d);
    if (w !== undefined && (min === undefined || w < min)) min = w;
  }
  return min;
}

/** A whole completion (a short-circuit) as the chunks of a stream. */
async function* asChunks(c: ChatCompletion): AsyncGenerator<ChatChunk> {
  const ch = c.choices[0];
  yield {
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: ch?.message.content ?? '', tool_calls: ch?.message.tool_calls?.map((t, index) => ({ index, ...t })) },
        finish_reason: ch?.finish_reason ?? 'stop',
      },
    ],
    usage: c.usage,
  };
}

/**
 * The native run executor of a gateway.
 *
 * @example
 * ```ts
 * await queue.start(runExecutor(deps));
 * ```
 */
export function runExecutor(deps: AssistantsDeps): ExecuteRun {
  const { repo, events, api } = deps;

  return async function execute(runId: string, job: RunJobContext): Promise<'done' | 'interrupted'> {
    const tx = job.transaction;
    const stored = await repo.storedRun(runId);
    if (!stored) return 'done';
    if (stored.run.status === 'cancelling') {
      await endRun(deps, runId, { status: 'cancelled' });
      return 'done';
    }
    if (stored.run.status !== 'queued' && stored.run.status !== 'in_progress') return 'done';
    const thread = await repo.thread(stored.run.thread_id, undefined);
    if (!thread) return 'done'; // deleted with its runs
    if (isDue(stored.run)) {
      await endRun(deps, runId, { status: 'expired' });
      return 'done';
    }
    const { exec, owner } = stored;
    let run = stored.run;
    // what a previous execution of this segment left unfinished (it died mid-step) goes
    await tx(async (trx) => {
      for (const s of await repo.runSteps(runId, trx)) {
        if (s.status !== 'in_progress') continue;
        if (s.step_details.type === 'message_creation') await repo.deleteMessageRow(s.step_details.message_creation.message_id, trx);
        await repo.deleteStepRow(s.id, trx);
      }
    });
    if (run.status === 'queued') {
      run = { ...run, status: 'in_progress', started_at: nowSec() };
      if (!(await tx((trx) => repo.saveRun(run, { from: ['queued'] }, trx)))) return afterStop(runId);
      events.emit(runId, 'thread.run.in_progress', run);
    }

    const partial = new Map<string, string>();
    try {
      return await segment(run, exec, owner, tx, job.signal, partial);
    } catch (err) {
      // stopped, not failed: a cancel, a shutdown (its calls are cut), a lost lease
      if (job.signal.aborted || api.closing.aborted || isInterrupted(err) || err instanceof RunStopped) return afterStop(runId, partial);
      await endRun(deps, runId, { status: 'failed', error: lastError(err) }, { transaction: tx, partial });
      return 'done';
    }
  };

  /**
   * After a stop: a cancel ends the run (unfenced: the job of a cancelled run is no longer
   * held, and the write applies only from `cancelling`); anything else leaves it for the next
   * execution.
   */
  async function afterStop(runId: string, partial?: Map<string, string>): Promise<'done' | 'interrupted'> {
    const now = await repo.storedRun(runId);
    if (now?.run.status === 'cancelling') {
      await endRun(deps, runId, { status: 'cancelled' }, { partial });
      return 'done';
    }
    return now && (now.run.status === 'queued' || now.run.status === 'in_progress') ? 'interrupted' : 'done';
  }

  async function segment(
    run: RunObject,
    exec: RunExec,
    owner: string,
    tx: <T>(fn: (trx: AnyKysely) => Promise<T>) => Promise<T>,
    signal: AbortSignal,
    partial: Map<string, string>,
  ): Promise<'done' | 'interrupted'> {
    const built = await buildContext({ run, exec, messages: await repo.threadMessages(run.thread_id), steps: await repo.runSteps(run.id), contextWindow: contextWindow(deps, run.model) });
    if ('incomplete' in built) {
      await endRun(deps, run.id, { status: 'incomplete', reason: built.incomplete }, { transaction: tx });
      return 'done';
    }
    const out = await api.call({
      body: built.body,
      principal: exec.principal,
      sessionId: run.thread_id,
      endpoint: RUN_ENDPOINT,
      metadata: { assistant_id: run.assistant_id, thread_id: run.thread_id, run_id: run.id },
      signal,
    });
    const chunks = out.type === 'stream' ? out.chunks : asChunks(out.body);

    const stepBase = (type: StepObject['type'], details: StepObject['step_details']): StepObject => ({
      id: newId('step'),
      object: 'thread.run.step',
      created_at: nowSec(),
      run_id: run.id,
      assistant_id: run.assistant_id,
      thread_id: run.thread_id,
      type,
      status: 'in_progress',
      cancelled_at: null,
      completed_at: null,
      expires_at: run.expires_at,
      expired_at: null,
      failed_at: null,
      last_error: null,
      step_details: details,
      usage: null,
      metadata: {},
    });

    type OpenMessage = { message: MessageObject; step: StepObject; text: string; closed: boolean };
    let msg: OpenMessage | undefined;
    async function openMessage(): Promise<OpenMessage> {
      const messageId = newId('message');
      const step = stepBase('message_creation', { type: 'message_creation', message_creation: { message_id: messageId } });
      const message: MessageObject = {
        id: messageId,
        object: 'thread.message',
        created_at: step.created_at,
        assistant_id: run.assistant_id,
        thread_id: run.thread_id,
        run_id: run.id,
        role: 'assistant',
        content: [],
        attachments: [],
        metadata: {},
        status: 'in_progress',
        incomplete_details: null,
        completed_at: null,
        incomplete_at: null,
      };
      await tx(async (trx) => {
        if (!(await repo.runIs(run.id, 'in_progress', trx))) throw new RunStopped();
        await repo.insertStep(step, owner, nextSeq(), trx);
        await repo.insertMessage(message, owner, nextSeq(), trx);
      });
      events.emit(run.id, 'thread.run.step.created', step);
      events.emit(run.id, 'thread.run.step.in_progress', step);
      events.emit(run.id, 'thread.message.created', message);
      events.emit(run.id, 'thread.message.in_progress', message);
      return (msg = { message, step, text: '', closed: false });
    }
    const messageDone = (m: OpenMessage, incomplete: boolean): MessageObject => ({
      ...m.message,
      status: incomplete ? 'incomplete' : 'completed',
      content: [{ type: 'text', text: { value: m.text, annotations: [] } }],
      completed_at: incomplete ? null : nowSec(),
      incomplete_at: incomplete ? nowSec() : null,
      incomplete_details: incomplete ? { reason: 'max_tokens' } : null,
    });

    type OpenTools = { step: StepObject; calls: FunctionToolCall[]; byIndex: Map<number, number> };
    let tool: OpenTools | undefined;
    async function openTools(): Promise<OpenTools> {
      const step = stepBase('tool_calls', { type: 'tool_calls', tool_calls: [] });
      await tx(async (trx) => {
        if (!(await repo.runIs(run.id, 'in_progress', trx))) throw new RunStopped();
        await repo.insertStep(step, owner, nextSeq(), trx);
      });
      events.emit(run.id, 'thread.run.step.created', step);
      events.emit(run.id, 'thread.run.step.in_progress', step);
      return (tool = { step, calls: [], byIndex: new Map() });
    }

    let usage: Usage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const d = choice.delta;
      if (typeof d.content === 'string' && d.content.length > 0 && !tool) {
        const m = msg ?? (await openMessage());
        events.emit(run.id, 'thread.message.delta', {
          id: m.message.id,
          object: 'thread.message.delta',
          delta: { content: [{ index: 0, type: 'text', text: m.text ? { value: d.content } : { value: d.content, annotations: [] } }] },
        });
        m.text += d.content;
        partial.set(m.message.id, m.text);
      }
      if (d.tool_calls && d.tool_calls.length > 0) {
        if (msg && !msg.closed) {
          // text before the tool calls: its message is done, the tool calls get their own step
          const m = msg;
          const done = messageDone(m, false);
          const step: StepObject = { ...m.step, status: 'completed', completed_at: nowSec() };
          await tx(async (trx) => {
            await repo.saveMessage(done, trx);
            await repo.saveStep(step, trx);
          });
          m.closed = true;
          partial.delete(m.message.id);
          events.emit(run.id, 'thread.message.completed', done);
          events.emit(run.id, 'thread.run.step.completed', step);
        }
        const t = tool ?? (await openTools());
        for (const tc of d.tool_calls) {
          let i = t.byIndex.get(tc.index);
          let first = false;
          if (i === undefined) {
            i = t.calls.length;
            t.byIndex.set(tc.index, i);
            t.calls.push({ id: tc.id || `call_${randomBytes(12).toString('hex')}`, type: 'function', function: { name: tc.function?.name ?? '', arguments: '', output: null } });
            first = true;
          }
          const call = t.calls[i]!;
          if (!first && tc.function?.name) call.function.name += tc.function.name;
          const piece = tc.function?.arguments ?? '';
          call.function.arguments += piece;
          const delta = first
            ? { index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: piece, output: null } }
            : { index: i, type: 'function', function: { arguments: piece } };
          events.emit(run.id, 'thread.run.step.delta', { id: t.step.id, object: 'thread.run.step.delta', delta: { step_details: { type: 'tool_calls', tool_calls: [delta] } } });
        }
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    const used = stepUsage(usage ?? out.ctx.usage, out.ctx.cost);
    const total = addUsage(exec.usage, used);
    const nextExec: RunExec = { ...exec, usage: total };

    if (tool && tool.calls.length > 0) {
      const step: StepObject = { ...tool.step, step_details: { type: 'tool_calls', tool_calls: tool.calls }, usage: used };
      const waiting: RunObject = {
        ...run,
        status: 'requires_action',
        required_action: {
          type: 'submit_tool_outputs',
          submit_tool_outputs: { tool_calls: tool.calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } })) },
        },
      };
      const saved = await tx(async (trx) => {
        if (!(await repo.saveRun(waiting, { from: ['in_progress'], exec: nextExec }, trx))) return false;
        await repo.saveStep(step, trx);
        return true;
      });
      if (!saved) return afterStop(run.id, partial);
      events.emit(run.id, 'thread.run.requires_action', waiting);
      return 'done';
    }

    const m = msg && !msg.closed ? msg : await openMessage();
    const incomplete = finish === 'length';
    const message = messageDone(m, incomplete);
    const step: StepObject = { ...m.step, status: 'completed', completed_at: nowSec(), usage: used };
    const ended: RunObject = {
      ...run,
      status: incomplete ? 'incomplete' : 'completed',
      completed_at: incomplete ? null : nowSec(),
      incomplete_details: incomplete ? { reason: 'max_completion_tokens' } : null,
      required_action: null,
      expires_at: null,
      usage: total,
    };
    const saved = await tx(async (trx) => {
      if (!(await repo.saveRun(ended, { from: ['in_progress'], exec: nextExec }, trx))) return false;
      await repo.saveMessage(message, trx);
      await repo.saveStep(step, trx);
      await repo.releaseThread(run.thread_id, run.id, trx);
      return true;
    });
    if (!saved) return afterStop(run.id, partial);
    partial.delete(m.message.id);
    events.emit(run.id, incomplete ? 'thread.message.incomplete' : 'thread.message.completed', message);
    events.emit(run.id, 'thread.run.step.completed', step);
    events.emit(run.id, `thread.run.${ended.status}`, ended);
    return 'done';
  }
}
