/**
 * The API objects as OpenAI returns them.
 */

/** Purposes a client may upload with. */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** A file's purpose (uploads, and the batch result files the gateway writes). */
export type FilePurpose = (typeof UPLOAD_PURPOSES)[number] | 'batch_output';

/** `OpenAIFile`. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: FilePurpose;
  status: 'uploaded' | 'processed' | 'error';
  status_details: string | null;
}

/** A batch's status. */
export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** One entry of a batch's `errors.data`. */
export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** `Batch`. */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: { object: 'list'; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  } | null;
  metadata: Record<string, string> | null;
  /**
   * Extra field (not OpenAI's): when the batch should end at its line rate so far, epoch
   * seconds while `in_progress` once a line has ended, else null; absent on ended batches.
   */
  estimated_completion_at?: number | null;
}

/** One output or error line of a batch. */
export interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}
