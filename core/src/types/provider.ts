/**
 * The provider contract: a deployment, what an adapter is asked for each upstream call,
 * and what it answers.
 */
import type { Readable } from 'node:stream';
import type { CallContext } from './call.js';
import type { ChatChunk, ChatCompletion, ChatRequest } from './chat.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from './embeddings.js';
import type { AbortLike } from '../runner/abort.js';

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
  /** Aborts the upstream request (client gone, timeout, shutdown); made when first read: prefer `abort`. */
  readonly signal: AbortSignal;
  /**
   * The same abort as `signal` without making an AbortSignal (set by the gateway's runner):
   * pass `call.abort ?? call.signal` as an upstream request's `signal`.
   */
  readonly abort?: AbortLike;
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
  /**
   * A batch API of the provider's own that is not OpenAI's Files + Batches (e.g. Anthropic
   * Message Batches): the adapter converts OpenAI batch lines to its wire format and back.
   */
  readonly nativeBatches?: NativeBatches;
}

/**
 * One request line of a batch handed to {@link NativeBatches.submit}: its line number in the
 * input file (the key results come back under) and its OpenAI request body.
 *
 * @example
 * ```ts
 * const line: NativeBatchLine = { no: 1, body: { model: 'claude', messages: [{ role: 'user', content: 'hi' }] } };
 * ```
 */
export interface NativeBatchLine {
  no: number;
  body: ChatRequest;
}

/**
 * A provider batch's state in OpenAI terms (`completed`/`failed` lines so far).
 *
 * @example
 * ```ts
 * const s: NativeBatchState = { id: 'msgbatch_1', status: 'in_progress', counts: { total: 2, completed: 1, failed: 0 } };
 * ```
 */
export interface NativeBatchState {
  /** The provider's batch id. */
  id: string;
  status: 'in_progress' | 'cancelling' | 'completed' | 'cancelled' | 'expired';
  counts: { total: number; completed: number; failed: number };
  /** Epoch seconds. */
  expiresAt?: number | null;
}

/**
 * One result of a provider batch as an OpenAI batch output line (without `custom_id`: the
 * batches plugin puts the client's back by `no`).
 *
 * @example
 * ```ts
 * const r: NativeBatchResult = { no: 1, id: 'batch_req_1', response: { status_code: 200, request_id: 'msg_1', body: completion }, error: null };
 * ```
 */
export interface NativeBatchResult {
  no: number;
  id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/**
 * A provider's own batch API behind OpenAI's Batches (see {@link ProviderAdapter.nativeBatches}).
 * Every method throws the OpenAI-shaped `GatewayError` the provider maps an upstream error to.
 *
 * @example
 * ```ts
 * const up = await adapter.nativeBatches!.submit(lines(), call);
 * const state = await adapter.nativeBatches!.retrieve(up.id, call);
 * if (state.status === 'completed') for await (const r of adapter.nativeBatches!.results(up.id, call)) save(r);
 * ```
 */
export interface NativeBatches {
  /** Gateway batch endpoints it takes (e.g. `/v1/chat/completions`). */
  readonly endpoints: readonly string[];
  /** Most requests one upstream batch takes (a larger batch is executed by the gateway). */
  readonly maxRequests?: number;
  /**
   * Converts one line to the provider's request, or throws its OpenAI-shaped error (e.g. an
   * unsupported parameter): such a line ends in the error file instead of going upstream.
   */
  check(line: NativeBatchLine, deployment: Deployment): void;
  /** Creates the batch upstream from the (checked) lines, streamed as they are read. */
  submit(lines: AsyncIterable<NativeBatchLine>, call: ProviderCall): Promise<NativeBatchState>;
  retrieve(id: string, call: ProviderCall): Promise<NativeBatchState>;
  /** The ended batch's results, streamed, in any order. */
  results(id: string, call: ProviderCall): AsyncIterable<NativeBatchResult>;
  cancel(id: string, call: ProviderCall): Promise<NativeBatchState>;
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
