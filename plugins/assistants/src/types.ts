/**
 * The Assistants API objects as the gateway stores and sends them (the OpenAI wire shapes).
 */
import type { ToolSpec } from './schema.js';

/** Metadata of an object. */
export type Meta = Record<string, string>;

/** `response_format` of an assistant or run. */
export type ResponseFormatSpec = 'auto' | { type: string; json_schema?: Record<string, unknown> };

/** An assistant (`object: "assistant"`). */
export interface AssistantObject {
  id: string;
  object: 'assistant';
  created_at: number;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: ToolSpec[];
  tool_resources: Record<string, unknown> | null;
  metadata: Meta;
  temperature: number | null;
  top_p: number | null;
  response_format: ResponseFormatSpec;
  reasoning_effort: string | null;
}

/** A thread (`object: "thread"`). */
export interface ThreadObject {
  id: string;
  object: 'thread';
  created_at: number;
  tool_resources: Record<string, unknown> | null;
  metadata: Meta;
}

/** A message content part as stored and sent. */
export type MessageContent =
  | { type: 'text'; text: { value: string; annotations: unknown[] } }
  | { type: 'image_url'; image_url: { url: string; detail: string } }
  | { type: 'image_file'; image_file: { file_id: string; detail: string } };

/** A thread message (`object: "thread.message"`). */
export interface MessageObject {
  id: string;
  object: 'thread.message';
  created_at: number;
  assistant_id: string | null;
  thread_id: string;
  run_id: string | null;
  role: 'user' | 'assistant';
  content: MessageContent[];
  attachments: Array<Record<string, unknown>>;
  metadata: Meta;
  status: 'in_progress' | 'incomplete' | 'completed';
  incomplete_details: { reason: string } | null;
  completed_at: number | null;
  incomplete_at: number | null;
}

/** Run statuses. */
export type RunStatus = 'queued' | 'in_progress' | 'requires_action' | 'cancelling' | 'cancelled' | 'failed' | 'completed' | 'incomplete' | 'expired';

/** Usage of a run or step; `cost` (USD, null when unknown) is the gateway's addition. */
export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost?: number | null;
}

/** A function tool call of a run step (`output` once submitted). */
export interface FunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
}

/** A run (`object: "thread.run"`). */
export interface RunObject {
  id: string;
  object: 'thread.run';
  created_at: number;
  thread_id: string;
  assistant_id: string;
  status: RunStatus;
  required_action: { type: 'submit_tool_outputs'; submit_tool_outputs: { tool_calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> } } | null;
  last_error: { code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt'; message: string } | null;
  expires_at: number | null;
  started_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  completed_at: number | null;
  incomplete_details: { reason: 'max_completion_tokens' | 'max_prompt_tokens' } | null;
  model: string;
  instructions: string;
  tools: ToolSpec[];
  metadata: Meta;
  usage: RunUsage | null;
  temperature: number | null;
  top_p: number | null;
  max_prompt_tokens: number | null;
  max_completion_tokens: number | null;
  truncation_strategy: { type: 'auto' | 'last_messages'; last_messages: number | null };
  response_format: ResponseFormatSpec;
  tool_choice: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls: boolean;
  reasoning_effort: string | null;
}

/** Step details of a run step. */
export type StepDetails = { type: 'message_creation'; message_creation: { message_id: string } } | { type: 'tool_calls'; tool_calls: FunctionToolCall[] };

/** Run step statuses. */
export type StepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';

/** A run step (`object: "thread.run.step"`). */
export interface StepObject {
  id: string;
  object: 'thread.run.step';
  created_at: number;
  run_id: string;
  assistant_id: string;
  thread_id: string;
  type: 'message_creation' | 'tool_calls';
  status: StepStatus;
  cancelled_at: number | null;
  completed_at: number | null;
  /** As the API sends it (the SDK's type names it `expired_at`; both are sent). */
  expires_at: number | null;
  expired_at: number | null;
  failed_at: number | null;
  last_error: RunObject['last_error'];
  step_details: StepDetails;
  usage: RunUsage | null;
  metadata: Meta;
}

/** What the gateway keeps with a run besides its object: who runs it and how far it got. */
export interface RunExec {
  /** The principal the run's calls are made as (the run creator's). */
  principal: { keyId?: string; userId?: string; teamId?: string; admin?: boolean };
  /** Extra instructions of this run (appended to the instructions). */
  additionalInstructions: string | null;
  /** Token usage so far, over every step. */
  usage: RunUsage;
  /** How many times the run was queued (its first execution and one per submit_tool_outputs). */
  segment: number;
}
