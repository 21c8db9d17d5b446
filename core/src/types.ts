/**
 * Public types of the gateway: the OpenAI wire shapes the pipeline carries, the call
 * context every hook sees, and the provider contract.
 *
 * Wire shapes follow the OpenAI OpenAPI spec; unknown fields pass through untouched
 * (index signatures), so a provider that understands a newer field still receives it.
 */
import type { ConversationTurn } from './conversations.js';
import type { GatewayError } from './errors.js';
import type { Readable } from 'node:stream';

/**
 * One content part of a chat message.
 *
 * @example
 * ```ts
 * const part: ChatContentPart = { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } };
 * ```
 */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  | { type: 'file'; file: { file_id?: string; file_data?: string; filename?: string } }
  | { type: string; [key: string]: unknown };

/**
 * A tool call made by the assistant.
 *
 * @example
 * ```ts
 * const call: ChatToolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };
 * ```
 */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * One message of a chat conversation.
 *
 * @example
 * ```ts
 * const messages: ChatMessage[] = [
 *   { role: 'system', content: 'Answer in one line.' },
 *   { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] },
 * ];
 * ```
 */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
  [key: string]: unknown;
}

/**
 * A function tool offered to the model.
 *
 * @example
 * ```ts
 * const tool: ChatTool = {
 *   type: 'function',
 *   function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
 * };
 * ```
 */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/**
 * The body of any call the runner serves: every operation names a model. Chat requests,
 * embeddings requests and Responses requests are all call requests; a hook that needs one
 * kind checks `ctx.operation` first.
 *
 * @example
 * ```ts
 * gateway.hooks.preCall.tapPromise('@acme/guard', async (request: CallRequest, ctx) => {
 *   if (request.model.startsWith('internal/') && !ctx.principal.admin) {
 *     throw new GatewayError('GW_ERR_FORBIDDEN', `No access to ${request.model}.`, { param: 'model' });
 *   }
 *   return undefined;
 * });
 * ```
 */
export interface CallRequest {
  model: string;
  stream?: boolean | null;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/**
 * The answer of any call (a chat completion, an embeddings list, a response object, ...).
 *
 * @example
 * ```ts
 * gateway.hooks.postCall.tapPromise('@acme/stamp', async (response: CallResponse, _request, ctx) => ({ ...response, served_by: ctx.deployment?.id }));
 * ```
 */
export interface CallResponse {
  [key: string]: unknown;
}

/**
 * The body of `POST /v1/embeddings`.
 *
 * @example
 * ```ts
 * const body: EmbeddingsRequest = { model: 'text-embedding-3-small', input: ['hello', 'world'], dimensions: 256 };
 * const out = await gateway.call({ operation: 'embeddings', body }); // needs @switchyard/embeddings loaded
 * ```
 */
export interface EmbeddingsRequest extends CallRequest {
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

/**
 * One embedding of an embeddings answer.
 *
 * @example
 * ```ts
 * const e: Embedding = { object: 'embedding', index: 0, embedding: [0.012, -0.034, 0.051] };
 * ```
 */
export interface Embedding {
  object: 'embedding';
  index: number;
  /** Floats, or base64 little-endian float32 when `encoding_format: base64`. */
  embedding: number[] | string;
}

/**
 * The answer of `POST /v1/embeddings`, as a provider's `embeddings()` returns it.
 *
 * @example
 * ```ts
 * const body: EmbeddingsResponse = {
 *   object: 'list',
 *   model: 'text-embedding-3-small',
 *   data: [{ object: 'embedding', index: 0, embedding: [0.012, -0.034] }],
 *   usage: { prompt_tokens: 2, total_tokens: 2 },
 * };
 * ```
 */
export interface EmbeddingsResponse extends CallResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * The body of `POST /v1/chat/completions`, as a provider's `chat()` receives it.
 *
 * @example
 * ```ts
 * const request: ChatRequest = {
 *   model: 'gpt-4o',
 *   messages: [{ role: 'user', content: 'hi' }],
 *   temperature: 0,
 *   stream: true,
 *   stream_options: { include_usage: true },
 * };
 * ```
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  tools?: ChatTool[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: Record<string, unknown> };
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | null;
  user?: string;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/**
 * Token usage in the chat completions shape (what every operation's usage is read as).
 *
 * @example
 * ```ts
 * const usage: Usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } };
 * ```
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; audio_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number; [key: string]: unknown };
}

/**
 * Why a choice stopped.
 *
 * @example
 * ```ts
 * const reason: FinishReason | null = completion.choices[0]?.finish_reason ?? null;
 * if (reason === 'length') console.warn('answer cut at max_tokens');
 * ```
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * A `chat.completion` object.
 *
 * @example
 * ```ts
 * const completion: ChatCompletion = {
 *   id: 'chatcmpl-1',
 *   object: 'chat.completion',
 *   created: Math.floor(Date.now() / 1000),
 *   model: request.model,
 *   choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop', logprobs: null }],
 *   usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
 * };
 * ```
 */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; refusal?: string | null; tool_calls?: ChatToolCall[]; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs: unknown;
  }>;
  usage?: Usage;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

/**
 * A streamed tool-call fragment: the first carries `id` and the name, later ones more `arguments`.
 *
 * @example
 * ```ts
 * const first: ChatToolCallDelta = { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } };
 * const next: ChatToolCallDelta = { index: 0, function: { arguments: '{"city":"Oslo"}' } };
 * ```
 */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/**
 * A `chat.completion.chunk` object.
 *
 * @example
 * ```ts
 * gateway.hooks.chunk.tap('@acme/shout', (chunk: ChatChunk) => ({
 *   ...chunk,
 *   choices: chunk.choices.map((c) => ({ ...c, delta: { ...c.delta, content: c.delta.content?.toUpperCase() } })),
 * }));
 * ```
 */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; refusal?: string | null; tool_calls?: ChatToolCallDelta[]; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  [key: string]: unknown;
}

