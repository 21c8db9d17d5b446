/**
 * A loopback emulator of the Anthropic Messages API (`POST /v1/messages`): checks the
 * `x-api-key` and `anthropic-version` headers and the body as strictly as the real API,
 * answers deterministically in the real shapes (typed with `@anthropic-ai/sdk`), streams
 * with `event:` lines and `ping`, and takes the shared faults plus an in-stream `error`.
 *
 * The model echoes the last user text (`echo: …`), calls the first (or forced) tool when
 * tools are offered and the last turn is not a tool result, answers `tool result: …` after
 * tool results, thinks first when thinking is enabled (and, like Claude, wants that signed
 * thinking back first in the turn a tool loop continues), honours `stop_sequences` and
 * `max_tokens` (in words), and reports a cache write then cache reads for prompts with
 * `cache_control`.
 */
import type { ContentBlock, ContentBlockParam, Message, MessageCreateParams, MessageParam, RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorResponse } from '@anthropic-ai/sdk/resources/shared';
import type { MessageBatchResult } from '@anthropic-ai/sdk/resources/messages/batches';
import { messageBatchesRoute, messageBatchesState, type EmulatedMessageBatches } from './anthropic-batches.js';
import { checkMessagesRequest, thinkingSignature } from './anthropic-validate.js';
import { sendJson, startEmulator, writeSse, type Emulator, type EmulatorExchange, type Fault } from './server.js';

/** Options of the Anthropic emulator. */
export interface AnthropicEmulatorOptions {
  /** The API key it accepts (default `sk-ant-emulator`). */
  apiKey?: string;
  port?: number;
  /** Pause between streamed events, in ms. */
  chunkDelayMs?: number;
  /** Retrieves of a Message Batch before all its requests have run (default 2). */
  batchPolls?: number;
}

/** A fault for the Anthropic emulator: the shared faults, plus an `error` event mid-stream. */
export interface AnthropicFault extends Fault {
  /** Streams: after this many events, send an `error` event and end the stream. */
  streamError?: { afterEvents: number; type?: ErrorResponse['error']['type']; message?: string };
}

/** A running Anthropic emulator; `origin` is the `apiBase`. */
export interface AnthropicEmulator extends Omit<Emulator, 'fault'> {
  readonly apiKey: string;
  /** The emulated Message Batches: batches, `held`, `polls`, `linesRun`. */
  readonly batches: EmulatedMessageBatches;
  /** Queues a fault; a `status` without `body` gets an Anthropic error body of the matching type. */
  fault(fault: AnthropicFault): void;
}

const ERROR_TYPES: Record<number, ErrorResponse['error']['type']> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/**
 * An Anthropic error body.
 *
 * @example
 * ```ts
 * emu.fault({ status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded') });
 * ```
 */
export function anthropicErrorBody(type: ErrorResponse['error']['type'], message: string, requestId: string | null = null): ErrorResponse {
  return { type: 'error', error: { type, message } as ErrorResponse['error'], request_id: requestId };
}

const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;
const blocksOf = (m: MessageParam | undefined): ContentBlockParam[] => (!m ? [] : typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

/** Text a block contributes to the prompt, for token counting. */
function blockText(b: ContentBlockParam): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'tool_use':
      return `${b.name} ${JSON.stringify(b.input)}`;
    case 'tool_result':
      return typeof b.content === 'string' ? b.content : (b.content ?? []).map((c) => (c.type === 'text' ? c.text : 'image')).join(' ');
    case 'thinking':
      return b.thinking;
    default:
      return b.type;
  }
}

interface Answer {
  blocks: ContentBlock[];
  stop: StopReason;
  stopSequence: string | null;
}

let counter = 0;

