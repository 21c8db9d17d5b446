/**
 * Request bodies of the Assistants API, checked as OpenAI checks them: unknown fields are a
 * 400 naming the field, limits as the API's (metadata 16 keys, names 256 characters, 128
 * tools, token limits of at least 256).
 */
import { z } from '@switchyard/core';

/** Metadata: at most 16 string values, keys up to 64 and values up to 512 characters. */
export const Metadata = z
  .record(z.string().max(64, 'keys must be at most 64 characters'), z.string().max(512, 'values must be strings of at most 512 characters'))
  .refine((m) => Object.keys(m).length <= 16, 'must have at most 16 keys');

const FunctionTool = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().max(1024).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
const CodeInterpreterTool = z.strictObject({ type: z.literal('code_interpreter') });
const FileSearchTool = z.strictObject({ type: z.literal('file_search'), file_search: z.record(z.string(), z.unknown()).optional() });

/** One tool of an assistant or run. */
export const Tool = z.discriminatedUnion('type', [FunctionTool, CodeInterpreterTool, FileSearchTool]);
/** A tool as checked. */
export type ToolSpec = z.infer<typeof Tool>;

const Tools = z.array(Tool).max(128, 'must have at most 128 tools');

/** `response_format`: `auto`, text, a JSON object or a JSON schema. */
export const ResponseFormat = z.union([
  z.literal('auto'),
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const ReasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const ToolResources = z.record(z.string(), z.unknown());
const temperature = z.number().min(0).max(2).nullable().optional();
const topP = z.number().min(0).max(1).nullable().optional();

/** `POST /v1/assistants`. */
export const CreateAssistantBody = z.strictObject({
  model: z.string().min(1).max(256),
  name: z.string().max(256).nullable().optional(),
  description: z.string().max(512).nullable().optional(),
  instructions: z.string().max(256_000).nullable().optional(),
  tools: Tools.nullable().optional(),
  tool_resources: ToolResources.nullable().optional(),
  metadata: Metadata.nullable().optional(),
  temperature,
  top_p: topP,
  response_format: ResponseFormat.nullable().optional(),
  reasoning_effort: ReasoningEffort.nullable().optional(),
});

/** `POST /v1/assistants/{id}`: every field optional. */
export const ModifyAssistantBody = CreateAssistantBody.partial();

const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const ImageUrlPart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const ImageFilePart = z.strictObject({
  type: z.literal('image_file'),
  image_file: z.strictObject({ file_id: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
/** A content part of a new message. */
export const ContentPart = z.discriminatedUnion('type', [TextPart, ImageUrlPart, ImageFilePart]);

const Parts = z.array(ContentPart).min(1);
/** A content part as checked. */
export type ContentPartSpec = z.infer<typeof ContentPart>;

/** A message's `content`: a string, or a non-empty array of parts (each part's errors named by its path). */
const MessageContentField = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v === 'string') return;
    if (v === undefined || !Array.isArray(v)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: v, message: 'expected a string or an array of content parts' });
      return;
    }
    const r = Parts.safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, input: undefined } as never);
  })
  .transform((v) => v as string | ContentPartSpec[]);

const Attachment = z.strictObject({ file_id: z.string().min(1), tools: z.array(z.record(z.string(), z.unknown())).optional() });

/** A new message (`POST /v1/threads/{id}/messages`, and the messages of a new thread or run). */
export const CreateMessageBody = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: MessageContentField,
  attachments: z.array(Attachment).nullable().optional(),
  metadata: Metadata.nullable().optional(),
});
/** A new message as checked. */
export type CreateMessage = z.infer<typeof CreateMessageBody>;

/** `POST /v1/threads`. */
export const CreateThreadBody = z.strictObject({
  messages: z.array(CreateMessageBody).max(32, 'must have at most 32 messages').nullable().optional(),
  tool_resources: ToolResources.nullable().optional(),
  metadata: Metadata.nullable().optional(),
});

/** `POST /v1/threads/{id}`. */
export const ModifyThreadBody = z.strictObject({ tool_resources: ToolResources.nullable().optional(), metadata: Metadata.nullable().optional() });

/** `POST /v1/threads/{id}/messages/{id}` and `/runs/{id}`: metadata only. */
export const ModifyMetadataBody = z.strictObject({ metadata: Metadata.nullable().optional() });

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1) }) }),
]);
const TruncationStrategy = z.strictObject({
  type: z.enum(['auto', 'last_messages']),
  last_messages: z.number().int().min(1).nullable().optional(),
});

const runFields = {
  assistant_id: z.string().min(1),
  model: z.string().min(1).max(256).nullable().optional(),
  instructions: z.string().max(256_000).nullable().optional(),
  tools: Tools.nullable().optional(),
  metadata: Metadata.nullable().optional(),
  temperature,
  top_p: topP,
  stream: z.boolean().nullable().optional(),
  max_prompt_tokens: z.number().int().min(256).nullable().optional(),
  max_completion_tokens: z.number().int().min(256).nullable().optional(),
  truncation_strategy: TruncationStrategy.nullable().optional(),
  tool_choice: ToolChoice.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  response_format: ResponseFormat.nullable().optional(),
  reasoning_effort: ReasoningEffort.nullable().optional(),
};

/** `POST /v1/threads/{id}/runs`. */
export const CreateRunBody = z.strictObject({
  ...runFields,
  additional_instructions: z.string().max(256_000).nullable().optional(),
  additional_messages: z.array(CreateMessageBody).max(32, 'must have at most 32 messages').nullable().optional(),
});
/** A new run as checked. */
export type CreateRun = z.infer<typeof CreateRunBody>;

/** `POST /v1/threads/runs`: a new thread and a run on it. */
export const CreateThreadAndRunBody = z.strictObject({
  ...runFields,
  thread: CreateThreadBody.nullable().optional(),
  tool_resources: ToolResources.nullable().optional(),
});
/** A new thread-and-run as checked. */
export type CreateThreadAndRun = z.infer<typeof CreateThreadAndRunBody>;

/** `POST /v1/threads/{id}/runs/{id}/submit_tool_outputs`. */
export const SubmitToolOutputsBody = z.strictObject({
  tool_outputs: z.array(z.strictObject({ tool_call_id: z.string().min(1), output: z.string() })).min(1),
  stream: z.boolean().nullable().optional(),
});

/** The query of every list: `limit` (1-100, default 20), `order` (default `desc`), `after`, `before`. */
export const ListQuery = z.looseObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).max(200).optional(),
  before: z.string().min(1).max(200).optional(),
  run_id: z.string().min(1).max(200).optional(),
});
/** A list query as checked. */
export type ListParams = z.infer<typeof ListQuery>;
