/**
 * Validation of `POST /v1/responses` bodies (known fields typed, unknown fields pass).
 */
import { z } from '@switchyard/core';

const Text = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const Image = z.looseObject({ type: z.literal('input_image'), image_url: z.string().optional(), file_id: z.string().optional(), detail: z.string().optional() });
const File = z.looseObject({ type: z.literal('input_file') });
const OutText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const Refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const Content = z.union([z.string(), z.array(z.discriminatedUnion('type', [Text, Image, File, OutText, Refusal]))]);

const Message = z.looseObject({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: Content,
});
const FunctionCall = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const FunctionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});
const Reasoning = z.looseObject({ type: z.literal('reasoning'), id: z.string().optional() });
const ItemRef = z.looseObject({ type: z.literal('item_reference'), id: z.string() });

/** One input item. */
export const InputItemSchema = z.union([Message, FunctionCall, FunctionCallOutput, Reasoning, ItemRef]);

const FunctionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

/** The create-response request. */
export const CreateResponseSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(InputItemSchema).max(2048)]).optional(),
  instructions: z.string().nullable().optional(),
  previous_response_id: z.string().min(1).nullable().optional(),
  /** A conversation id, or `{ id }` (the Conversations plugin keeps it). */
  conversation: z.union([z.string().min(1).max(200), z.looseObject({ id: z.string().min(1).max(200) })]).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  background: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  tools: z.array(z.union([FunctionTool, z.looseObject({ type: z.string() })])).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), name: z.string() }), z.looseObject({ type: z.string() })])
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  text: z
    .looseObject({
      format: z
        .union([
          z.looseObject({ type: z.literal('text') }),
          z.looseObject({ type: z.literal('json_object') }),
          z.looseObject({ type: z.literal('json_schema'), name: z.string().min(1), schema: z.record(z.string(), z.unknown()), strict: z.boolean().nullable().optional() }),
        ])
        .optional(),
    })
    .nullable()
    .optional(),
  reasoning: z.looseObject({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional() }).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  user: z.string().nullable().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
});

/** A validated create-response request. */
export type CreateResponse = z.infer<typeof CreateResponseSchema>;
/** A validated input item. */
export type InputItem = z.infer<typeof InputItemSchema>;
