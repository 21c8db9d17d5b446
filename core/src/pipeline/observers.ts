/**
 * Hands finished calls to the `cost` and `log` observers, after the response is sent.
 */
import type { GatewayError } from '../errors.js';
import type { GatewayHooks } from '../hooks.js';
import type { CallContext, CallEvent, CallOutcome, ChatCompletion, ChatRequest } from '../types.js';
import type { Background } from './background.js';
import { now } from './context.js';

const afterSend = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reports one finished call. */
export type FinishCall = (
  ctx: CallContext,
  request: ChatRequest | undefined,
  outcome: CallOutcome,
  status: number,
  response?: ChatCompletion,
  error?: GatewayError,
  payload?: CallEvent['payload'],
) => void;

/**
 * The function that schedules observers for a finished call: `cost` first (so `log` sees
 * `ctx.cost`), then `log`, both on the next turn of the event loop and tracked by `background`.
 * Nothing is allocated when no observer is tapped.
 *
 * @example
 * ```ts
 * const finish = createFinish(hooks, background);
 * finish(ctx, request, 'ok', 200, completion);
 * ```
 */
export function createFinish(hooks: GatewayHooks, background: Background): FinishCall {
  return (ctx, request, outcome, status, response, error, payload) => {
    ctx.endedAt ??= now();
    const logUsed = hooks.log.isUsed();
    const costUsed = hooks.cost.isUsed() && ctx.usage !== undefined;
    if (!logUsed && !costUsed) return;
    const event: CallEvent = { ctx, request, response, error, outcome, status, ...(payload ? { payload } : {}) };
    background.add(
      afterSend().then(async () => {
        if (costUsed) await hooks.cost.promise({ ctx, usage: ctx.usage!, model: ctx.model ?? '', deployment: ctx.deployment });
        if (logUsed) await hooks.log.promise(event);
      }),
    );
  };
}
