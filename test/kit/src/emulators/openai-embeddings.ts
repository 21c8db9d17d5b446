/**
 * The OpenAI emulator's `POST /v1/embeddings`, strict like the real API: `model` and `input`
 * required, unknown fields refused, `input` a non-empty string, strings, token ids or token-id
 * arrays (at most 2048, 8192 tokens each, 300,000 in all), `encoding_format` float|base64,
 * `dimensions` only on text-embedding-3 models and within their size, a chat model refused.
 * Vectors are deterministic unit vectors seeded by a hash of each input (a shortened one is the
 * renormalised prefix, as OpenAI's are); base64 is little-endian float32.
 */
import { createHash } from 'node:crypto';
import { sendJson, type EmulatorExchange } from './server.js';

/** Embedding models the emulator serves: their full size and whether `dimensions` may shorten them. */
export const EMULATED_EMBEDDING_MODELS: Readonly<Record<string, { size: number; shortens: boolean }>> = {
  'text-embedding-3-small': { size: 1536, shortens: true },
  'text-embedding-3-large': { size: 3072, shortens: true },
  'text-embedding-ada-002': { size: 1536, shortens: false },
  // an Azure AI Foundry catalogue model
  'Cohere-embed-v3-english': { size: 1024, shortens: false },
};

const KNOWN = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);
const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;

/**
 * The emulated vector of one input (`n` values of a unit vector).
 *
 * @example
 * ```ts
 * emulatedEmbedding('hello', 8).length; // 8
 * ```
 */
export function emulatedEmbedding(input: string | number[], n: number): number[] {
  const seed = createHash('sha256').update(typeof input === 'string' ? `text:${input}` : `ids:${input.join(',')}`).digest();
  const v: number[] = [];
  let block = seed;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 16 === 0) block = createHash('sha256').update(block).digest();
    const x = block.readUInt16LE((i % 16) * 2) / 65535 - 0.5;
    v.push(x);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => Math.fround(x / norm));
}

/**
 * A vector as OpenAI's base64: little-endian float32 bytes.
 *
 * @example
 * ```ts
 * toBase64Floats([1]); // 'AACAPw=='
 * ```
 */
export function toBase64Floats(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** The inputs of a body, or undefined when `input` is not one of OpenAI's four forms. */
export function embeddingInputs(input: unknown): Array<string | number[]> | undefined {
  const isIds = (a: unknown): a is number[] => Array.isArray(a) && a.length > 0 && a.every((t) => Number.isInteger(t) && (t as number) >= 0);
  if (typeof input === 'string') return input ? [input] : undefined;
  if (!Array.isArray(input) || input.length === 0 || input.length > 2048) return undefined;
  if (isIds(input)) return [input];
  if (input.every((s) => typeof s === 'string' && s.length > 0)) return input as string[];
  if (input.every(isIds)) return input as number[][];
  return undefined;
}

/** How a host of the embeddings route differs from OpenAI's. */
export interface EmbeddingsRouteOptions {
  /** The model the URL names (an Azure deployment): then `model` in the body is optional and ignored. */
  model?: string;
  /** The error a model without embeddings gets (default OpenAI's). */
  notEmbeddingModel?(model: string): { status: number; body: unknown };
}

/**
 * Answers `POST /v1/embeddings`.
 *
 * @example
 * ```ts
 * if (path === '/v1/embeddings') return embeddingsRoute(x, 'req_1');
 * ```
 */
export function embeddingsRoute(x: EmulatorExchange, requestId: string, options: EmbeddingsRouteOptions = {}): true {
  const { req, res } = x;
  const invalid = (message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error') =>
    (sendJson(res, 400, { error: { message, type, param, code } }), true as const);
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('We could not parse the JSON body of your request.');
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) return invalid(`Unrecognized request argument supplied: ${key}`);
  if (options.model === undefined && (typeof body.model !== 'string' || !body.model)) return invalid('you must provide a model parameter');
  if (body.input === undefined) return invalid("'input' is a required property");
  const model = options.model ?? (body.model as string);
  if (model.startsWith('missing-')) {
    sendJson(res, 404, { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    return true;
  }
  const spec = EMULATED_EMBEDDING_MODELS[model];
  if (!spec) {
    const refusal = options.notEmbeddingModel?.(model);
    if (refusal) return sendJson(res, refusal.status, refusal.body), true;
    return invalid('You are not allowed to generate embeddings from this model');
  }
  const inputs = embeddingInputs(body.input);
  if (!inputs) return invalid(INVALID_INPUT);
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    return invalid(`Invalid value for 'encoding_format': expected one of 'float' or 'base64'.`, 'encoding_format', 'invalid_value');
  }
  let n = spec.size;
  if (body.dimensions !== undefined) {
    if (!spec.shortens) return invalid('This model does not support specifying dimensions.', 'dimensions');
    if (!Number.isInteger(body.dimensions) || (body.dimensions as number) < 1 || (body.dimensions as number) > spec.size) {
      return invalid(`Invalid value for 'dimensions' = ${String(body.dimensions)}. Must be between 1 and ${spec.size}.`, 'dimensions', 'invalid_value');
    }
    n = body.dimensions as number;
  }
  const counts = inputs.map((i) => (typeof i === 'string' ? Math.max(1, tokens(i)) : i.length));
  const longest = Math.max(...counts);
  if (longest > 8192) {
    return invalid(`This model's maximum context length is 8192 tokens, however you requested ${longest} tokens (${longest} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > 300_000) return invalid(`Requested ${total} tokens, max 300000 tokens per request`, null, 'max_tokens_per_request', 'max_tokens_per_request');
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const v = emulatedEmbedding(input, n);
    return { object: 'embedding', index, embedding: base64 ? toBase64Floats(v) : v };
  });
  sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: total, total_tokens: total } }, { 'x-request-id': requestId });
  return true;
}
