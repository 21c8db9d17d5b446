/**
 * InvokeModel for the embedding models on the Bedrock emulator, validated as Bedrock
 * validates these bodies (JSON-schema messages in its "Malformed input request" wording):
 * Amazon Titan Text Embeddings v2 (`inputText` required, `dimensions` 256/512/1024,
 * `normalize`, `embeddingTypes`) and v1 (`inputText` only), Cohere Embed v3/v4 (`texts` up to
 * 96 of at most 2048 characters, `input_type` required, v4's `output_dimension`). Answers carry
 * `x-amzn-requestid` and Bedrock's `x-amzn-bedrock-input-token-count` header.
 */
import { randomUUID } from 'node:crypto';
import { emulatedEmbedding } from './openai-embeddings.js';
import type { EmulatorExchange } from './server.js';

/** Embedding model ids the emulator serves. */
export const BEDROCK_EMBEDDING_MODELS = ['amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text-v1', 'cohere.embed-english-v3', 'cohere.embed-multilingual-v3', 'cohere.embed-v4:0'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;
const malformed = (what: string) => `Malformed input request: ${what}, please reformat your input and try again.`;

function schemaProblem(body: Obj, allowed: string[], required: string[]): string | undefined {
  for (const k of required) if (body[k] === undefined) return malformed(`#: required key [${k}] not found`);
  for (const k of Object.keys(body)) if (!allowed.includes(k)) return malformed(`#: extraneous key [${k}] is not permitted`);
  return undefined;
}

/**
 * Answers `POST /model/{id}/invoke` for an embedding model; `fail` writes a Bedrock error.
 *
 * @example
 * ```ts
 * if (BEDROCK_EMBEDDING_MODELS.includes(modelId)) return invokeEmbedding(x, modelId, fail);
 * ```
 */
export function invokeEmbedding(x: EmulatorExchange, modelId: string, fail: (status: number, type: string, message: string) => true): true {
  const body = x.req.body;
  if (!isObj(body)) return fail(400, 'ValidationException', malformed('#: expected type: JSONObject'));
  const respond = (payload: unknown, inputTokens: number): true => {
    x.res.writeHead(200, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-bedrock-input-token-count': String(inputTokens),
      'x-amzn-bedrock-invocation-latency': '12',
    });
    x.res.end(JSON.stringify(payload));
    return true;
  };
  if (modelId.startsWith('amazon.titan-embed')) {
    const v2 = modelId.includes('-v2');
    const problem = schemaProblem(body, v2 ? ['inputText', 'dimensions', 'normalize', 'embeddingTypes'] : ['inputText'], ['inputText']);
    if (problem) return fail(400, 'ValidationException', problem);
    if (typeof body.inputText !== 'string') return fail(400, 'ValidationException', malformed('#/inputText: expected type: String, found: ' + typeof body.inputText));
    if (!body.inputText) return fail(400, 'ValidationException', malformed('#/inputText: expected minLength: 1, actual: 0'));
    if (body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions as number)) {
      return fail(400, 'ValidationException', malformed(`#/dimensions: ${JSON.stringify(body.dimensions)} is not a valid enum value`));
    }
    const embedding = emulatedEmbedding(body.inputText, v2 ? ((body.dimensions as number | undefined) ?? 1024) : 1536);
    const count = Math.max(1, tokens(body.inputText));
    return respond(v2 ? { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: count } : { embedding, inputTextTokenCount: count }, count);
  }
  const v4 = modelId.includes('embed-v4');
  const problem = schemaProblem(body, ['texts', 'images', 'input_type', 'truncate', 'embedding_types', ...(v4 ? ['output_dimension', 'max_tokens'] : [])], ['input_type']);
  if (problem) return fail(400, 'ValidationException', problem);
  if (!['search_document', 'search_query', 'classification', 'clustering', 'image'].includes(body.input_type as string)) {
    return fail(400, 'ValidationException', malformed(`#/input_type: ${JSON.stringify(body.input_type)} is not a valid enum value`));
  }
  const texts = body.texts;
  if (!Array.isArray(texts)) return fail(400, 'ValidationException', malformed('#: required key [texts] not found'));
  if (texts.length > 96) return fail(400, 'ValidationException', malformed(`#/texts: expected maximum item count: 96, found: ${texts.length}`));
  for (const [i, t] of texts.entries()) {
    if (typeof t !== 'string') return fail(400, 'ValidationException', malformed(`#/texts/${i}: expected type: String`));
    if (t.length > 2048) return fail(400, 'ValidationException', malformed(`#/texts/${i}: expected maxLength: 2048, actual: ${t.length}`));
  }
  const size = v4 ? ((body.output_dimension as number | undefined) ?? 1536) : 1024;
  if (v4 && ![256, 512, 1024, 1536].includes(size)) return fail(400, 'ValidationException', malformed(`#/output_dimension: ${size} is not a valid enum value`));
  const embeddings = (texts as string[]).map((t) => emulatedEmbedding(t, size));
  const count = (texts as string[]).reduce((n, t) => n + Math.max(1, tokens(t)), 0);
  const typed = Array.isArray(body.embedding_types);
  return respond({ id: randomUUID(), texts, response_type: typed ? 'embeddings_by_type' : 'embeddings_floats', embeddings: typed ? { float: embeddings } : embeddings }, count);
}
