/**
 * Creation of the per-call context.
 */
import { compactTimeOrderedId } from '../ids.js';
import type { CallContext, GatewayState, Operation, Principal, UpstreamAttempt } from '../types/index.js';
import { realSignal, type AbortLike } from './abort.js';

const NEVER = new AbortController().signal;
const NEVER_ABORTED: AbortLike = NEVER;
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
  signal?: AbortLike;
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
  return new Context(init);
}

/** A call context: a class so that `signal` is one getter on the prototype, not a closure per call. */
class Context implements CallContext {
  readonly requestId: string;
  readonly operation: Operation;
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly abort: AbortLike;
  readonly startedAt = now();
  readonly attempts: UpstreamAttempt[] = [];
  stream = false;
  principal: Principal;
  sessionId: string | undefined;
  readonly responseHeaders: Record<string, string> = {};
  metadata: Record<string, unknown> = {};
  readonly state: GatewayState;

  constructor(init: CallContextInit) {
    this.requestId = init.requestId ?? requestIdFrom(undefined);
    this.operation = init.operation;
    this.endpoint = init.endpoint;
    this.headers = init.headers ?? {};
    this.abort = init.signal ?? NEVER_ABORTED;
    this.principal = init.principal ?? {};
    this.sessionId = init.sessionId;
    this.state = (init.state ? { ...init.state } : {}) as GatewayState;
  }

  /** Made only when a plugin reads it: most calls are never aborted. */
  get signal(): AbortSignal {
    return realSignal(this.abort);
  }
}