/**
 * Typed per-call state shared between plugins. Extend it by declaration merging.
 *
 * @example
 * ```ts
 * declare module '@switchyard/core' {
 *   interface GatewayState { tenant?: string }
 * }
 * ```
 */
export interface GatewayState {
  /**
   * Per-call override of the gateway's `storePrompts` setting (e.g. set by a key plugin for
   * keys that opted in or out).
   */
  storePrompts?: boolean;
  /** The conversation a Responses call continues (set by the Responses route before the call). */
  conversation?: ConversationTurn;
  /**
   * The call is one line of a batch: the batches plugin records the batch's cost once, at
   * batch prices, so a cost plugin records no spend row of its own for it.
   */
  batchLine?: boolean;
}

/**
 * Headers and route of an incoming request, as the `authenticate` hook sees them.
 *
 * @example
 * ```ts
 * gateway.hooks.authenticate.tapPromise('@acme/auth', async (req: AuthRequest) => {
 *   const key = bearerToken(req.headers);
 *   if (!key) throw new GatewayError('GW_ERR_UNAUTHORIZED', `${req.method} ${req.path} needs an API key.`);
 *   return keys.get(key); // a Principal, or undefined for an anonymous caller
 * });
 * ```
 */
export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Who is calling: filled by an auth plugin (or given to `gateway.call()`); every stored object
 * records its owner (`ownerOf`) and reads are scoped to it (`ownerScope`).
 *
 * @example
 * ```ts
 * const principal: Principal = { keyId: 'key_1', teamId: 'payments' };
 * await gateway.call({ body, principal }); // admission and ownership as key_1
 * ```
 */
export interface Principal {
  keyId?: string;
  userId?: string;
  teamId?: string;
  /** An administrator (e.g. the master key): reads every owner's objects. */
  admin?: boolean;
}

/**
 * A configured upstream target for a public model name, as a provider receives it on `call.deployment`.
 *
 * @example
 * ```ts
 * async chat(request, { deployment, signal }) {
 *   const url = `${deployment.apiBase ?? 'https://api.acme.ai/v1'}/chat/completions`;
 *   const res = await upstreamBuffered({ url, body: request, signal, timeoutMs: deployment.timeoutMs, provider: deployment.provider });
 *   return { type: 'completion', body: parseJson<ChatCompletion>(res.text, deployment.provider) };
 * }
 * ```
 */
