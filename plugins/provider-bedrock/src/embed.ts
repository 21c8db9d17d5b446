/**
 * Embeddings on Bedrock through InvokeModel, in each model family's own body: Amazon Titan
 * Text Embeddings (v2: `inputText`, `dimensions` 256/512/1024, `normalize`; v1: `inputText`
 * only) one call per input, as the model takes one text; Cohere Embed (`texts`, `input_type`,
 * v4's `output_dimension`) one call for up to 96 texts, the API's limit. Usage from Titan's
 * `inputTextTokenCount`, else Bedrock's `x-amzn-bedrock-input-token-count` header, else the
 * 4-characters-a-token estimate the Bedrock docs give.
 */
import { GatewayError, type EmbeddingsRequest, type EmbeddingsResponse } from '@switchyard/core';
import { headerValue, type BufferedResponse } from '@switchyard/upstream';

/**
 * Sends one signed InvokeModel call for the deployment; throws the mapped error on failure.
 *
 * @example
 * ```ts
 * const invoke: Invoke = async (body) => upstreamBuffered({ url, headers: await sign(body), body: JSON.stringify(body), provider: 'bedrock' });
 * ```
 */
export type Invoke = (body: Record<string, unknown>) => Promise<BufferedResponse>;

/** Texts per Cohere Embed call (Bedrock's limit). */
export const COHERE_BATCH = 96;

/** The Bedrock docs' estimate: a token is about 4 characters. */
const estimate = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/**
 * The embedding family of a Bedrock model id (inference-profile prefixes and ARNs included).
 *
 * @example
 * ```ts
 * embeddingFamily('amazon.titan-embed-text-v2:0'); // 'titan-v2'
 * ```
 */
export function embeddingFamily(modelId: string): 'titan-v2' | 'titan-v1' | 'cohere' | 'cohere-v4' | undefined {
  if (/(^|[.:/])amazon\.titan-embed-text-v2/.test(modelId)) return 'titan-v2';
  if (/(^|[.:/])amazon\.titan-embed-(text-v1|g1-text)/.test(modelId)) return 'titan-v1';
  if (/(^|[.:/])cohere\.embed-v4/.test(modelId)) return 'cohere-v4';
  if (/(^|[.:/])cohere\.embed-/.test(modelId)) return 'cohere';
  return undefined;
}

const invalid = (message: string, param: string) => new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: 'invalid_value' });
const broken = (what: string) => new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The bedrock upstream ${what}.`, { publicCode: 'upstream_invalid_response', expose: true });

function textsOf(request: EmbeddingsRequest): string[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (input.every((s) => typeof s === 'string')) return input as string[];
  throw invalid('The bedrock provider embeds text: token-id inputs are not supported; send the text.', 'input');
}

function json<T>(res: BufferedResponse): T {
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw broken('answered with a body that is not JSON');
  }
}

const headerTokens = (res: BufferedResponse): number | undefined => {
  const v = Number(headerValue(res.headers, 'x-amzn-bedrock-input-token-count'));
  return Number.isFinite(v) && v >= 0 ? v : undefined;
};

/**
 * The OpenAI embeddings answer of `request` on Bedrock model `modelId`.
 *
 * @example
 * ```ts
 * const out = await bedrockEmbeddings(request, 'amazon.titan-embed-text-v2:0', (body) => signedInvoke(body));
 * ```
 */
export async function bedrockEmbeddings(request: EmbeddingsRequest, modelId: string, invoke: Invoke): Promise<{ body: EmbeddingsResponse; upstreamRequestId?: string }> {
  const family = embeddingFamily(modelId);
  if (!family) throw invalid(`The bedrock model \`${modelId}\` has no embeddings API (use an Amazon Titan Text Embeddings or Cohere Embed model).`, 'model');
  const texts = textsOf(request);
  const vectors: number[][] = [];
  let tokens = 0;
  let requestId: string | undefined;
  if (family === 'titan-v2' || family === 'titan-v1') {
    if (family === 'titan-v1' && request.dimensions !== undefined) throw invalid(`The model \`${modelId}\` does not take dimensions (Titan Text Embeddings v2 does: 256, 512 or 1024).`, 'dimensions');
    const extra = family === 'titan-v2' ? { ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}), normalize: true } : {};
    const sent = await Promise.all(texts.map((inputText) => invoke({ inputText, ...extra })));
    sent.forEach((res, i) => {
      const body = json<{ embedding?: number[]; inputTextTokenCount?: number }>(res);
      if (!Array.isArray(body.embedding)) throw broken('answered without an embedding');
      vectors.push(body.embedding);
      tokens += body.inputTextTokenCount ?? headerTokens(res) ?? estimate(texts[i]!);
    });
    requestId = headerValue(sent[0]!.headers, 'x-amzn-requestid');
  } else {
    if (family === 'cohere' && request.dimensions !== undefined) throw invalid(`The model \`${modelId}\` does not take dimensions (Cohere Embed v4 does).`, 'dimensions');
    const inputType = typeof request.input_type === 'string' ? request.input_type : 'search_document';
    const parts: string[][] = [];
    for (let i = 0; i < texts.length; i += COHERE_BATCH) parts.push(texts.slice(i, i + COHERE_BATCH));
    const sent = await Promise.all(
      parts.map((part) =>
        invoke({
          texts: part,
          input_type: inputType,
          ...(typeof request.truncate === 'string' ? { truncate: request.truncate } : {}),
          ...(family === 'cohere-v4' && request.dimensions !== undefined ? { output_dimension: request.dimensions } : {}),
        }),
      ),
    );
    sent.forEach((res, i) => {
      const body = json<{ embeddings?: number[][] | { float?: number[][] } }>(res);
      const got = Array.isArray(body.embeddings) ? body.embeddings : body.embeddings?.float;
      if (!Array.isArray(got) || got.length !== parts[i]!.length) throw broken('answered a different number of embeddings than texts');
      vectors.push(...got);
      tokens += headerTokens(res) ?? parts[i]!.reduce((n, text) => n + estimate(text), 0);
    });
    requestId = headerValue(sent[0]!.headers, 'x-amzn-requestid');
  }
  const body: EmbeddingsResponse = {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: modelId,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  return { body, upstreamRequestId: requestId };
}
