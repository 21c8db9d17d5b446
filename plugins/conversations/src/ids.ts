/**
 * Conversation ids: the gateway's own (`conv_` and 48 hex digits, as long as OpenAI's), and
 * LiteLLM's gateway-managed `litellm_conv_id_<uuid>` form, which starts a conversation the
 * first time it is used.
 */
import { randomBytes } from 'node:crypto';

/** The prefix of LiteLLM's gateway-managed conversation ids. */
export const LITELLM_PREFIX = 'litellm_conv_id_';

const OWN = /^conv_[A-Za-z0-9]{1,100}$/;
const LITELLM = /^litellm_conv_id_[A-Za-z0-9_-]{1,128}$/;

/**
 * A new conversation id.
 *
 * @example
 * ```ts
 * newConversationId(); // 'conv_6f1c…'
 * ```
 */
export function newConversationId(): string {
  return `conv_${randomBytes(24).toString('hex')}`;
}

/**
 * A new item id with a prefix (`msg`, `fc`, `fco`, `rs`).
 *
 * @example
 * ```ts
 * newItemId('msg'); // 'msg_…'
 * ```
 */
export function newItemId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/**
 * Whether `id` has the shape of a conversation id: `own` for the gateway's, `litellm` for
 * LiteLLM's, undefined for anything else.
 *
 * @example
 * ```ts
 * idKind('litellm_conv_id_0b6e…'); // 'litellm'
 * ```
 */
export function idKind(id: string): 'own' | 'litellm' | undefined {
  if (LITELLM.test(id)) return 'litellm';
  if (OWN.test(id)) return 'own';
  return undefined;
}
