/**
 * The embeddings codec on its own: validation, the token bound, base64, what a provider's
 * answer must be, and the client's view of it.
 */
import { describe, expect, it } from 'vitest';
import { createCallContext, GatewayError, type Deployment, type EmbeddingsResponse, type ProviderAdapter } from '@switchyard/core';
import { base64ToFloats, checkTokenBound, embeddingsCodec, floatsToBase64, inputCount, MAX_REQUEST_TOKENS, recordedAnswer } from '../src/index.js';
import { loadTokenizer } from '../src/limits.js';

const fail = (fn: () => unknown): GatewayError => {
  try {
    fn();
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('did not throw');
};

describe('base64 embeddings', () => {
  it('round-trips float32 values as little-endian bytes', () => {
    const v = [1, -0.5, 0.25, Math.fround(0.1)];
    const text = floatsToBase64(v);
    expect(text).toBe(Buffer.from(new Float32Array(v).buffer).toString('base64'));
    expect(Buffer.from(text, 'base64').readFloatLE(4)).toBe(-0.5);
    expect(base64ToFloats(text)).toEqual(v);
  });
  it('refuses text that is not whole float32 values', () => {
    expect(base64ToFloats('AAEC')).toBeUndefined(); // 3 bytes
    expect(base64ToFloats('')).toBeUndefined();
    expect(base64ToFloats('not base64!')).toBeUndefined();
  });
});

describe('validation', () => {
  it('accepts the four input forms and counts their vectors', () => {
    for (const [input, n] of [
      ['a', 1],
      [['a', 'b'], 2],
      [[1, 2, 3], 1],
      [[[1], [2, 3]], 2],
    ] as const) {
      const r = embeddingsCodec.validate({ model: 'm', input });
      expect(inputCount(r)).toBe(n);
    }
  });
  it('names the offending element', () => {
    expect(fail(() => embeddingsCodec.validate({ model: 'm', input: ['a', ''] }))).toMatchObject({ status: 400, param: 'input[1]' });
    expect(fail(() => embeddingsCodec.validate({ model: 'm', input: [[1], [2, -3]] }))).toMatchObject({ param: 'input[1][1]' });
    expect(fail(() => embeddingsCodec.validate({ model: 'm', input: [null] }))).toMatchObject({ param: 'input[0]' });
    expect(fail(() => embeddingsCodec.validate({ model: 'm', input: Array(2049).fill('x') })).message).toContain('at most 2048 inputs, but got 2049');
  });
  it('sends the deployment model upstream, without gateway-only fields or stream', () => {
    const d = { id: 'e#0', name: 'e', provider: 'p', model: 'up-model', options: {}, params: { input_type: 'search_query' } } as Deployment;
    const r = embeddingsCodec.validate({ model: 'e', input: 'x', metadata: { a: 1 }, session_id: 's', timeout: 3, stream: false });
    expect(embeddingsCodec.prepare(r, d, createCallContext({ operation: 'embeddings', endpoint: '/v1/embeddings' }))).toEqual({ model: 'up-model', input: 'x', input_type: 'search_query' });
  });
  it('only providers with embeddings() are candidates', () => {
    const chat = (async () => ({})) as unknown as ProviderAdapter['chat'];
    expect(embeddingsCodec.supports({ id: 'a', chat })).toBe(false);
    expect(embeddingsCodec.supports({ id: 'b', chat, embeddings: async () => ({ body: {} as EmbeddingsResponse }) })).toBe(true);
  });
});

describe('token bound', () => {
  it('counts token ids exactly', () => {
    const ok = embeddingsCodec.validate({ model: 'm', input: [Array(MAX_REQUEST_TOKENS).fill(1)] });
    expect(inputCount(ok)).toBe(1);
    expect(fail(() => embeddingsCodec.validate({ model: 'm', input: [Array(MAX_REQUEST_TOKENS).fill(1), [1]] }))).toMatchObject({
      status: 400,
      type: 'max_tokens_per_request',
      publicCode: 'max_tokens_per_request',
      message: 'Requested 300001 tokens, max 300000 tokens per request',
    });
  });
  it('counts text with the tokenizer once its bytes could pass the bound', async () => {
    await loadTokenizer();
    // 'hello' and ' hello' are one cl100k token each: 62,500 of them in 6 × 10,416 words
    const words = Array.from({ length: 6 }, () => 'hello'.repeat(1) + ' hello'.repeat(10_416));
    expect(() => checkTokenBound({ model: 'm', input: words })).not.toThrow(); // 62,502 tokens in 375 kB
    const over = Array.from({ length: 30 }, () => ' hello'.repeat(10_001));
    expect(() => checkTokenBound({ model: 'm', input: over })).toThrow('Requested 300030 tokens, max 300000 tokens per request');
    // a special-token text is text, not an error
    expect(() => checkTokenBound({ model: 'm', input: '<|endoftext|>'.repeat(30_000) })).not.toThrow();
  });
});

describe('answers', () => {
  const ctx = () => {
    const c = createCallContext({ operation: 'embeddings', endpoint: '/v1/embeddings' });
    c.model = 'public-name';
    return c;
  };
  const upstream = (embedding: number[] | string, index = 0): EmbeddingsResponse => ({
    object: 'list',
    data: [{ object: 'embedding', index, embedding }],
    model: 'upstream-model',
    usage: { prompt_tokens: 3, total_tokens: 3 },
  });
  it('presents floats or base64 as asked, the public model name, and only prompt and total tokens', () => {
    const req = embeddingsCodec.validate({ model: 'public-name', input: 'x', encoding_format: 'base64' });
    const out = embeddingsCodec.presentResponse({ ...upstream([1, 0.5]), usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 } } as EmbeddingsResponse, req, ctx());
    expect(out).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: floatsToBase64([1, 0.5]) }], model: 'public-name', usage: { prompt_tokens: 3, total_tokens: 3 } });
    const floats = embeddingsCodec.presentResponse(upstream(floatsToBase64([0.25])), embeddingsCodec.validate({ model: 'public-name', input: 'x' }), ctx());
    expect(floats.data[0]!.embedding).toEqual([0.25]);
  });
  it('puts the vectors in input order', () => {
    const body: EmbeddingsResponse = { ...upstream([1]), data: [{ object: 'embedding', index: 1, embedding: [2] }, { object: 'embedding', index: 0, embedding: [1] }] };
    const out = embeddingsCodec.presentResponse(body, embeddingsCodec.validate({ model: 'm', input: ['a', 'b'] }), ctx());
    expect(out.data.map((d) => d.embedding)).toEqual([[1], [2]]);
  });
  it('refuses answers that are not vectors', () => {
    for (const bad of [{}, null, { data: [] }, { data: [{ embedding: [] }] }, { data: [{ embedding: [1, Number.NaN] }] }, { data: [{ embedding: 'AAEC' }] }, { data: [{ embedding: [1], index: 0.5 }] }]) {
      expect(() => embeddingsCodec.checkResponse(bad, 'p')).toThrow(GatewayError);
    }
    expect(() => embeddingsCodec.checkResponse(upstream([0.1]), 'p')).not.toThrow();
  });
  it('reads usage as chat-shaped usage with no completion tokens', () => {
    expect(embeddingsCodec.usageOf(upstream([1]))).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 });
    expect(embeddingsCodec.usageOf({ ...upstream([1]), usage: undefined } as unknown as EmbeddingsResponse)).toBeUndefined();
  });
  it('call records keep each vector as its length, floats or base64, and a second pass changes nothing', () => {
    const body: EmbeddingsResponse = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [1, 2, 3] }, { object: 'embedding', index: 1, embedding: floatsToBase64([1, 2, 3, 4, 5]) }],
      model: 'm',
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    const once = recordedAnswer(body);
    expect(once).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, dimensions: 3 }, { object: 'embedding', index: 1, dimensions: 5 }], model: 'm', usage: body.usage });
    expect(recordedAnswer(once as EmbeddingsResponse)).toEqual(once);
    expect(body.data[0]!.embedding).toEqual([1, 2, 3]); // the client's answer is untouched
  });
});
