/**
 * The schema of `POST /v1/chat/completions` bodies. Known fields are checked for type
 * and range; unknown fields pass through to the provider.
 */
import { z, type ChatRequest } from '@switchyard/core';

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const ImagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const OtherPart = z.looseObject({ type: z.string() });
const ContentPart = z.union([TextPart, ImagePart, OtherPart]);

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const Message = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(ToolCall).optional(),
    tool_call_id: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.role !== 'assistant' && (m.content === undefined || m.content === null)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['content'], message: 'required' });
    }
    if (m.role === 'tool' && m.tool_call_id === undefined) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['tool_call_id'], message: 'required' });
    }
    if (m.role === 'assistant' && (m.content === undefined || m.content === null) && !m.tool_calls?.length) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: "an assistant message needs 'content' or 'tool_calls'" });
    }
  });

const Tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/**
 * Most messages in one request (as OpenAI's API): bounds the work one request can ask for.
 *
 * @example
 * ```ts
 * if (messages.length > MAX_MESSAGES) throw tooMany();
 * ```
 */
export const MAX_MESSAGES = 2048;

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();
const positiveInt = z.number().int().positive().nullable().optional();

/**
 * The chat completions request schema.
 *
 * @example
 * ```ts
 * const body = validate(ChatRequestSchema, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
 * ```
 */
export const ChatRequestSchema: z.ZodType<ChatRequest> = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1).max(MAX_MESSAGES),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  n: z.number().int().min(1).max(128).nullable().optional(),
  presence_penalty: nullableNumber(-2, 2),
  frequency_penalty: nullableNumber(-2, 2),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .looseObject({ type: z.enum(['text', 'json_object', 'json_schema']), json_schema: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  seed: z.number().int().nullable().optional(),
}) as unknown as z.ZodType<ChatRequest>;

const ROLES: ReadonlySet<unknown> = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const within = (v: unknown, min: number, max: number) => typeof v === 'number' && v >= min && v <= max;
const count = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** Top-level fields the quick check can judge; any other schema field present sends the body to the schema. */
const QUICK_FIELDS: ReadonlyMap<string, (v: unknown) => boolean> = new Map(Object.entries({
  model: (v: unknown) => typeof v === 'string' && v.length > 0,
  stream: (v: unknown) => v === null || typeof v === 'boolean',
  max_tokens: (v: unknown) => v === null || count(v, 1, Number.MAX_SAFE_INTEGER),
  max_completion_tokens: (v: unknown) => v === null || count(v, 1, Number.MAX_SAFE_INTEGER),
  temperature: (v: unknown) => v === null || within(v, 0, 2),
  top_p: (v: unknown) => v === null || within(v, 0, 1),
  n: (v: unknown) => v === null || count(v, 1, 128),
  user: (v: unknown) => typeof v === 'string',
  seed: (v: unknown) => v === null || Number.isSafeInteger(v),
}));
const SCHEMA_FIELDS: ReadonlySet<string> = new Set(Object.keys((ChatRequestSchema as unknown as { shape: object }).shape));

/** A message of the plainest kind: a role and text content (assistant and tool messages included). */
function plainMessage(m: unknown): boolean {
  if (!isRecord(m) || !ROLES.has(m.role) || typeof m.content !== 'string') return false;
  if (m.name !== undefined && typeof m.name !== 'string') return false;
  if (m.tool_calls !== undefined) return false;
  if (m.tool_call_id !== undefined ? typeof m.tool_call_id !== 'string' : m.role === 'tool') return false;
  return true;
}

/**
 * Whether `body` is a chat request of the common plain kind that {@link ChatRequestSchema}
 * certainly accepts (text messages, the usual sampling fields): then it needs no schema pass
 * and no copy. `false` means "ask the schema", which gives the error, if any, and its `param`.
 *
 * @example
 * ```ts
 * const request = plainChatRequest(body) ? (body as ChatRequest) : validate(ChatRequestSchema, body);
 * ```
 */
export function plainChatRequest(body: unknown): body is ChatRequest {
  if (!isRecord(body)) return false;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) return false;
  for (const key in body) {
    if (key === 'messages') continue;
    const check = QUICK_FIELDS.get(key);
    const value = body[key];
    if (check ? !check(value) : SCHEMA_FIELDS.has(key) && value !== undefined) return false;
  }
  if (typeof body.model !== 'string') return false;
  for (const m of messages) if (!plainMessage(m)) return false;
  return true;
}
