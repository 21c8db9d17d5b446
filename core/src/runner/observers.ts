/**
 * Settling a finished call: `cost` prices it, `record` makes it durable (call log, spend)
 * before the response's last bytes go out, and `log` sees it after the response is sent.
 * A call the client saw succeed is therefore on disk even if the process is killed right
 * after; what the client never saw (a client that hung up) is recorded in the background.
 */
import type { Diagnostics } from '../diagnostics.js';
import type { GatewayError } from '../errors.js';
import { tapped, type GatewayHooks } from '../hooks.js';
import type { CallContext, CallEvent, CallOutcome, CallRequest, CallResponse } from '../types/index.js';
import type { Background } from './background.js';
import { BoundedWaits } from './bounded-waits.js';
import { now } from './context.js';

/**
 * Reports one finished call. Resolves when the call is recorded (immediately when nothing
 * records); never rejects.
 */
export type FinishCall = (
  ctx: CallContext,
  request: CallRequest | undefined,
  outcome: CallOutcome,
  status: number,
  response?: CallResponse,
  error?: GatewayError,
  payload?: CallEvent['payload'],
) => Promise<void> | undefined;

/** Options of {@link createFinish}. */
export interface FinishOptions {
  /**
   * Longest a response waits for `record` before it goes out anyway (default 5 s); 0 does not
   * wait at all (records still happen, in the background: a kill -9 can then lose the calls
   * answered in its last moments).
   */
  recordTimeoutMs?: number;
  diagnostics?: Diagnostics;
}

/**
 * The function that settles finished calls: `cost` then `record` (awaited by the caller
 * before the last bytes, tracked by `background`), then `log` on the next turn of the
 * event loop, after the response was written. Nothing is allocated when no hook is tapped.
 *
 * @example
 * ```ts
 * const finish = createFinish(hooks, background);
 * await finish(ctx, request, 'ok', 200, completion); // then send the completion
 * ```
 */
export function createFinish(hooks: GatewayHooks, background: Background, options: FinishOptions = {}): FinishCall {
  const timeoutMs = options.recordTimeoutMs ?? 5_000;
  let slow = 0;
  const waits = new BoundedWaits(timeoutMs, () => {
    // a store that hangs must not hang every response: go on, the write is still tracked
    if (slow++ % 100 === 0) options.diagnostics?.warn(`recording a call took over ${timeoutMs} ms; answering without waiting (${slow} so far)`);
  });

  // the durable part: `cost` prices the call, then `record` writes it
  const settle = async (event: CallEvent, costUsed: boolean, recordUsed: boolean): Promise<void> => {
    if (costUsed) await hooks.cost.promise({ ctx: event.ctx, usage: event.ctx.usage!, model: event.ctx.model ?? '', deployment: event.ctx.deployment });
    if (recordUsed) await hooks.record.promise(event);
  };
  // `log` runs once the answer is written (a failed settle skips it, as it did the answer's wait)
  const logAfter = async (event: CallEvent, settled: Promise<void> | undefined): Promise<void> => {
    if (settled) await settled;
    await nextTurn();
    await hooks.log.promise(event);
  };

  return (ctx, request, outcome, status, response, error, payload) => {
    ctx.endedAt ??= now();
    const logUsed = tapped(hooks.log);
    const recordUsed = tapped(hooks.record);
    const costUsed = tapped(hooks.cost) && ctx.usage !== undefined;
    if (!logUsed && !costUsed && !recordUsed) return undefined;
    const event: CallEvent = { ctx, request, response, error, outcome, status, ...(payload ? { payload } : {}) };
    const settled = costUsed || recordUsed ? settle(event, costUsed, recordUsed) : undefined;
    background.add(logUsed ? logAfter(event, settled) : settled!);
    if (!recordUsed) return settled;
    return timeoutMs === 0 ? undefined : waits.wait(settled!);
  };
}

/** One `setImmediate` for every call that settles in this turn of the event loop. */
let turn: Promise<void> | undefined;
const nextTurn = (): Promise<void> =>
  (turn ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      turn = undefined;
      resolve();
    }),
  ));
