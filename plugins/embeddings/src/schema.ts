/**
 * Validation of `POST /v1/embeddings` bodies in the OpenAI shape: `model`, `input` as a string,
 * an array of strings, an array of token ids or an array of token-id arrays, `encoding_format`,
 * `dimensions`, `user`. Known fields are checked for type and range; unknown fields pass through
 * to the provider (as chat does), except `stream`: embeddings are never streamed.
 */
import { z, type EmbeddingsRequest } from '@switchyard/core';

/** Most inputs in one request (OpenAI's limit: "any array must be 2048 dimensions or less"). */
export const MAX_INPUTS = 2048;

/** The largest token id a tokenizer in use has (o200k has ~200k; leave room for larger vocabularies). */
const MAX_TOKEN_ID = 2 ** 31 - 1;

type Ctx = z.core.$RefinementCtx;

const issue = (ctx: Ctx, path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: ['input', ...path], message });

function checkTokens(tokens: unknown[], path: PropertyKey[], ctx: Ctx): boolean {
  if (tokens.length === 0) return issue(ctx, path, 'expected at least one token, but got an empty array'), false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > MAX_TOKEN_ID) {
      return issue(ctx, [...path, i], `expected a token id (a whole number from 0 to ${MAX_TOKEN_ID})`), false;
    }
  }
  return true;
}

/** Checks `input` in place and says what is wrong with it, at the element at fault. */
function checkInput(input: unknown, ctx: Ctx): void {
  if (typeof input === 'string') {
    if (input.length === 0) issue(ctx, [], 'expected a non-empty string');
    return;
  }
  if (!Array.isArray(input)) {
    ctx.addIssue({ code: 'invalid_type', expected: 'string', input, path: ['input'], message: 'expected a string or an array' });
    return;
  }
  if (input.length === 0) return issue(ctx, [], 'expected at least one input, but got an empty array');
  if (input.length > MAX_INPUTS) return issue(ctx, [], `expected at most ${MAX_INPUTS} inputs, but got ${input.length}`);
  const first = input[0];
  if (typeof first === 'number') return void checkTokens(input, [], ctx);
  if (typeof first === 'string') {
    for (let i = 0; i < input.length; i++) {
      const s: unknown = input[i];
      if (typeof s !== 'string') return issue(ctx, [i], 'expected a string, as the other inputs are');
      if (s.length === 0) return issue(ctx, [i], 'expected a non-empty string');
    }
    return;
  }
  if (Array.isArray(first)) {
    for (let i = 0; i < input.length; i++) {
      const a: unknown = input[i];
      if (!Array.isArray(a)) return issue(ctx, [i], 'expected an array of token ids, as the other inputs are');
      if (!checkTokens(a, [i], ctx)) return;
    }
    return;
  }
  issue(ctx, [0], 'expected a string, a token id or an array of token ids');
}

/** The schema of an embeddings request body. */
export const EmbeddingsRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    input: z.unknown(),
    // null as "not given" (some clients send it): dropped before the request goes on
    encoding_format: z.enum(['float', 'base64']).nullable().optional(),
    dimensions: z.number().int().min(1).max(65_536).nullable().optional(),
    user: z.string().nullable().optional(),
    stream: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.input === undefined) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['input'], message: 'required' });
      return;
    }
    checkInput(body.input, ctx);
    if (body.stream !== undefined && body.stream !== null && body.stream !== false) {
      ctx.addIssue({ code: 'custom', path: ['stream'], message: 'embeddings are not streamed' });
    }
  }) as unknown as z.ZodType<EmbeddingsRequest>;
