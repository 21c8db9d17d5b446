/**
 * The seam between the Conversations API plugin (which keeps conversations and their items)
 * and the plugin that runs Responses calls (which feeds a conversation's items to the model
 * and appends each finished turn). Neither imports the other: the first offers
 * `services.conversations`, the second calls it and puts the open conversation on
 * `ctx.state.conversation` for the call.
 */
import type { CallContext, Deployment, Principal } from './types/index.js';

/**
 * An item of a conversation: a Responses input or output item with its id.
 *
 * @example
 * ```ts
 * const item: ConversationItem = { id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };
 * ```
 */
export interface ConversationItem {
  id: string;
  type: string;
  [key: string]: unknown;
}

/**
 * What a turn's history is fitted to.
 *
 * @example
 * ```ts
 * const options: ConversationHistoryOptions = { truncation: 'auto', input, instructions: body.instructions, maxOutputTokens: 1024 };
 * const { items, dropped } = await turn.history(deployment, options, ctx);
 * ```
 */
export interface ConversationHistoryOptions {
  /** `auto` drops the oldest items when the deployment's context window would be exceeded. */
  truncation: 'auto' | 'disabled';
  /** This turn's own input (counted against the context window, never dropped). */
  input: readonly ConversationItem[];
  /** The call's instructions, counted too. */
  instructions?: string | null;
  /** Output tokens to leave room for. */
  maxOutputTokens?: number | null;
}

/**
 * The items a deployment gets before this turn's input, as `turn.history()` resolves.
 *
 * @example
 * ```ts
 * const { items, dropped }: ConversationHistory = await turn.history(deployment, { truncation: 'auto', input }, ctx);
 * const upstreamInput = [...items, ...input]; // oldest first; `dropped` were left out to fit
 * ```
 */
export interface ConversationHistory {
  /** Oldest first. */
  items: ConversationItem[];
  /** How many of the oldest items were left out to fit the context window. */
  dropped: number;
}

/**
 * One conversation, opened for one Responses call (`ctx.state.conversation`).
 *
 * @example
 * ```ts
 * const turn = await gateway.services.conversations!.open('conv_…', principal, 'conversation');
 * const { items } = await turn.history(deployment, { truncation: 'disabled', input }, ctx);
 * ```
 */
export interface ConversationTurn {
  /** The conversation id the client knows (also the call's session id). */
  readonly id: string;
  /** The deployment that holds the conversation upstream (native), once one does. */
  readonly deploymentId: string | undefined;
  /**
   * The items deployment `d` gets before this turn's input, read in pages from wherever the
   * conversation lives: all of them, or with `truncation: 'auto'` only the newest that fit
   * its context window (a prompt still too long is the upstream's 400, and the runner's
   * context-window fallbacks apply).
   */
  history(d: Deployment, options: ConversationHistoryOptions, ctx: CallContext): Promise<ConversationHistory>;
  /**
   * The upstream conversation id to pass to deployment `d` when `d` serves the conversation
   * natively (made upstream, with the items so far, on the first native turn); undefined
   * when `d` gets the history as input instead.
   */
  upstreamFor(d: Deployment, ctx: CallContext): Promise<string | undefined>;
  /**
   * Appends a finished turn's items (its input, then its output) in one transaction, or
   * nothing when the conversation was deleted meanwhile. A turn served with the upstream
   * conversation appends nothing here: the upstream did.
   */
  append(items: readonly ConversationItem[], ctx: CallContext): Promise<void>;
}

/**
 * Conversations, offered by a Conversations plugin to the plugin that runs Responses calls.
 *
 * @example
 * ```ts
 * const turn = await gateway.services.conversations?.open(body.conversation, req.principal, 'conversation');
 * ```
 */
export interface ConversationsService {
  /**
   * The caller's conversation named `ref` (an id, or a LiteLLM `litellm_conv_id_…` id never
   * seen before, which starts a conversation with that id). Unknown, deleted or another
   * owner's: a 404 `GatewayError` on `param`.
   */
  open(ref: string, principal: Principal, param: string): Promise<ConversationTurn>;
}
