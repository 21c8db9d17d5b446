/**
 * Request checks of the Anthropic emulator, as strict as the real Messages API: required
 * fields, no extra top-level fields, alternating roles starting with user, no `system`
 * role, well-formed blocks, `tool_result` ids matching the previous turn's `tool_use`,
 * thinking budget rules. Returns the first problem as the real API words it, or undefined.
 */
import { createHash } from 'node:crypto';
import type { ContentBlockParam, MessageCreateParams, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';

/**
 * The signature the emulated model gives a thinking text (deterministic, so a replayed
 * block can be checked without state).
 *
 * @example
 * ```ts
 * thinkingSignature('Considering: hi (budget 1024)'); // 'sig_…'
 * ```
 */
export function thinkingSignature(thinking: string): string {
  return `sig_${createHash('sha256').update(thinking).digest('base64url').slice(0, 24)}`;
}

const TOP_LEVEL = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'metadata',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
]);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkBlock(b: unknown, role: string, at: string): string | undefined {
  if (!isObj(b) || typeof b.type !== 'string') return `${at}.type: Field required`;
  const block = b as unknown as ContentBlockParam;
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return `${at}.text: Field required`;
      if (!block.text.trim()) return 'messages: text content blocks must contain non-whitespace text';
      return undefined;
    case 'image': {
      const s = block.source as unknown as Record<string, unknown> | undefined;
      if (!isObj(s)) return `${at}.source: Field required`;
      if (s.type === 'base64') {
        if (!IMAGE_TYPES.has(String(s.media_type))) return `${at}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        if (typeof s.data !== 'string' || !s.data) return `${at}.source.base64.data: Field required`;
        return undefined;
      }
      if (s.type === 'url') return typeof s.url === 'string' && /^https?:\/\//.test(s.url) ? undefined : `${at}.source.url.url: Input should be a valid URL`;
      return `${at}.source: Input tag '${String(s.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url'`;
    }
    case 'document':
      return isObj(block.source) ? undefined : `${at}.source: Field required`;
    case 'tool_use':
      if (role !== 'assistant') return `${at}: tool_use blocks may only appear in assistant messages`;
      if (typeof block.id !== 'string' || typeof block.name !== 'string') return `${at}: tool_use blocks need an id and a name`;
      if (!isObj(block.input)) return `${at}.input: Input should be a valid dictionary`;
      return undefined;
    case 'tool_result':
      if (role !== 'user') return `${at}: tool_result blocks may only appear in user messages`;
      if (typeof block.tool_use_id !== 'string') return `${at}.tool_use_id: Field required`;
      return undefined;
    case 'thinking':
    case 'redacted_thinking':
      return role === 'assistant' ? undefined : `${at}: thinking blocks may only appear in assistant messages`;
    default:
      return `${at}: Input tag '${block.type}' found using 'type' does not match any of the expected tags`;
  }
}

const blocksOf = (m: MessageParam): ContentBlockParam[] => (typeof m.content === 'string' ? [] : m.content);

function checkMessages(messages: unknown): string | undefined {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (const [i, raw] of messages.entries()) {
    if (!isObj(raw)) return `messages.${i}: Input should be a valid dictionary`;
    if (raw.role === 'system') {
      return 'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
    }
    if (raw.role !== 'user' && raw.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && raw.role !== 'user') return 'messages: first message must use the "user" role';
    if (i > 0 && (messages[i - 1] as Record<string, unknown>).role === raw.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${raw.role}" roles in a row`;
    }
    if (typeof raw.content === 'string') {
      if (!raw.content && !(raw.role === 'assistant' && i === messages.length - 1)) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      continue;
    }
    if (!Array.isArray(raw.content)) return `messages.${i}.content: Input should be a valid string or list`;
    if (raw.content.length === 0) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, b] of raw.content.entries()) {
      const problem = checkBlock(b, raw.role, `messages.${i}.content.${j}`);
      if (problem) return problem;
    }
  }
  // tool_use ↔ tool_result pairing across adjacent turns
  const list = messages as MessageParam[];
  for (const [i, m] of list.entries()) {
    const prev = i > 0 ? list[i - 1]! : undefined;
    const offered = new Set(prev ? blocksOf(prev).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : []);
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === 'tool_result' && !offered.has(b.tool_use_id)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    const next = list[i + 1];
    if (m.role === 'assistant' && next) {
      const answered = new Set(blocksOf(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
      const missing = blocksOf(m).flatMap((b) => (b.type === 'tool_use' && !answered.has(b.id) ? [b.id] : []));
      if (missing.length) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  return undefined;
}

function checkTools(body: Record<string, unknown>): string | undefined {
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, t] of tools.entries()) {
      if (!isObj(t) || typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name)) return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (t.type === undefined || t.type === 'custom') {
        const schema = (t as unknown as Tool).input_schema as unknown;
        if (!isObj(schema)) return `tools.${i}.custom.input_schema: Field required`;
        if (schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      }
    }
  }
  const choice = body.tool_choice;
  if (choice === undefined) return undefined;
  if (!isObj(choice) || !['auto', 'any', 'tool', 'none'].includes(String(choice.type))) return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  if (!Array.isArray(tools) || tools.length === 0) return 'tool_choice may only be specified while providing tools.';
  if (choice.type === 'tool' && !tools.some((t: Record<string, unknown>) => t.name === choice.name)) return `tool_choice.tool.name: tool \`${String(choice.name)}\` not found in tools`;
  return undefined;
}

