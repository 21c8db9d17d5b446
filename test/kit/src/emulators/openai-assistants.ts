/**
 * The OpenAI Assistants API (v2) in the emulators, in memory: assistants, threads, messages,
 * runs (created `queued`, answered by the next read: `requires_action` with one call of the
 * first function tool, else an `echo: …` / `tool result: …` message), run steps, cancel,
 * submit_tool_outputs, list paging, and run streams in OpenAI's event order. Strict as the
 * real API: the `OpenAI-Beta: assistants=v2` header is required, unknown ids are 404s.
 * Mounted by the OpenAI emulator under `/v1` and the Azure one under `/openai`.
 */
import { sendJson, type EmulatorExchange } from './server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The state of one emulated Assistants API. */
export interface AssistantsState {
  assistants: Map<string, Json>;
  threads: Map<string, Json>;
  messages: Map<string, Json[]>;
  runs: Map<string, Json>;
  steps: Map<string, Json[]>;
}

/**
 * A fresh, empty state.
 *
 * @example
 * ```ts
 * const route = assistantsRoutes(assistantsState());
 * ```
 */
export function assistantsState(): AssistantsState {
  return { assistants: new Map(), threads: new Map(), messages: new Map(), runs: new Map(), steps: new Map() };
}

let n = 0;
const id = (prefix: string) => `${prefix}_emu${(++n).toString().padStart(6, '0')}`;
const now = () => Math.floor(Date.now() / 1000);
const USAGE = { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 };

function notFound(res: EmulatorExchange['res'], kind: string, value: string): true {
  sendJson(res, 404, { error: { message: `No ${kind} found with id '${value}'.`, type: 'invalid_request_error', param: null, code: null } });
  return true;
}

function page(res: EmulatorExchange['res'], all: Json[], query: URLSearchParams): true {
  const order = query.get('order') ?? 'desc';
  const limit = Number(query.get('limit') ?? 20);
  let items = order === 'asc' ? [...all] : [...all].reverse();
  const after = query.get('after');
  if (after) items = items.slice(items.findIndex((x) => x.id === after) + 1);
  const before = query.get('before');
  if (before) items = items.slice(0, Math.max(0, items.findIndex((x) => x.id === before)));
  const data = items.slice(0, limit);
  sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: items.length > limit });
  return true;
}

function textOf(m: Json | undefined): string {
  if (!m) return '';
  return (m.content as Json[]).map((p) => (p.type === 'text' ? p.text.value : '')).join(' ');
}

function message(threadId: string, role: string, content: unknown, extra: Json = {}): Json {
  const parts =
    typeof content === 'string'
      ? [{ type: 'text', text: { value: content, annotations: [] } }]
      : (content as Json[]).map((p) => (p.type === 'text' ? { type: 'text', text: { value: p.text, annotations: [] } } : p));
  return {
    id: id('msg'),
    object: 'thread.message',
    created_at: now(),
    assistant_id: null,
    thread_id: threadId,
    run_id: null,
    role,
    content: parts,
    attachments: [],
    metadata: {},
    status: 'completed',
    incomplete_details: null,
    completed_at: now(),
    incomplete_at: null,
    ...extra,
  };
}

/**
 * The Assistants routes over `state`; `path` is below the API root (`/assistants`, ...).
 * Returns false when the path is not the Assistants API's.
 *
 * @example
 * ```ts
 * if (path.startsWith('/assistants') || path.startsWith('/threads')) return assistantsRoute(state, x, path, query);
 * ```
 */
