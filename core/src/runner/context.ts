/**
 * Creation of the per-call context.
 */
import { compactTimeOrderedId } from '../ids.js';
import type { CallContext, GatewayState, Operation, Principal } from '../types/index.js';

const NEVER = new AbortController().signal;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Epoch milliseconds with sub-millisecond precision (the clock of `ctx.startedAt` and attempts).
 *
 * @example
 * ```ts
 * ctx.endedAt = now();
 * const latencyMs = ctx.endedAt - ctx.startedAt;
 * ```
 */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * A request id: the client's `x-request-id` when it is sane, else a new `req_…` id.
 *
 * @example
 * ```ts
 * requestIdFrom('abc-123'); // 'abc-123'
 * requestIdFrom(undefined); // 'req_3f2c…'
 * ```
 */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  return `req_${compactTimeOrderedId()}`;
}

/** What a call context is made from. */
export interface CallContextInit {
  requestId?: string;
  operation: Operation;
  endpoint: string;
  headers?: Record<string, string | string[] | undefined>;
  signal?: AbortSignal;
  principal?: Principal;
  sessionId?: string;
  state?: Partial<GatewayState>;
}

/**
 * A fresh call context.
 *
 * @example
 * ```ts
 * const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' });
 * ```
 */
export function createCallContext(init: CallContextInit): CallContext {
  return {
    requestId: init.requestId ?? requestIdFrom(undefined),
    operation: init.operation,
    endpoint: init.endpoint,
    headers: init.headers ?? {},
    signal: init.signal ?? NEVER,
    startedAt: now(),
    attempts: [],
    stream: false,
    principal: init.principal ?? {},
    sessionId: init.sessionId,
    responseHeaders: {},
    metadata: {},
    state: (init.state ? { ...init.state } : {}) as GatewayState,
  };
}
