/**
 * The mock's embeddings: `mock/embed` answers a deterministic unit vector per input, seeded by
 * a hash of the text (or token ids), 1536 dimensions like text-embedding-3-small. `dimensions`
 * keeps the first n values, renormalised (as OpenAI's shortened embeddings are), so a shorter
 * vector is the prefix direction of the longer one. Usage counts the mock's tokens.
 */
import { createHash } from 'node:crypto';
import { GatewayError, type EmbeddingsRequest, type EmbeddingsResponse } from '@switchyard/core';
import { ERROR_MODEL, MOCK_MODELS } from './models.js';
import { countTokens } from './tokens.js';

/** The mock embeddings model (served as `mock/embed`). */
export const EMBED_MODEL = 'embed';

/** Dimensions of a `mock/embed` vector (and the most `dimensions` may ask for). */
export const EMBED_DIMENSIONS = 1536;

/** A small fast PRNG (mulberry32) seeded by 32 bits. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The mock vector of one input: `n` values of a unit vector seeded by the input.
 *
 * @example
 * ```ts
 * mockVector('hello', 8).length; // 8
 * ```
 */
export function mockVector(input: string | number[], n: number = EMBED_DIMENSIONS): number[] {
  const key = typeof input === 'string' ? `t:${input}` : `n:${input.join(',')}`;
  const next = prng(createHash('sha256').update(key).digest().readUInt32LE(0));
  const v = new Array<number>(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    // the sum of two uniforms minus one: centred, like real embedding values
    const x = next() + next() - 1;
    v[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < n; i++) v[i] = Math.fround(v[i]! / norm);
  return v;
}

function inputsOf(request: EmbeddingsRequest): Array<string | number[]> {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as Array<string | number[]>;
}

/**
 * The mock's answer to an embeddings request for upstream model `model`.
 *
 * @example
 * ```ts
 * mockEmbeddings('embed', { model: 'mock/embed', input: ['a', 'b'], dimensions: 256 }).data.length; // 2
 * ```
 */
export function mockEmbeddings(model: string, request: EmbeddingsRequest): EmbeddingsResponse {
  const error = ERROR_MODEL.exec(model);
  if (error) {
    const status = Number(error[1]);
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `mock error ${status}`, {
      status,
      type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
      publicCode: status === 429 ? 'rate_limit_exceeded' : null,
      headers: status === 429 ? { 'retry-after': '1' } : {},
      expose: true,
    });
  }
  if (model !== EMBED_MODEL) {
    const known = (MOCK_MODELS as readonly string[]).includes(model);
    throw new GatewayError('GW_ERR_INVALID_REQUEST', known ? `The mock model '${model}' is a chat model; embeddings come from mock/${EMBED_MODEL}.` : `The mock provider has no model '${model}'.`, {
      param: 'model',
      publicCode: known ? 'model_not_supported' : 'model_not_found',
      status: known ? 400 : 404,
    });
  }
  const n = request.dimensions ?? EMBED_DIMENSIONS;
  if (n > EMBED_DIMENSIONS) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `This model supports at most ${EMBED_DIMENSIONS} dimensions, whereas you provided ${n}.`, {
      param: 'dimensions',
      publicCode: 'invalid_value',
    });
  }
  let tokens = 0;
  const data = inputsOf(request).map((input, index) => {
    tokens += typeof input === 'string' ? Math.max(1, countTokens(input)) : input.length;
    return { object: 'embedding' as const, index, embedding: mockVector(input, n) };
  });
  return { object: 'list', data, model: EMBED_MODEL, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