export interface Deployment {
  /** Stable id, `<public name>#<index>` unless configured. */
  id: string;
  /** The public model name clients ask for. */
  name: string;
  /** Provider id (`openai`, `anthropic`, `mock`, ...). */
  provider: string;
  /** Upstream model id. */
  model: string;
  apiBase?: string;
  apiKey?: string;
  /** Upstream timeout in milliseconds. */
  timeoutMs?: number;
  /** Extra body parameters merged into every request to this deployment. */
  params?: Record<string, unknown>;
  /** Provider-specific options (validated by the provider's `validateDeployment`). */
  options: Record<string, unknown>;
  /** Price overrides in USD per token, from the config (cost plugins prefer them to price data). */
  pricing?: DeploymentPricing;
  /** Relative share of traffic (simple-shuffle routing). */
  weight?: number;
  /** Requests per minute the deployment may take. */
  rpm?: number;
  /** Tokens per minute the deployment may take. */
  tpm?: number;
  /** Largest prompt in tokens (context-window check). */
  maxInputTokens?: number;
}

/**
 * Per-deployment price overrides in USD per token (a model entry's `inputCostPerToken`, ...).
 *
 * @example
 * ```ts
 * const p: DeploymentPricing = deployment.pricing ?? {};
 * const usd = usage.prompt_tokens * (p.inputCostPerToken ?? 0) + usage.completion_tokens * (p.outputCostPerToken ?? 0);
 * ```
 */
export interface DeploymentPricing {
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  cacheReadCostPerToken?: number;
  cacheWriteCostPerToken?: number;
  inputCostPerTokenBatches?: number;
  outputCostPerTokenBatches?: number;
}

/**
 * One upstream attempt, kept on the call context for logs and traces.
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise('@acme/retries', async ({ ctx }) => {
 *   const attempts: UpstreamAttempt[] = ctx.attempts;
 *   for (const a of attempts) console.log(a.deployment.id, a.status ?? '-', a.error?.code ?? 'ok');
 * });
 * ```
 */
export interface UpstreamAttempt {
  deployment: Deployment;
  startedAt: number;
  endedAt?: number;
  firstChunkAt?: number;
  status?: number;
  error?: GatewayError;
  /** Request id the provider returned, when it returned one. */
  upstreamRequestId?: string;
  /** The model the upstream said answered (e.g. a dated snapshot); clients see the public name. */
  model?: string;
}

/**
 * What kind of operation a call is: `chat`, or what a plugin registers (`embeddings`, `responses`, ...).
 *
 * @example
 * ```ts
 * gateway.hooks.transform.tapPromise('@acme/cold', async (request, ctx) => (ctx.operation === 'chat' ? { ...request, temperature: 0 } : request));
 * ```
 */
export type Operation = 'chat' | (string & {});

/**
 * Everything a hook knows about the call in flight. One per call; plugins keep their
 * own data on `state` (typed through {@link GatewayState}).
 *
 * @example
 * ```ts
 * gateway.hooks.preCall.tapPromise('@acme/tag', async (_request, ctx: CallContext) => {
 *   ctx.metadata.team = ctx.principal.teamId ?? 'none';
 *   ctx.responseHeaders['x-acme-request'] = ctx.requestId;
 *   return undefined;
 * });
 * ```
 */
