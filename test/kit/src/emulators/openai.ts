/**
 * A loopback emulator of the OpenAI chat completions wire format: strict about what it
 * receives (auth header, required fields), answers in the real shapes, streams with
 * `data:` frames, `[DONE]` and the include_usage chunk; `/v1/embeddings` (see openai-embeddings.ts),
 * the Responses and Conversations APIs (openai-responses.ts), the Assistants API
 * (openai-assistants.ts) and `/v1/models`.
 */
import type { ChatMessage, ChatRequest } from '@switchyard/core';
import { assistantsRoute, assistantsState } from './openai-assistants.js';
import { batchesRoute, batchesState, type EmulatedBatches } from './openai-batches.js';
import { embeddingsRoute } from './openai-embeddings.js';
import { responsesRoutes } from './openai-responses.js';
import { sendJson, startEmulator, writeSse, type Emulator, type EmulatorExchange } from './server.js';

/** Options of the OpenAI emulator. */
export interface OpenAIEmulatorOptions {
  /** The API key it accepts (default `sk-emulator`). */
  apiKey?: string;
  port?: number;
  /** Fixed latency before every answer, in ms. */
  latencyMs?: number;
  /** Pause between streamed chunks, in ms. */
  chunkDelayMs?: number;
  /** Keep a record of requests (default true; the benchmark turns it off). */
  record?: boolean;
  /** Retrieves of a native batch before it completes (default 2; see openai-batches.ts). */
  batchPolls?: number;
  /** Serve the Files and Batches APIs (default true; false: an OpenAI-compatible server without them, 404). */
  batchesApi?: boolean;
}

/** A running OpenAI emulator; `baseURL` ends in `/v1`. */
export interface OpenAIEmulator extends Emulator {
  readonly baseURL: string;
  readonly apiKey: string;
  /** The emulated Files and Batches: files, batches, `held`, `polls`, `linesRun`. */
  readonly batches: EmulatedBatches;
}

function textOf(m: ChatMessage | undefined): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('');
  return '';
}

const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;

function invalid(res: EmulatorExchange['res'], message: string, param: string | null, code: string | null = null): true {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error', param, code } });
  return true;
}

let counter = 0;

/** What the emulated model answers: `echo: <last user text>`, or a tool call when tools are offered. */
export function emulatedAnswer(body: ChatRequest) {
  const last = body.messages.at(-1);
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const tool = body.tools?.[0];
  if (tool && body.tool_choice !== 'none' && last?.role !== 'tool') {
    return {
      content: null as string | null,
      toolCalls: [{ id: `call_emu${++counter}`, type: 'function' as const, function: { name: tool.function.name, arguments: JSON.stringify({ q: textOf(lastUser) }) } }],
      finish: 'tool_calls' as const,
    };
  }
  const content = last?.role === 'tool' ? `tool result: ${textOf(last)}` : `echo: ${textOf(lastUser)}`;
  const max = body.max_completion_tokens ?? body.max_tokens;
  const words = content.split(' ');
  if (max && words.length > max) return { content: words.slice(0, max).join(' '), toolCalls: undefined, finish: 'length' as const };
  return { content, toolCalls: undefined, finish: 'stop' as const };
}

/**
 * The usage the emulated model reports: word-and-punctuation tokens, 4 per message of framing.
 *
 * @example
 * ```ts
 * const usage = emulatedUsage(body, emulatedAnswer(body));
 * ```
 */
export function emulatedUsage(body: ChatRequest, a: { content: string | null; toolCalls?: Array<{ function: { arguments: string } }> }) {
  const prompt = body.messages.reduce((n, m) => n + 4 + tokens(textOf(m)), 3);
  const completion = tokens(a.content ?? '') + (a.toolCalls ? tokens(a.toolCalls[0]!.function.arguments) + 3 : 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/**
 * A non-streamed `chat.completion` as the emulated model answers it.
 *
 * @example
 * ```ts
 * const body = completionBody(req, 'chatcmpl-1', 0, emulatedAnswer(req), emulatedUsage(req, emulatedAnswer(req)));
 * ```
 */
export function completionBody(body: ChatRequest, id: string, created: number, a: ReturnType<typeof emulatedAnswer>, usage: ReturnType<typeof emulatedUsage>) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: a.content, refusal: null, annotations: [], ...(a.toolCalls ? { tool_calls: a.toolCalls } : {}) },
        logprobs: null,
        finish_reason: a.finish,
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_emulator',
  };
}

