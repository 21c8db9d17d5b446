/**
 * The live feed's wire type, shared by the server (src/live.ts) and the page
 * (web/src/types.ts): no imports, so the page's build can take it as is.
 */

/**
 * One finished call as the live feed sends it (no bodies, no metadata).
 *
 * @example
 * ```ts
 * const call = JSON.parse(event.data) as LiveCall; // one `data:` line of GET /console/api/live
 * ```
 */
export interface LiveCall {
  /** The call's id in the call log (`call_...`), as the sessions API names it. */
  id: string;
  request_id: string;
  started_at_ms: number;
  operation: string;
  endpoint: string;
  model: string | null;
  deployment: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  outcome: string;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost: number | null;
  session_id: string | null;
  key_id: string | null;
  user_id: string | null;
  end_user: string | null;
  response_id: string | null;
  error: { code: string; message: string } | null;
}
