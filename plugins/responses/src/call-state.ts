/**
 * What a Responses call carries from its route to its codec and its record: looked up before
 * the call (the parent it continues, the caller), filled in while it runs (the deployment and
 * upstream id that served it). One object per call, on `ctx.state.responses`.
 */
import type { CallContext } from '@switchyard/core';
import type { StoredResponse } from './repo.js';
import type { Item } from './types.js';

/** A Responses call's own state. */
export interface ResponsesCallState {
  /** The response id: the minted one on a bridged deployment, the signed native id once the upstream named its own. */
  id?: string;
  /** The id a bridged response gets (minted before the call: a background response is stored with it at once). */
  mintedId: string;
  owner: string;
  /** The response `previous_response_id` names, looked up (and owned by the caller). */
  parent?: StoredResponse;
  /** This turn's input items, normalised. */
  input: Item[];
  createdAt: number;
  /** The parent chain's items, loaded once when a deployment needs them. */
  history?: Promise<Item[]>;
  /** How the call was served: natively (pass-through) or bridged over chat. */
  native?: boolean;
  deploymentId?: string;
  upstreamId?: string;
  /** A background response, already stored as queued. */
  background?: boolean;
  /** How many of the conversation's oldest items the serving deployment was not given (`truncation: "auto"`). */
  truncated?: number;
}

declare module '@switchyard/core' {
  interface GatewayState {
    responses?: ResponsesCallState;
  }
}

/**
 * The Responses state of a call (set by the route before the call).
 *
 * @example
 * ```ts
 * const s = stateOf(ctx);
 * ```
 */
export function stateOf(ctx: CallContext): ResponsesCallState {
  const s = ctx.state.responses;
  if (!s) throw new Error('a Responses call without its state (the route sets ctx.state.responses)');
  return s;
}