/**
 * A batch line's chat answer: the emulated completion (status 200).
 *
 * @example
 * ```ts
 * batchesRoute(state, x, '/batches/b1', emulatedBatchChat, { chatUrl: '/v1/chat/completions', knownModel: () => true });
 * ```
 */
export function emulatedBatchChat(body: ChatRequest): { status: number; body: unknown } {
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { status: 400, body: { error: { message: "Invalid 'messages': empty array. Expected an array with minimum length 1.", type: 'invalid_request_error', param: 'messages', code: 'empty_array' } } };
  }
  const a = emulatedAnswer(body);
  return { status: 200, body: completionBody(body, `chatcmpl-emu${++counter}`, Math.floor(Date.now() / 1000), a, emulatedUsage(body, a)) };
}

async function chatCompletions(x: EmulatorExchange, opts: OpenAIEmulatorOptions): Promise<true> {
  const { req, res, fault } = x;
  const body = req.body as ChatRequest | undefined;
  if (!body || typeof body !== 'object') return invalid(res, 'We could not parse the JSON body of your request.', null);
  if (typeof body.model !== 'string') return invalid(res, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return invalid(res, "Invalid 'messages': empty array. Expected an array with minimum length 1.", 'messages', 'empty_array');
  }
  if (body.model.startsWith('missing-')) {
    sendJson(res, 404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    return true;
  }
  const a = emulatedAnswer(body);
  const id = `chatcmpl-emu${++counter}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = emulatedUsage(body, a);
  if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
  const headers = { 'x-request-id': `req_emu${counter}` };
  if (!body.stream) {
    sendJson(res, 200, completionBody(body, id, created, a, usage), headers);
    return true;
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_emulator' };
  const frame = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) })}\n\n`;
  const frames = [frame({ role: 'assistant', content: '', refusal: null })];
  if (a.content) for (const piece of a.content.match(/\s*\S+/g) ?? []) frames.push(frame({ content: piece }));
  for (const [index, tc] of (a.toolCalls ?? []).entries()) {
    frames.push(frame({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] }));
    const args = tc.function.arguments;
    const mid = Math.ceil(args.length / 2);
    frames.push(frame({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] }));
    frames.push(frame({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] }));
  }
  frames.push(frame({}, a.finish));
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  frames.push('data: [DONE]\n\n');
  res.setHeader('x-request-id', headers['x-request-id']);
  await writeSse(res, frames, fault, opts.chunkDelayMs ?? 0);
  return true;
}

/**
 * Starts the OpenAI emulator.
 *
 * @example
 * ```ts
 * const emu = await startOpenAIEmulator();
 * // models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }]
 * emu.fault({ status: 429, headers: { 'retry-after': '2' } });
 * ```
 */
export async function startOpenAIEmulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const apiKey = options.apiKey ?? 'sk-emulator';
  const responses = responsesRoutes(new Map());
  const assistantsApi = assistantsState();
  const batchesApi = batchesState(options.batchPolls ?? 2);
  const emu = await startEmulator(
    async (x) => {
      const auth = x.req.headers.authorization;
      if (auth !== `Bearer ${apiKey}`) {
        sendJson(x.res, 401, {
          error: { message: `Incorrect API key provided: ${auth ? auth.slice(7, 12) + '***' : '(none)'}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        });
        return true;
      }
      const path = x.req.path.split('?')[0];
      if (x.req.method === 'POST' && path === '/v1/chat/completions') return chatCompletions(x, options);
      if (x.req.method === 'POST' && path === '/v1/embeddings') {
        if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
        return embeddingsRoute(x, `req_emu${++counter}`);
      }
      if (path!.startsWith('/v1/responses') || path!.startsWith('/v1/conversations')) return responses(x);
      if (path!.startsWith('/v1/assistants') || path!.startsWith('/v1/threads')) {
        return assistantsRoute(assistantsApi, x, path!.slice(3), new URL(x.req.path, 'http://x').searchParams);
      }
      if (options.batchesApi !== false && /^\/v1\/(files|batches)(\/|$)/.test(path!)) return batchesRoute(batchesApi, x, path!.slice(3), emulatedBatchChat, { chatUrl: '/v1/chat/completions', knownModel: (m) => !m.startsWith('missing-') });
      if (x.req.method === 'GET' && path === '/v1/models') {
        sendJson(x.res, 200, { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'emulator' }] });
        return true;
      }
      return false;
    },
    { port: options.port, record: options.record },
  );
  return Object.assign(emu, { baseURL: `${emu.origin}/v1`, apiKey, batches: batchesApi });
}