export function assistantsRoute(state: AssistantsState, x: EmulatorExchange, path: string, query: URLSearchParams): boolean {
  const { req, res } = x;
  if (!path.startsWith('/assistants') && !path.startsWith('/threads')) return false;
  if (req.headers['openai-beta'] !== 'assistants=v2') {
    sendJson(res, 400, {
      error: { message: "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.", type: 'invalid_request_error', param: null, code: 'invalid_beta' },
    });
    return true;
  }
  const body = (req.body ?? {}) as Json;
  const json = (status: number, b: unknown, headers: Record<string, string> = {}): true => {
    sendJson(res, status, b, headers);
    return true;
  };
  const seg = path.split('/').filter(Boolean);
  const m = req.method;

  const step = (run: Json, type: string, details: Json, status = 'completed'): Json => ({
    id: id('step'),
    object: 'thread.run.step',
    created_at: now(),
    run_id: run.id,
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    type,
    status,
    cancelled_at: null,
    completed_at: status === 'completed' ? now() : null,
    expires_at: null,
    expired_at: null,
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: USAGE,
    metadata: {},
  });

  /** Moves a queued run on; returns the events it made, in order. */
  const advance = (run: Json): Array<[string, Json]> => {
    if (run.status !== 'queued') return [];
    const ev: Array<[string, Json]> = [];
    run.status = 'in_progress';
    run.started_at = now();
    ev.push(['thread.run.in_progress', { ...run }]);
    const steps = state.steps.get(run.id)!;
    const pending = steps.find((s) => s.type === 'tool_calls' && s.status === 'completed' && !s.used);
    const fn = (run.tools as Json[]).find((t) => t.type === 'function');
    const last = state.messages.get(run.thread_id)!.filter((mm) => mm.role === 'user').at(-1);
    if (fn && !pending) {
      const call = { id: id('call'), type: 'function', function: { name: fn.function.name, arguments: JSON.stringify({ q: textOf(last) }), output: null } };
      const s = step(run, 'tool_calls', { type: 'tool_calls', tool_calls: [call] }, 'in_progress');
      s.usage = null;
      steps.push(s);
      ev.push(['thread.run.step.created', { ...s, step_details: { type: 'tool_calls', tool_calls: [] } }], ['thread.run.step.in_progress', { ...s, step_details: { type: 'tool_calls', tool_calls: [] } }]);
      ev.push(['thread.run.step.delta', { id: s.id, object: 'thread.run.step.delta', delta: { step_details: { type: 'tool_calls', tool_calls: [{ index: 0, ...call }] } } }]);
      run.status = 'requires_action';
      run.required_action = { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [{ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] } };
      ev.push(['thread.run.requires_action', { ...run }]);
      return ev;
    }
    if (pending) pending.used = true;
    const text = pending ? `tool result: ${(pending.step_details.tool_calls as Json[]).map((c) => c.function.output).join(' ')}` : `echo: ${textOf(last)}`;
    const msg = message(run.thread_id, 'assistant', '', { assistant_id: run.assistant_id, run_id: run.id, status: 'in_progress', content: [], completed_at: null });
    const s = step(run, 'message_creation', { type: 'message_creation', message_creation: { message_id: msg.id } }, 'in_progress');
    ev.push(['thread.run.step.created', { ...s, usage: null }], ['thread.run.step.in_progress', { ...s, usage: null }], ['thread.message.created', { ...msg }], ['thread.message.in_progress', { ...msg }]);
    const words = text.match(/\S+\s*/g) ?? [];
    words.forEach((w, i) => ev.push(['thread.message.delta', { id: msg.id, object: 'thread.message.delta', delta: { content: [{ index: 0, type: 'text', text: i === 0 ? { value: w, annotations: [] } : { value: w } }] } }]));
    Object.assign(msg, { status: 'completed', completed_at: now(), content: [{ type: 'text', text: { value: text, annotations: [] } }] });
    state.messages.get(run.thread_id)!.push(msg);
    Object.assign(s, { status: 'completed', completed_at: now() });
    steps.push(s);
    ev.push(['thread.message.completed', { ...msg }], ['thread.run.step.completed', { ...s }]);
    Object.assign(run, { status: 'completed', completed_at: now(), expires_at: null, usage: USAGE });
    ev.push(['thread.run.completed', { ...run }]);
    return ev;
  };

  const stream = (first: Array<[string, Json]>, run: Json): true => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const [e, d] of [...first, ...advance(run)]) res.write(`event: ${e}\ndata: ${JSON.stringify(d)}\n\n`);
    res.end('event: done\ndata: [DONE]\n\n');
    return true;
  };

  const newRun = (threadId: string): Json | undefined => {
    const asst = state.assistants.get(body.assistant_id);
    if (!asst) return undefined;
    const run = {
      id: id('run'),
      object: 'thread.run',
      created_at: now(),
      assistant_id: asst.id,
      thread_id: threadId,
      status: 'queued',
      started_at: null,
      expires_at: now() + 600,
      cancelled_at: null,
      failed_at: null,
      completed_at: null,
      required_action: null,
      last_error: null,
      model: body.model ?? asst.model,
      instructions: body.instructions ?? asst.instructions ?? '',
      tools: body.tools ?? asst.tools,
      metadata: body.metadata ?? {},
      incomplete_details: null,
      usage: null,
      temperature: 1,
      top_p: 1,
      max_prompt_tokens: null,
      max_completion_tokens: null,
      truncation_strategy: { type: 'auto', last_messages: null },
      response_format: 'auto',
      tool_choice: 'auto',
      parallel_tool_calls: true,
    };
    state.runs.set(run.id, run);
    state.steps.set(run.id, []);
    return run;
  };
  const newThread = (b: Json): Json => {
    const t = { id: id('thread'), object: 'thread', created_at: now(), tool_resources: b.tool_resources ?? null, metadata: b.metadata ?? {} };
    state.threads.set(t.id, t);
    state.messages.set(t.id, ((b.messages ?? []) as Json[]).map((mm) => message(t.id, mm.role, mm.content)));
    return t;
  };
  const poll = { 'openai-poll-after-ms': '10' };

  if (seg[0] === 'assistants') {
    if (seg.length === 1 && m === 'POST') {
      if (typeof body.model !== 'string') return json(400, { error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' } });
      const a = { id: id('asst'), object: 'assistant', created_at: now(), name: null, description: null, instructions: null, tools: [], tool_resources: {}, metadata: {}, temperature: 1, top_p: 1, response_format: 'auto', ...body };
      state.assistants.set(a.id, a);
      return json(200, a);
    }
    if (seg.length === 1 && m === 'GET') return page(res, [...state.assistants.values()], query);
    const a = state.assistants.get(seg[1]!);
    if (!a) return notFound(res, 'assistant', seg[1]!);
    if (m === 'GET') return json(200, a);
    if (m === 'POST') return json(200, Object.assign(a, body));
    state.assistants.delete(a.id);
    return json(200, { id: a.id, object: 'assistant.deleted', deleted: true });
  }

  // /threads/runs: a new thread and a run on it
  if (seg[1] === 'runs' && seg.length === 2 && m === 'POST') {
    const t = newThread((body.thread ?? {}) as Json);
    const run = newRun(t.id);
    if (!run) return notFound(res, 'assistant', body.assistant_id);
    if (body.stream) return stream([['thread.created', t], ['thread.run.created', { ...run }], ['thread.run.queued', { ...run }]], run);
    return json(200, { ...run }, poll);
  }
  if (seg.length === 1 && m === 'POST') return json(200, newThread(body));
  const t = state.threads.get(seg[1]!);
  if (!t) return notFound(res, 'thread', seg[1]!);
  const messages = state.messages.get(t.id)!;
  if (seg.length === 2) {
    if (m === 'GET') return json(200, t);
    if (m === 'POST') return json(200, Object.assign(t, body));
    state.threads.delete(t.id);
    return json(200, { id: t.id, object: 'thread.deleted', deleted: true });
  }
  if (seg[2] === 'messages') {
    if (seg.length === 3 && m === 'POST') {
      const msg = message(t.id, body.role, body.content);
      messages.push(msg);
      return json(200, msg);
    }
    if (seg.length === 3) return page(res, messages, query);
    const msg = messages.find((mm) => mm.id === seg[3]);
    if (!msg) return notFound(res, 'message', seg[3]!);
    return json(200, msg);
  }
  // runs
  if (seg.length === 3 && m === 'POST') {
    const run = newRun(t.id);
    if (!run) return notFound(res, 'assistant', body.assistant_id);
    if (body.stream) return stream([['thread.run.created', { ...run }], ['thread.run.queued', { ...run }]], run);
    return json(200, { ...run }, poll);
  }
  if (seg.length === 3) return page(res, [...state.runs.values()].filter((r) => r.thread_id === t.id), query);
  const run = state.runs.get(seg[3]!);
  if (!run || run.thread_id !== t.id) return notFound(res, 'run', seg[3]!);
  if (seg.length === 4 && m === 'GET') {
    advance(run);
    return json(200, { ...run }, run.status === 'queued' ? poll : {});
  }
  if (seg[4] === 'cancel') {
    Object.assign(run, { status: 'cancelled', cancelled_at: now(), required_action: null });
    return json(200, { ...run });
  }
  if (seg[4] === 'submit_tool_outputs') {
    const s = state.steps.get(run.id)!.find((st) => st.status === 'in_progress');
    if (run.status !== 'requires_action' || !s) {
      return json(400, { error: { message: `Runs in status "${run.status}" do not accept tool outputs.`, type: 'invalid_request_error', param: null, code: null } });
    }
    for (const c of s.step_details.tool_calls as Json[]) c.function.output = ((body.tool_outputs ?? []) as Json[]).find((o) => o.tool_call_id === c.id)?.output ?? null;
    Object.assign(s, { status: 'completed', completed_at: now(), usage: USAGE });
    Object.assign(run, { status: 'queued', required_action: null });
    if (body.stream) return stream([['thread.run.step.completed', { ...s }], ['thread.run.queued', { ...run }]], run);
    return json(200, { ...run }, poll);
  }
  if (seg[4] === 'steps') {
    const steps = (state.steps.get(run.id) ?? []).map(({ used: _used, ...rest }) => rest);
    if (seg.length === 5) return page(res, steps, query);
    const s = steps.find((st) => st.id === seg[5]);
    if (!s) return notFound(res, 'run step', seg[5]!);
    return json(200, s);
  }
  return false;
}