export interface CallContext {
  /** `x-request-id` of the call (taken from the client when it sent one). */
  readonly requestId: string;
  readonly operation: Operation;
  /** Endpoint path as the gateway names it, e.g. `/v1/chat/completions`. */
  readonly endpoint: string;
  /** Incoming headers, lower-cased. Empty for in-process calls without headers. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborted when the client goes away or the gateway shuts down. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds (fractional) when the gateway received the call. */
  readonly startedAt: number;
  /** When the first streamed chunk (or the whole body) arrived from upstream. */
  firstTokenAt?: number;
  endedAt?: number;
  /** Public model name requested. */
  model?: string;
  /** The deployment chosen for the call. */
  deployment?: Deployment;
  readonly attempts: UpstreamAttempt[];
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** Caller identity, set by an auth plugin. */
  principal: Principal;
  /** Session the call belongs to, when a session plugin found one. */
  sessionId?: string;
  /** Usage of the call once known. */
  usage?: Usage;
  /** Cost in USD: a number, `null` when unknown, `undefined` when no one priced it. */
  cost?: number | null;
  /** Extra response headers plugins want sent (set before the response starts). */
  readonly responseHeaders: Record<string, string>;
  /** Free-form metadata recorded with the call (from the request's `metadata`, plugins, ...). */
  metadata: Record<string, unknown>;
  /** Typed plugin state. */
  readonly state: GatewayState;
}

/**
 * The result of a provider's chat call: a whole completion or a stream of chunks.
 *
 * @example
 * ```ts
 * async chat(request): Promise<ChatResult> {
 *   const body = answer(request); // a ChatCompletion
 *   if (!request.stream) return { type: 'completion', body };
 *   const chunks = completionToChunks(body, request.stream_options?.include_usage === true);
 *   return { type: 'stream', chunks: (async function* () { yield* chunks; })() };
 * }
 * ```
 */
export type ChatResult =
  | { type: 'completion'; body: ChatCompletion; upstreamRequestId?: string }
  | { type: 'stream'; chunks: AsyncIterable<ChatChunk>; upstreamRequestId?: string };

/**
 * What a provider gets for each upstream call.
 *
 * @example
 * ```ts
 * async embeddings(request, call: ProviderCall) {
 *   const res = await upstreamBuffered({ url: `${call.deployment.apiBase}/embeddings`, body: request, signal: call.signal, provider: 'acme' });
 *   return { body: parseJson<EmbeddingsResponse>(res.text, 'acme') };
 * }
 * ```
 */
export interface ProviderCall {
  deployment: Deployment;
  ctx: CallContext;
  /** Aborts the upstream request (client gone, timeout, shutdown). */
  signal: AbortSignal;
}

/**
 * A provider adapter: turns an OpenAI chat request into the provider's wire format and
 * back. Registered by a provider plugin with `gateway.providers.register(...)`.
 *
 * @example
 * ```ts
 * gateway.providers.register({
 *   id: 'echo',
 *   async chat(request) {
 *     return { type: 'completion', body: makeCompletion(request) };
 *   },
 * });
 * ```
 */
export interface ProviderAdapter {
  /** The id deployments name in `provider:` and clients use in `provider/model`. */
  readonly id: string;
  /** Serve a chat completion; `request.stream` says which result kind is expected. */
  chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult>;
  /** Serve embeddings (providers that have them). */
  embeddings?(request: EmbeddingsRequest, call: ProviderCall): Promise<{ body: EmbeddingsResponse; upstreamRequestId?: string }>;
  /** Validates provider-specific deployment options at boot; throw to reject. */
  validateDeployment?(deployment: Deployment): void;
  /** Model ids this provider advertises in `/v1/models` as `provider/model`. */
  readonly models?: readonly string[];
  /**
   * Defaults applied to `provider/model` deployments that are not in the config; `pricing` also
   * to configured deployments of this provider that set no price (e.g. the mock's zero price).
   */
  readonly defaults?: Partial<Pick<Deployment, 'apiBase' | 'apiKey' | 'timeoutMs' | 'options' | 'pricing'>>;
  /**
   * OpenAI-style APIs the provider serves natively (e.g. `responses`, `files`, `batches`),
   * reachable through {@link ProviderAdapter.passthrough}. Others are bridged by plugins.
   */
  readonly nativeApis?: readonly string[];
  /** Forwards a request to one of the provider's native APIs with the deployment's URL and auth. */
  passthrough?(request: PassthroughRequest, call: ProviderCall): Promise<UpstreamResponse>;
  /**
   * The model id a native API's request body names for `deployment` (default `deployment.model`),
   * e.g. the Azure deployment name in the lines of a native batch.
   */
  upstreamModel?(deployment: Deployment): string;
  /**
   * The path a native API's request names for a gateway endpoint (default: the same), e.g.
   * Azure's `/chat/completions` for `/v1/chat/completions` in a native batch.
   */
  upstreamPath?(deployment: Deployment, path: string): string;
}