/**
 * Checks a Messages API request body; returns the 400 message of the first problem.
 *
 * @example
 * ```ts
 * const problem = checkMessagesRequest(body); // e.g. 'max_tokens: Field required'
 * ```
 */
export function checkMessagesRequest(raw: unknown): string | undefined {
  if (!isObj(raw)) return 'Could not parse the JSON body of your request.';
  for (const key of Object.keys(raw)) if (!TOP_LEVEL.has(key)) return `${key}: Extra inputs are not permitted`;
  const body = raw as unknown as MessageCreateParams;
  if (raw.model === undefined) return 'model: Field required';
  if (typeof body.model !== 'string' || !body.model) return 'model: Input should be a valid string';
  if (raw.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
  if (body.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1';
  const messagesProblem = checkMessages(raw.messages);
  if (messagesProblem) return messagesProblem;
  if (body.system !== undefined) {
    if (Array.isArray(body.system)) {
      for (const [i, b] of body.system.entries()) if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string' || !b.text) return `system.${i}: system blocks must be non-empty text blocks`;
    } else if (typeof body.system !== 'string') return 'system: Input should be a valid string or list';
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((s) => typeof s === 'string'))) {
    return 'stop_sequences: Input should be a valid list of strings';
  }
  for (const k of ['temperature', 'top_p'] as const) {
    const v = body[k];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) return `${k}: Input should be less than or equal to 1`;
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return 'stream: Input should be a valid boolean';
  if (body.metadata !== undefined && (!isObj(body.metadata) || (body.metadata.user_id != null && typeof body.metadata.user_id !== 'string'))) {
    return 'metadata.user_id: Input should be a valid string';
  }
  const toolsProblem = checkTools(raw);
  if (toolsProblem) return toolsProblem;
  const thinking = body.thinking;
  if (thinking !== undefined) {
    if (!isObj(thinking) || (thinking.type !== 'enabled' && thinking.type !== 'disabled')) return "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled'";
    if (thinking.type === 'enabled') {
      if (!Number.isInteger(thinking.budget_tokens) || thinking.budget_tokens < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
      if (body.max_tokens <= thinking.budget_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
      if (body.tool_choice && (body.tool_choice.type === 'any' || body.tool_choice.type === 'tool')) return 'Thinking may not be enabled when tool_choice forces tool use.';
      const problem = finalAssistantThinking(body.messages);
      if (problem) return problem;
    }
  }
  return signatureProblem(body.messages);
}

/** With thinking on, the assistant turn before a closing run of tool results must start with its thinking. */
function finalAssistantThinking(messages: MessageParam[]): string | undefined {
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || !blocksOf(last).some((b) => b.type === 'tool_result')) return undefined;
  const i = messages.findLastIndex((m) => m.role === 'assistant');
  if (i < 0) return undefined;
  const first = typeof messages[i]!.content === 'string' ? { type: 'text' } : blocksOf(messages[i]!)[0];
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return undefined;
  return `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'text'}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
}

/** Replayed thinking must carry the signature the model gave it. */
function signatureProblem(messages: MessageParam[]): string | undefined {
  for (const [i, m] of messages.entries()) {
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === 'thinking' && b.signature !== thinkingSignature(b.thinking)) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
    }
  }
  return undefined;
}