function answerFor(body: MessageCreateParams): Answer {
  const last = body.messages.at(-1)!;
  const lastBlocks = blocksOf(last);
  const results = lastBlocks.filter((b) => b.type === 'tool_result');
  const userText = lastBlocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ');
  const blocks: ContentBlock[] = [];
  if (body.thinking?.type === 'enabled') {
    const thinking = `Considering: ${userText || 'the tool result'} (budget ${body.thinking.budget_tokens})`;
    blocks.push({ type: 'thinking', thinking, signature: thinkingSignature(thinking) });
  }
  const customTools = (body.tools ?? []).filter((t) => 'input_schema' in t);
  const choice = body.tool_choice;
  if (customTools.length && choice?.type !== 'none' && results.length === 0) {
    const tool = choice?.type === 'tool' ? customTools.find((t) => t.name === choice.name)! : customTools[0]!;
    blocks.push({ type: 'tool_use', id: `toolu_emu${++counter}`, name: tool.name, input: { q: userText } });
    return { blocks, stop: 'tool_use', stopSequence: null };
  }
  let text = results.length ? `tool result: ${results.map(blockText).join(' ')}` : `echo: ${userText}`;
  let stop: StopReason = 'end_turn';
  let stopSequence: string | null = null;
  for (const s of body.stop_sequences ?? []) {
    const at = text.indexOf(s);
    if (s && at >= 0 && (stopSequence === null || at < text.indexOf(stopSequence))) stopSequence = s;
  }
  if (stopSequence !== null) {
    text = text.slice(0, text.indexOf(stopSequence));
    stop = 'stop_sequence';
  }
  const words = text.split(' ');
  if (words.length > body.max_tokens) {
    text = words.slice(0, body.max_tokens).join(' ');
    stop = 'max_tokens';
    stopSequence = null;
  }
  blocks.push({ type: 'text', text, citations: null });
  return { blocks, stop, stopSequence };
}

/** Prompt tokens, and the prefix up to the last `cache_control` breakpoint (tools → system → messages). */
function promptTokens(body: MessageCreateParams): { total: number; cachedPrefix: number; prefixKey: string } {
  const parts: Array<{ text: string; cached: boolean }> = [];
  for (const t of body.tools ?? []) parts.push({ text: JSON.stringify(t), cached: !!t.cache_control });
  if (typeof body.system === 'string') parts.push({ text: body.system, cached: false });
  else for (const b of body.system ?? []) parts.push({ text: b.text, cached: !!b.cache_control });
  for (const m of body.messages) {
    for (const b of blocksOf(m)) parts.push({ text: blockText(b), cached: 'cache_control' in b && !!b.cache_control });
  }
  const lastCached = parts.findLastIndex((p) => p.cached);
  const count = (ps: typeof parts) => ps.reduce((n, p) => n + tokens(p.text), 0);
  const prefix = parts.slice(0, lastCached + 1);
  return { total: count(parts) + 3 * body.messages.length, cachedPrefix: count(prefix), prefixKey: prefix.map((p) => p.text).join('\u0000') };
}

const sse = (event: RawMessageStreamEvent | { type: 'ping' } | ErrorResponse) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

function streamFrames(message: Message): string[] {
  const start: Message = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } };
  const frames = [sse({ type: 'message_start', message: start }), sse({ type: 'ping' })];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }));
      for (const piece of block.text.match(/\s*\S+\s*/g) ?? []) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
    } else if (block.type === 'thinking') {
      frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const piece of block.thinking.match(/\s*\S+\s*/g) ?? []) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }));
      frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
    } else if (block.type === 'tool_use') {
      frames.push(sse({ type: 'content_block_start', index, content_block: { ...block, input: {} } }));
      const json = JSON.stringify(block.input);
      const mid = Math.ceil(json.length / 2);
      for (const partial_json of ['', json.slice(0, mid), json.slice(mid)]) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
    }
    frames.push(sse({ type: 'content_block_stop', index }));
  });
  const u = message.usage;
  frames.push(
    sse({
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: u.output_tokens, input_tokens: u.input_tokens, cache_creation_input_tokens: u.cache_creation_input_tokens, cache_read_input_tokens: u.cache_read_input_tokens, server_tool_use: null },
    }),
  );
  frames.push(sse({ type: 'message_stop' }));
  return frames;
}

function error(res: EmulatorExchange['res'], status: number, message: string, requestId: string): true {
  sendJson(res, status, anthropicErrorBody(ERROR_TYPES[status] ?? 'api_error', message, requestId), { 'request-id': requestId });
  return true;
}

