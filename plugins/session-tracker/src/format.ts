/**
 * The JSON the sessions API answers with. Times: `created_at`/`updated_at` in unix seconds
 * (OpenAI style); timings in epoch milliseconds and durations in milliseconds.
 */
import { fromJsonColumn } from '@switchyard/store';
import type { CallRow, SessionRow } from './call-log-schema.js';

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const secs = (ms: number) => Math.floor(ms / 1000);
const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** Token totals in the API's shape. */
function usageOf(r: { input_tokens: unknown; output_tokens: unknown; cached_tokens: unknown; reasoning_tokens: unknown }) {
  const input = num(r.input_tokens);
  const output = num(r.output_tokens);
  return { input_tokens: input, output_tokens: output, cached_tokens: num(r.cached_tokens), reasoning_tokens: num(r.reasoning_tokens), total_tokens: input + output };
}

/**
 * A session summary (list item, and the head of a session).
 *
 * @example
 * ```ts
 * res.body = { object: 'list', data: rows.map(sessionSummary) };
 * ```
 */
export function sessionSummary(s: SessionRow) {
  const first = num(s.first_at);
  const last = num(s.last_at);
  return {
    id: s.id,
    object: 'session' as const,
    created_at: secs(first),
    updated_at: secs(last),
    first_call_at_ms: first,
    last_call_at_ms: last,
    call_count: num(s.call_count),
    error_count: num(s.error_count),
    usage: usageOf(s),
    cost: numOrNull(s.cost),
    key_id: s.key_id,
    team_id: s.team_id,
    user_id: s.user_id,
    end_user: s.end_user,
  };
}

/**
 * One call of a session.
 *
 * @example
 * ```ts
 * const calls = detail.calls.map(sessionCall);
 * ```
 */
export function sessionCall(c: CallRow) {
  const started = num(c.started_at);
  const first = numOrNull(c.first_token_at);
  const ended = numOrNull(c.ended_at);
  const out: Record<string, unknown> = {
    id: c.id,
    object: 'session.call',
    request_id: c.request_id,
    created_at: secs(started),
    operation: c.operation,
    endpoint: c.endpoint,
    model: c.model,
    deployment: c.deployment_id,
    provider: c.provider,
    upstream_model: c.upstream_model,
    stream: num(c.stream) === 1,
    status: num(c.status),
    outcome: c.outcome,
    error: c.error_code || c.error_message ? { code: c.error_code, message: c.error_message } : null,
    timings: {
      started_at_ms: started,
      first_token_at_ms: first,
      ended_at_ms: ended,
      duration_ms: ended === null ? null : round(ended - started),
      time_to_first_token_ms: first === null ? null : round(first - started),
    },
    usage: usageOf(c),
    cost: numOrNull(c.cost),
    end_user: c.end_user,
    metadata: fromJsonColumn<Record<string, unknown>>(c.metadata) ?? {},
    attempts: fromJsonColumn<unknown[]>(c.attempts ?? null) ?? [],
    response_id: c.response_id ?? null,
    previous_response_id: c.previous_response_id ?? null,
  };
  if (c.request_body !== undefined) out.request = fromJsonColumn(c.request_body) ?? null;
  if (c.response_body !== undefined) out.response = fromJsonColumn(c.response_body) ?? null;
  if ((c as { bodies_omitted?: boolean }).bodies_omitted) out.bodies_omitted = true;
  return out;
}

interface Msg {
  role?: unknown;
  content?: unknown;
  tool_calls?: Array<{ id?: unknown }>;
  tool_call_id?: unknown;
  [key: string]: unknown;
}

const keyOf = (m: Msg) => {
  const content = typeof m.content === 'string' || m.content === null || m.content === undefined ? (m.content ?? '') : JSON.stringify(m.content);
  return JSON.stringify([m.role, content, (m.tool_calls ?? []).map((t) => t.id), m.tool_call_id ?? null]);
};

/**
 * The conversation of a session with stored prompts: each call's new request messages (what
 * the client had not already sent in an earlier call of the session) then the assistant
 * message it got back, each tagged with the call id. Calls without stored chat bodies add
 * nothing; undefined when no call has them.
 *
 * @example
 * ```ts
 * const conversation = conversationOf(detail.calls.map(sessionCall));
 * ```
 */
export function conversationOf(calls: ReadonlyArray<{ id?: unknown; request?: unknown; response?: unknown }>): Array<Msg & { call_id: string }> | undefined {
  const conv: Array<Msg & { call_id: string }> = [];
  let thread: Msg[] = []; // the conversation as the client holds it, to spot what a call adds
  let any = false;
  for (const c of calls) {
    const req = c.request as { messages?: Msg[] } | null | undefined;
    if (!req || !Array.isArray(req.messages)) continue;
    any = true;
    const msgs = req.messages;
    const continues = thread.length <= msgs.length && thread.every((m, i) => keyOf(m) === keyOf(msgs[i]!));
    for (const m of continues ? msgs.slice(thread.length) : msgs) conv.push({ ...m, call_id: String(c.id) });
    thread = [...msgs];
    const res = c.response as { choices?: Array<{ message?: Msg }> } | null | undefined;
    const reply = res?.choices?.[0]?.message;
    if (reply) {
      conv.push({ ...reply, call_id: String(c.id) });
      thread.push(reply);
    }
  }
  return any ? conv : undefined;
}
