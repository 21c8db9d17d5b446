/**
 * The embeddings wire shapes.
 */
import type { CallRequest, CallResponse } from './call.js';

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