/**
 * An upstream HTTP response: status, lower-cased headers and the body stream (what
 * `@switchyard/upstream`'s `upstreamFetch` returns, and what a pass-through hands back).
 *
 * @example
 * ```ts
 * const res = await adapter.passthrough!({ method: 'GET', path: '/responses/resp_1' }, call);
 * if (res.status !== 200) await res.body.dump();
 * ```
 */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body: a Node stream that can also be read whole (`text()`) or discarded (`dump()`). */
  body: Readable & { text(): Promise<string>; dump(opts?: { limit?: number }): Promise<void> };
}

/**
 * A request forwarded to a provider's native OpenAI-style API.
 *
 * @example
 * ```ts
 * const res = await adapter.passthrough!({ method: 'GET', path: '/responses/resp_1' }, call);
 * ```
 */
export interface PassthroughRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the API root, e.g. `/responses` or `/responses/resp_1/input_items`. */
  path: string;
  /** Query string without `?`. */
  query?: string;
  /** JSON body. */
  body?: unknown;
  /**
   * A body sent as it is instead of `body`, streamed (never read whole), e.g. a multipart file
   * upload to `/files`: its bytes, content type and, when known, length (else chunked).
   */
  raw?: PassthroughRawBody;
  /** Whether an SSE answer is expected. */
  stream?: boolean;
}

/**
 * A streamed pass-through body ({@link PassthroughRequest.raw}).
 *
 * @example
 * ```ts
 * const raw: PassthroughRawBody = { stream: blob.stream, contentType: 'application/jsonl', length: blob.size };
 * await adapter.passthrough!({ method: 'POST', path: '/files', raw }, call);
 * ```
 */
export interface PassthroughRawBody {
  stream: Readable | AsyncIterable<Uint8Array>;
  contentType: string;
  length?: number;
}

/**
 * Outcome of a call as observers see it (`short-circuit`: a `preCall` tap answered it).
 *
 * @example
 * ```ts
 * const counts: Record<CallOutcome, number> = { ok: 0, error: 0, 'short-circuit': 0 };
 * gateway.hooks.log.tapPromise('@acme/stats', async (event) => void counts[event.outcome]++);
 * ```
 */
export type CallOutcome = 'ok' | 'error' | 'short-circuit';

/**
 * What `record` and `log` observers receive once a call has ended (`log`: after the response was sent).
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise('@acme/errors', async (event: CallEvent) => {
 *   if (event.outcome === 'error') console.error(event.ctx.requestId, event.status, event.error?.code);
 * });
 * ```
 */
export interface CallEvent {
  /**
   * The id of this call's record, the same in every logger and in the call log (time-ordered,
   * UUIDv7 layout). Set by the gateway; {@link toCallRecord} fills it in when absent.
   */
  id?: string;
  ctx: CallContext;
  /** The request as validated (a chat request when `ctx.operation` is `chat`). */
  request: CallRequest | undefined;
  /** The final answer; for streams, the answer aggregated from every chunk. */
  response?: CallResponse;
  error?: GatewayError;
  outcome: CallOutcome;
  /** HTTP status sent to the client. */
  status: number;
  /**
   * For operations served outside the chat pipeline (e.g. native Responses pass-through):
   * the request and response bodies as sent and received. `request`/`response` stay empty then.
   */
  payload?: { request: unknown; response?: unknown };
}

/**
 * What `cost` taps receive: the usage of a finished call, to price it once on `ctx.cost`.
 *
 * @example
 * ```ts
 * gateway.hooks.cost.tapPromise('@acme/pricing', async ({ ctx, usage, deployment }: CostEvent) => {
 *   ctx.cost = deployment ? gateway.services.pricing?.price(usage, deployment) ?? null : null;
 * });
 * ```
 */
export interface CostEvent {
  ctx: CallContext;
  usage: Usage;
  /** Public model name. */
  model: string;
  deployment?: Deployment;
}
