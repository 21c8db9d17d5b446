/**
 * Items a client adds to a conversation (at creation or through `POST …/items`): each checked
 * before anything is written (a bad one is a 400 naming it, and none of the batch is kept),
 * then normalised to the stored form the Conversations API lists: an id, content as parts,
 * a status.
 */
import { GatewayError, validate, z, type ConversationItem } from '@switchyard/core';
import { newItemId } from './ids.js';

/** The most items one request may add (as in the OpenAI API). */
export const MAX_ITEMS_PER_ADD = 20;

/** Item types the gateway keeps and every provider can be given. */
export const SUPPORTED_TYPES = ['message', 'function_call', 'function_call_output', 'reasoning'] as const;

/** Item types of the OpenAI API that need a tool or state this gateway does not have. */
const KNOWN_UNSUPPORTED = new Set([
  'item_reference',
  'file_search_call',
  'web_search_call',
  'computer_call',
  'computer_call_output',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'custom_tool_call',
  'custom_tool_call_output',
  'compaction',
]);

const Part = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('input_text'), text: z.string() }),
  z.looseObject({ type: z.literal('output_text'), text: z.string() }),
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('refusal'), refusal: z.string() }),
  z.looseObject({ type: z.literal('input_image'), image_url: z.string().nullable().optional(), file_id: z.string().nullable().optional(), detail: z.string().optional() }),
  z.looseObject({ type: z.literal('input_file'), file_id: z.string().nullable().optional(), file_data: z.string().optional(), filename: z.string().optional() }),
]);
const Id = z.string().min(1).max(200).regex(/^[\w-]+$/, 'must be letters, digits, underscores or dashes').optional();

const Message = z.looseObject({
  type: z.literal('message').optional(),
  id: Id,
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(Part).max(1024)]),
});
const FunctionCall = z.looseObject({ type: z.literal('function_call'), id: Id, call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() });
const FunctionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  id: Id,
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});
const Reasoning = z.looseObject({ type: z.literal('reasoning'), id: Id, summary: z.array(z.looseObject({ type: z.string() })).optional() });

const SCHEMAS = { message: Message, function_call: FunctionCall, function_call_output: FunctionCallOutput, reasoning: Reasoning } as const;

/** Re-validates with `param`s prefixed by where the item sits in the request. */
function validateAt<T>(schema: z.ZodType<T>, value: unknown, at: string): T {
  try {
    return validate(schema, value);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    const param = err.param ? `${at}.${err.param}` : at;
    throw new GatewayError('GW_ERR_INVALID_REQUEST', err.message.replace(err.param ? `'${err.param}'` : 'the request body', `'${param}'`), { param, publicCode: err.publicCode });
  }
}

function content(role: string, c: string | Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  if (typeof c !== 'string') return c.map((p) => (p.type === 'output_text' ? { annotations: [], logprobs: [], ...p } : p));
  return [role === 'assistant' ? { type: 'output_text', text: c, annotations: [], logprobs: [] } : { type: 'input_text', text: c }];
}

/**
 * One client item in the stored form; a bad one is a 400 on `at` (e.g. `items[3].type`).
 *
 * @example
 * ```ts
 * normalizeItem({ role: 'user', content: 'hi' }, 'items[0]');
 * // { id: 'msg_…', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }], status: 'completed' }
 * ```
 */
export function normalizeItem(raw: unknown, at: string): ConversationItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid type for '${at}': expected an object.`, { param: at, publicCode: 'invalid_type' });
  }
  const r = raw as Record<string, unknown>;
  const type = r.type === undefined && 'role' in r ? 'message' : r.type;
  if (typeof type !== 'string' || !(type in SCHEMAS)) {
    const shown = typeof type === 'string' ? `'${type.slice(0, 64)}'` : JSON.stringify(type ?? null);
    const why = typeof type === 'string' && KNOWN_UNSUPPORTED.has(type) ? 'is not supported by this gateway' : 'is not an item type';
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid value for '${at}.type': ${shown} ${why}. Supported values are: ${SUPPORTED_TYPES.map((t) => `'${t}'`).join(', ')}.`, {
      param: `${at}.type`,
      publicCode: typeof type === 'string' && KNOWN_UNSUPPORTED.has(type) ? 'unsupported_value' : 'invalid_value',
    });
  }
  switch (type as (typeof SUPPORTED_TYPES)[number]) {
    case 'message': {
      const m = validateAt(Message, r, at);
      return { ...m, id: m.id ?? newItemId('msg'), type: 'message', role: m.role, content: content(m.role, m.content as string | Array<Record<string, unknown>>), status: 'completed' };
    }
    case 'function_call': {
      const f = validateAt(FunctionCall, r, at);
      return { ...f, id: f.id ?? newItemId('fc'), type: 'function_call', status: 'completed' };
    }
    case 'function_call_output': {
      const o = validateAt(FunctionCallOutput, r, at);
      return { ...o, id: o.id ?? newItemId('fco'), type: 'function_call_output', output: typeof o.output === 'string' ? o.output : JSON.stringify(o.output), status: 'completed' };
    }
    case 'reasoning': {
      const s = validateAt(Reasoning, r, at);
      return { ...s, id: s.id ?? newItemId('rs'), type: 'reasoning', summary: s.summary ?? [] };
    }
  }
}

/**
 * A request's `items`: an array of at most {@link MAX_ITEMS_PER_ADD} items (at least one
 * unless `allowEmpty`), all checked before any is kept.
 *
 * @example
 * ```ts
 * const items = normalizeItems(body.items, 'items', { allowEmpty: true });
 * ```
 */
export function normalizeItems(raw: unknown, param: string, options: { allowEmpty?: boolean } = {}): ConversationItem[] {
  if (raw === undefined || raw === null) {
    if (options.allowEmpty) return [];
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Missing required parameter: '${param}'.`, { param, publicCode: 'missing_required_parameter' });
  }
  if (!Array.isArray(raw)) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid type for '${param}': expected an array.`, { param, publicCode: 'invalid_type' });
  if (raw.length > MAX_ITEMS_PER_ADD) {
    throw new GatewayError(
      'GW_ERR_INVALID_REQUEST',
      `Invalid '${param}': array too long. Expected an array with maximum length ${MAX_ITEMS_PER_ADD}, but got an array with length ${raw.length} instead.`,
      { param, publicCode: 'array_above_max_length' },
    );
  }
  if (raw.length === 0 && !options.allowEmpty) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`, { param, publicCode: 'empty_array' });
  }
  return raw.map((item, i) => normalizeItem(item, `${param}[${i}]`));
}