async function messages(x: EmulatorExchange, opts: AnthropicEmulatorOptions, cache: Set<string>, requestId: string): Promise<true> {
  const { req, res } = x;
  const fault = x.fault as AnthropicFault | undefined;
  if (!req.headers['anthropic-version']) return error(res, 400, 'anthropic-version: header is required', requestId);
  const problem = checkMessagesRequest(req.body);
  if (problem) return error(res, 400, problem, requestId);
  const body = req.body as MessageCreateParams;
  if (body.model.startsWith('missing-')) return error(res, 404, `model: ${body.model}`, requestId);
  const message = messageFor(body, cache);
  if (!body.stream) {
    sendJson(res, 200, message, { 'request-id': requestId });
    return true;
  }
  let frames = streamFrames(message);
  if (fault?.streamError) {
    const e = fault.streamError;
    frames = frames.slice(0, e.afterEvents);
    frames.push(sse(anthropicErrorBody(e.type ?? 'overloaded_error', e.message ?? 'Overloaded', requestId)));
  }
  res.setHeader('request-id', requestId);
  await writeSse(res, frames, fault, opts.chunkDelayMs ?? 0);
  return true;
}

/** The emulated model's whole answer to a (valid) Messages request. */
function messageFor(body: MessageCreateParams, cache: Set<string>): Message {
  const a = answerFor(body);
  const prompt = promptTokens(body);
  let read = 0;
  let write = 0;
  if (prompt.cachedPrefix > 0) {
    if (cache.has(prompt.prefixKey)) read = prompt.cachedPrefix;
    else {
      write = prompt.cachedPrefix;
      cache.add(prompt.prefixKey);
    }
  }
  const output = a.blocks.reduce((n, b) => n + (b.type === 'text' ? tokens(b.text) : b.type === 'thinking' ? tokens(b.thinking) : b.type === 'tool_use' ? tokens(JSON.stringify(b.input)) + 3 : 0), 0);
  return {
    id: `msg_emu${++counter}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: a.blocks,
    stop_reason: a.stop,
    stop_sequence: a.stopSequence,
    usage: {
      input_tokens: prompt.total - read - write,
      output_tokens: output,
      cache_creation_input_tokens: write,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
      server_tool_use: null,
      service_tier: 'standard',
    },
  };
}

/**
 * Starts the Anthropic emulator.
 *
 * @example
 * ```ts
 * const emu = await startAnthropicEmulator();
 * // models: [{ name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', apiBase: emu.origin, apiKey: emu.apiKey }]
 * emu.fault({ status: 529 });                                   // overloaded
 * emu.fault({ streamError: { afterEvents: 3 } });               // `event: error` mid-stream
 * ```
 */
export async function startAnthropicEmulator(options: AnthropicEmulatorOptions = {}): Promise<AnthropicEmulator> {
  const apiKey = options.apiKey ?? 'sk-ant-emulator';
  const cache = new Set<string>();
  const batches = messageBatchesState(options.batchPolls ?? 2);
  // a batch request gets the answer `POST /v1/messages` would give, or that error as `errored`
  const runBatched = (params: MessageCreateParams): MessageBatchResult => {
    const requestId = `req_emu${++counter}`;
    const problem = checkMessagesRequest(params);
    if (problem) return { type: 'errored', error: anthropicErrorBody('invalid_request_error', problem, requestId) };
    if (params.model.startsWith('missing-')) return { type: 'errored', error: anthropicErrorBody('not_found_error', `model: ${params.model}`, requestId) };
    return { type: 'succeeded', message: messageFor(params, cache) };
  };
  const emu = await startEmulator(
    async (x) => {
      const requestId = `req_emu${++counter}`;
      const key = x.req.headers['x-api-key'];
      if (key !== apiKey) return error(x.res, 401, key ? 'invalid x-api-key' : 'x-api-key header is required', requestId);
      const path = x.req.path.split('?')[0];
      if (x.req.method === 'POST' && path === '/v1/messages') return messages(x, options, cache, requestId);
      if (path!.startsWith('/v1/messages/batches') && messageBatchesRoute(batches, x, path!, runBatched, (res, status, message) => error(res, status, message, requestId))) return true;
      return error(x.res, 404, `Not found: ${x.req.method} ${x.req.path}`, requestId);
    },
    { port: options.port },
  );
  const { fault, reset } = emu;
  return Object.assign(emu, {
    apiKey,
    batches,
    fault(f: AnthropicFault) {
      if (f.status && f.body === undefined) {
        const requestId = `req_emu${++counter}`;
        const type = ERROR_TYPES[f.status] ?? (f.status >= 500 ? 'api_error' : 'invalid_request_error');
        fault({ ...f, body: anthropicErrorBody(type, `emulated ${type}`, requestId), headers: { 'request-id': requestId, ...f.headers } });
      } else fault(f);
    },
    reset() {
      cache.clear();
      reset();
    },
  });
}
