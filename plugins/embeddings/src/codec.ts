/**
 * The embeddings operation codec: validated OpenAI bodies, the deployment's model and
 * defaults upstream, only providers with `embeddings()` as candidates, answers checked (one
 * vector per input, numbers or whole float32 base64), and the client's view exactly as OpenAI
 * answers: `object: list`, `data[]` in input order, the embedding as floats or base64 as the
 * client asked, `model` = the name the client asked for, `usage: { prompt_tokens, total_tokens }`.
 */
import {
  invalidAnswer,
  validate,
  withoutGatewayFields,
  type Embedding,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type OperationCodec,
  type StreamAggregate,
  type Usage,
} from '@switchyard/core';
import { base64ToFloats, floatsToBase64 } from './base64.js';
import { checkTokenBound } from './limits.js';
import { EmbeddingsRequestSchema } from './schema.js';

/** Optional fields a client may send as null, meaning not given. */
const NULLABLE = ['encoding_format', 'dimensions', 'user'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * How many vectors a request asks for: one for a string or one token array, else one per item.
 *
 * @example
 * ```ts
 * inputCount({ model: 'm', input: ['a', 'b'] }); // 2
 * ```
 */
export function inputCount(request: Pick<EmbeddingsRequest, 'input'>): number {
  const input = request.input;
  if (typeof input === 'string') return 1;
  return typeof input[0] === 'number' ? 1 : input.length;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether base64 text is whole float32 values (checked without decoding it). */
function isBase64Vector(v: string): boolean {
  if (v.length === 0 || v.length % 4 !== 0 || !BASE64.test(v)) return false;
  const pad = v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  return ((v.length / 4) * 3 - pad) % 4 === 0;
}

function isVector(v: unknown): boolean {
  if (typeof v === 'string') return isBase64Vector(v);
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  return true;
}

/**
 * Throws a 502 unless `body` is an embeddings list: `data` an array of embeddings whose vectors
 * are numbers (or base64 float32) and whose `index` values are whole numbers.
 *
 * @example
 * ```ts
 * checkEmbeddings(result.body, 'openai');
 * ```
 */
export function checkEmbeddings(body: unknown, provider: string): asserts body is EmbeddingsResponse {
  const data = isObject(body) ? body.data : undefined;
  if (!Array.isArray(data) || data.length === 0) throw invalidAnswer(provider, 'answered with something that is not an embeddings list');
  for (const e of data) {
    if (!isObject(e) || !isVector(e.embedding) || (e.index !== undefined && !Number.isInteger(e.index))) {
      throw invalidAnswer(provider, 'answered with an embedding that is not a vector of numbers');
    }
  }
}

function usageOf(response: EmbeddingsResponse): Usage | undefined {
  const u = response.usage as { prompt_tokens?: unknown; total_tokens?: unknown } | undefined;
  if (!isObject(u) || typeof u.prompt_tokens !== 'number') return undefined;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens;
  return { prompt_tokens: u.prompt_tokens, completion_tokens: 0, total_tokens: total };
}

/** Embeddings are never streamed; a provider that streamed one is a broken upstream. */
function aggregate(): StreamAggregate<never, EmbeddingsResponse> {
  return {
    add: () => undefined,
    result: () => ({ object: 'list', data: [], model: '', usage: { prompt_tokens: 0, total_tokens: 0 } }),
    usage: () => undefined,
    checkEnd: (provider) => {
      throw invalidAnswer(provider, 'streamed an embeddings answer');
    },
  };
}

/** The vector in the encoding the client asked for (the SDK asks base64 unless told otherwise). */
function encoded(vector: number[] | string, base64: boolean): number[] | string {
  if (base64) return typeof vector === 'string' ? vector : floatsToBase64(vector);
  return typeof vector === 'string' ? base64ToFloats(vector)! : vector;
}

/**
 * The embeddings codec.
 *
 * @example
 * ```ts
 * api.operations.register(embeddingsCodec);
 * const out = await api.run(embeddingsCodec, { body: { model: 'mock/embed', input: 'hello' } });
 * ```
 */
export const embeddingsCodec: OperationCodec<EmbeddingsRequest, EmbeddingsResponse, never> = {
  operation: 'embeddings',
  endpoint: '/v1/embeddings',
  validate(body) {
    const request = validate(EmbeddingsRequestSchema, body);
    for (const key of NULLABLE) if (request[key] === null) delete request[key];
    checkTokenBound(request);
    return request;
  },
  streams: () => false,
  supports: (adapter) => typeof adapter.embeddings === 'function',
  prepare(request, deployment) {
    const rest = withoutGatewayFields(request);
    const out: EmbeddingsRequest = deployment.params ? { ...deployment.params, ...rest } : { ...rest };
    out.model = deployment.model;
    delete out.stream;
    return out;
  },
  async send(adapter, request, call) {
    const result = await adapter.embeddings!(request, call);
    const body = result.body;
    // the runner checks the vectors next (checkResponse); here what only the request can tell
    const data = (body as { data?: unknown } | null | undefined)?.data;
    if (Array.isArray(data) && data.length > 0 && data.length !== inputCount(request)) {
      throw invalidAnswer(call.deployment.provider, `answered ${data.length} embeddings for ${inputCount(request)} inputs`);
    }
    return { type: 'completion', body, upstreamRequestId: result.upstreamRequestId };
  },
  checkResponse: checkEmbeddings,
  checkChunk(_chunk, provider): asserts _chunk is never {
    throw invalidAnswer(provider, 'streamed an embeddings answer');
  },
  usageOf,
  aggregate,
  presentResponse(response, request, ctx) {
    const attempt = ctx.attempts.at(-1);
    if (attempt && typeof response.model === 'string' && response.model !== ctx.model) attempt.model ??= response.model;
    const base64 = request.encoding_format === 'base64';
    const data: Embedding[] = response.data.map((e, i) => ({ object: 'embedding', index: typeof e.index === 'number' ? e.index : i, embedding: encoded(e.embedding, base64) }));
    data.sort((a, b) => a.index - b.index);
    const usage = usageOf(response);
    return {
      object: 'list',
      data,
      model: ctx.model ?? request.model,
      usage: { prompt_tokens: usage?.prompt_tokens ?? 0, total_tokens: usage?.total_tokens ?? 0 },
    };
  },
  presentChunk: () => undefined,
};
