/**
 * Embeddings on the Gemini emulator, strict like Google's APIs: AI Studio `embedContent` and
 * `batchEmbedContents` (each request naming the URL's model, at most 100, non-empty text, no
 * usage reported, as AI Studio answers), Vertex AI `predict` for the text-embedding models and
 * gemini-embedding-001 (one instance at a time for it, 250 for the others; token counts in
 * `statistics`) and `embedContent` for the newer Gemini embedding models (one content, usage in
 * `usageMetadata`). Unknown fields are refused as Google refuses them. Vectors are the OpenAI
 * emulator's deterministic unit vectors.
 */
import { emulatedEmbedding } from './openai-embeddings.js';
import { sendJson, type EmulatorExchange } from './server.js';

/** Embedding models the emulator serves and their full size. */
export const GEMINI_EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  'gemini-embedding-001': 3072,
  'text-embedding-004': 768,
  'text-embedding-005': 768,
  'text-multilingual-embedding-002': 768,
  'gemini-embedding-2-preview': 3072,
};

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;
const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND' };
const fail = (x: EmulatorExchange, code: number, message: string): true => (sendJson(x.res, code, { error: { code, message, status: STATUS[code] ?? 'FAILED_PRECONDITION' } }), true);
const unknownName = (key: string, at: string) => `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
const embedContentOnly = (model: string) => model.includes('gemini') && model !== 'gemini-embedding-001';

function unknownKeys(o: Json, allowed: string[], at: string): string | undefined {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return unknownName(k, at);
  return undefined;
}

/** The text of a `content`, or a problem with it. */
function contentText(content: unknown, at: string): { text: string } | { problem: string } {
  if (!isObj(content)) return { problem: `* ${at}: content is required` };
  const bad = unknownKeys(content, ['parts', 'role'], at);
  if (bad) return { problem: bad };
  const parts = content.parts;
  if (!Array.isArray(parts) || parts.length === 0) return { problem: `* ${at}.parts: contents.parts must not be empty.` };
  const text = parts.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join(' ');
  if (!text.trim()) return { problem: 'The text content is empty.' };
  return { text };
}

function dims(v: unknown, size: number, at: string): number | string {
  if (v === undefined) return size;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > size) return `* ${at}: Output dimensionality must be between 1 and ${size}, got ${String(v)}.`;
  return v as number;
}

/**
 * Answers AI Studio `models/{model}:embedContent` and `:batchEmbedContents`.
 *
 * @example
 * ```ts
 * if (method === 'batchEmbedContents') return studioEmbed(x, model, method);
 * ```
 */
export function studioEmbed(x: EmulatorExchange, model: string, method: 'embedContent' | 'batchEmbedContents'): true {
  const size = GEMINI_EMBEDDING_MODELS[model];
  if (!size) {
    return fail(x, 404, `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`);
  }
  const body = x.req.body;
  if (!isObj(body)) return fail(x, 400, 'Invalid JSON payload received.');
  const one = (r: Json, at: string, batch: boolean): { values: number[] } | string => {
    const bad = unknownKeys(r, ['model', 'content', 'taskType', 'title', 'outputDimensionality'], at);
    if (bad) return bad;
    if (batch) {
      if (r.model === undefined) return `* BatchEmbedContentsRequest.${at}.model: model is required`;
      if (r.model !== `models/${model}`) return `* BatchEmbedContentsRequest.${at}.model: the model of every request must be the model of the batch (models/${model}).`;
    }
    const c = contentText(r.content, batch ? `BatchEmbedContentsRequest.${at}.content` : 'EmbedContentRequest.content');
    if ('problem' in c) return c.problem;
    const n = dims(r.outputDimensionality, size, batch ? `BatchEmbedContentsRequest.${at}.output_dimensionality` : 'EmbedContentRequest.output_dimensionality');
    if (typeof n === 'string') return n;
    return { values: emulatedEmbedding(c.text, n) };
  };
  if (method === 'embedContent') {
    const e = one(body, '', false);
    return typeof e === 'string' ? fail(x, 400, e) : (sendJson(x.res, 200, { embedding: e }), true);
  }
  const bad = unknownKeys(body, ['requests'], '');
  if (bad) return fail(x, 400, bad);
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) return fail(x, 400, '* BatchEmbedContentsRequest.requests: requests must not be empty.');
  if (requests.length > 100) return fail(x, 400, '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch.');
  const embeddings: Array<{ values: number[] }> = [];
  for (const [i, r] of requests.entries()) {
    const e = isObj(r) ? one(r, `requests[${i}]`, true) : `Invalid value at 'requests[${i}]'`;
    if (typeof e === 'string') return fail(x, 400, e);
    embeddings.push(e);
  }
  sendJson(x.res, 200, { embeddings });
  return true;
}

/**
 * Answers Vertex AI `publishers/google/models/{model}:predict` (text embedding models) and
 * `:embedContent` (the newer Gemini embedding models).
 *
 * @example
 * ```ts
 * if (method === 'predict') return vertexEmbed(x, model, method);
 * ```
 */
export function vertexEmbed(x: EmulatorExchange, model: string, method: 'predict' | 'embedContent'): true {
  const size = GEMINI_EMBEDDING_MODELS[model];
  if (!size) return fail(x, 404, `Publisher Model \`projects/p/locations/l/publishers/google/models/${model}\` was not found or your project does not have access to it.`);
  const body = x.req.body;
  if (!isObj(body)) return fail(x, 400, 'Invalid JSON payload received.');
  if (method === 'embedContent') {
    if (!embedContentOnly(model)) return fail(x, 400, `The model ${model} does not support embedContent; use predict.`);
    const bad = unknownKeys(body, ['content', 'embedContentConfig'], '');
    if (bad) return fail(x, 400, bad);
    const c = contentText(body.content, 'EmbedContentRequest.content');
    if ('problem' in c) return fail(x, 400, c.problem);
    const config = isObj(body.embedContentConfig) ? body.embedContentConfig : {};
    const badConfig = unknownKeys(config, ['taskType', 'title', 'outputDimensionality', 'autoTruncate'], 'embed_content_config');
    if (badConfig) return fail(x, 400, badConfig);
    const n = dims(config.outputDimensionality, size, 'EmbedContentRequest.embed_content_config.output_dimensionality');
    if (typeof n === 'string') return fail(x, 400, n);
    const count = Math.max(1, tokens(c.text));
    sendJson(x.res, 200, { embedding: { values: emulatedEmbedding(c.text, n) }, usageMetadata: { promptTokenCount: count, totalTokenCount: count }, truncated: false });
    return true;
  }
  if (embedContentOnly(model)) return fail(x, 400, `The model ${model} is served by embedContent, not predict.`);
  const bad = unknownKeys(body, ['instances', 'parameters'], '');
  if (bad) return fail(x, 400, bad);
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0) return fail(x, 400, 'Invalid request: instances must not be empty.');
  const most = model === 'gemini-embedding-001' ? 1 : 250;
  if (instances.length > most) {
    return fail(x, 400, `Unable to submit request because the model ${model} supports at most ${most} instance${most === 1 ? '' : 's'} per request, but ${instances.length} were given.`);
  }
  const params = isObj(body.parameters) ? body.parameters : {};
  const badParams = unknownKeys(params, ['outputDimensionality', 'autoTruncate'], 'parameters');
  if (badParams) return fail(x, 400, badParams);
  const n = dims(params.outputDimensionality, size, 'parameters.outputDimensionality');
  if (typeof n === 'string') return fail(x, 400, n);
  const predictions = [];
  let chars = 0;
  for (const [i, inst] of instances.entries()) {
    if (!isObj(inst) || typeof inst.content !== 'string' || !inst.content) return fail(x, 400, `Invalid instance ${i}: content must be a non-empty string.`);
    const badInst = unknownKeys(inst, ['content', 'task_type', 'title'], `instances[${i}]`);
    if (badInst) return fail(x, 400, badInst);
    chars += inst.content.length;
    predictions.push({ embeddings: { statistics: { truncated: false, token_count: Math.max(1, tokens(inst.content)) }, values: emulatedEmbedding(inst.content, n) } });
  }
  sendJson(x.res, 200, { predictions, metadata: { billableCharacterCount: chars } });
  return true;
}
