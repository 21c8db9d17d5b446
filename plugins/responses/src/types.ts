/**
 * The Responses API shapes this plugin reads and writes (OpenAI spec 2.3.0).
 */

/** Input content part. */
export type InputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url?: string; file_id?: string; detail?: string }
  | { type: 'input_file'; file_id?: string; file_data?: string; filename?: string }
  | { type: 'output_text'; text: string; annotations?: unknown[]; logprobs?: unknown[] }
  | { type: 'refusal'; refusal: string };

/** An input or output item as stored and listed (every item has an id). */
export type Item =
  | { id: string; type: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: InputContent[]; status?: string }
  | { id: string; type: 'function_call'; call_id: string; name: string; arguments: string; status?: string }
  | { id: string; type: 'function_call_output'; call_id: string; output: string; status?: string }
  | { id: string; type: 'reasoning'; summary: unknown[]; content?: unknown[] };

/** Responses usage. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Response status values. */
export type ResponseStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

/** A `response` object. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: Item[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'auto' | 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, unknown>;
  background: boolean;
  service_tier?: string | null;
  [key: string]: unknown;
}
