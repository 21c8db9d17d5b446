/** The shapes the console reads from the gateway's APIs. */

export interface Capabilities {
  object: 'console.capabilities';
  version: string;
  auth: { enabled: boolean; loopback_only: boolean; admin: boolean; key_id: string | null };
  views: { sessions: boolean; spend: boolean; budgets: boolean; deployments: boolean; batches: boolean; live: boolean };
  store_prompts: boolean;
  trace: boolean;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
}

export interface SessionSummary {
  id: string;
  object: 'session';
  created_at: number;
  updated_at: number;
  first_call_at_ms: number;
  last_call_at_ms: number;
  call_count: number;
  error_count: number;
  usage: Usage;
  cost: number | null;
  key_id: string | null;
  team_id: string | null;
  user_id: string | null;
  end_user: string | null;
}

export interface List<T> {
  object: 'list';
  data: T[];
  first_id?: string | null;
  last_id?: string | null;
  has_more?: boolean;
}

export interface SessionCall {
  id: string;
  request_id: string;
  created_at: number;
  operation: string;
  endpoint: string;
  model: string | null;
  deployment: string | null;
  provider: string | null;
  upstream_model: string | null;
  stream: boolean;
  status: number;
  outcome: string;
  error: { code: string | null; message: string | null } | null;
  timings: { started_at_ms: number; first_token_at_ms: number | null; ended_at_ms: number | null; duration_ms: number | null; time_to_first_token_ms: number | null };
  usage: Usage;
  cost: number | null;
  end_user: string | null;
  metadata: Record<string, unknown>;
  response_id: string | null;
  previous_response_id: string | null;
  request?: unknown;
  response?: unknown;
  bodies_omitted?: boolean;
}

export interface SessionDetail extends SessionSummary {
  duration_ms: number;
  models: string[];
  calls: SessionCall[];
  calls_has_more: boolean;
  calls_last_id: string | null;
}

// the server's own type: one definition for both ends of the feed
export type { LiveCall } from '../../src/live-call.js';

export interface SpendGroup {
  group: string | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost: number | null;
  unpriced_requests: number;
}

export interface SpendReport {
  object: 'spend.report';
  group_by: string;
  data: SpendGroup[];
  total: Omit<SpendGroup, 'group'>;
}

export interface BudgetStatus {
  scope: string;
  id: string | null;
  per_value: boolean;
  period: string;
  max_budget: number;
  window_start: number | null;
  spent: number;
  remaining: number;
  exceeded: boolean;
}

export interface DeploymentHealth {
  id: string;
  model: string;
  provider: string;
  upstream_model: string;
  inflight: number;
  cooling_until: number | null;
  cooling: boolean;
  latency_ms: number | null;
  requests_last_minute: number;
  last_error: string | null;
  weight: number | null;
  rpm: number | null;
  tpm: number | null;
}

export interface Batch {
  id: string;
  object?: string;
  endpoint?: string;
  status: string;
  created_at?: number;
  completed_at?: number | null;
  request_counts?: { total: number; completed: number; failed: number };
  metadata?: Record<string, string> | null;
  /** Cost in USD, when the batches plugin reports it. */
  cost?: number | null;
  usage?: { total_tokens?: number; input_tokens?: number; output_tokens?: number } | null;
}
