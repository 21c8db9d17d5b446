/**
 * Embeddings on the Gemini wire. Google AI Studio: `batchEmbedContents` (100 texts a call, the
 * API's limit; usage from `usageMetadata` when the API reports it, else Google's documented
 * estimate of 4 characters a token). Vertex AI: `predict` for the text-embedding models and
 * gemini-embedding-001 (250 texts a call, one for gemini-embedding-001, as Vertex allows; usage
 * from each prediction's `statistics.token_count`), `embedContent` for the other Gemini
 * embedding models (one text a call; usage from `usageMetadata.promptTokenCount`). The same
 * split as Google's own `@google/genai` SDK. `dimensions` → `outputDimensionality`; a
 * `task_type` in the body (or the deployment's params) → `taskType`.
 */
import { GatewayError, type Deployment, type EmbeddingsRequest, type EmbeddingsResponse, type ProviderCall } from '@switchyard/core';
import { upstreamBuffered, parseJson } from '@switchyard/upstream';
import { geminiError, upstreamRequestIdOf } from './errors.js';

/** Where a deployment's model lives and how to authenticate (without the `:method` suffix). */
export interface EmbedTransport {
  id: string;
  /** `…/models/{model}` of the deployment. */
  modelUrl(deployment: Deployment): Promise<string>;
  headers(deployment: Deployment): Promise<Record<string, string>>;
  timeoutMs?: number;
}

/** Google's rule of thumb for Gemini models: a token is about 4 characters. */
export const CHARS_PER_TOKEN = 4;

/** Texts per `batchEmbedContents` call (the Gemini API's limit). */
export const STUDIO_BATCH = 100;

/** Texts per Vertex `predict` call for the text-embedding models. */
export const VERTEX_BATCH = 250;

const estimate = (text: string) => Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));

/**
 * The texts of an embeddings request (Gemini embeds text; token ids are refused with a 400).
 *
 * @example
 * ```ts
 * embeddingTexts({ model: 'm', input: ['a', 'b'] }, 'gemini'); // ['a', 'b']
 * ```
 */
export function embeddingTexts(request: EmbeddingsRequest, provider: string): string[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (input.every((s) => typeof s === 'string')) return input as string[];
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `The ${provider} provider embeds text: token-id inputs are not supported; send the text.`, {
    param: 'input',
    publicCode: 'invalid_value',
  });
}

/**
 * Whether a Vertex model is served by `embedContent` (the Gemini embedding models other than
 * gemini-embedding-001) rather than `predict`, by the rule of Google's SDK.
 *
 * @example
 * ```ts
 * usesEmbedContent('gemini-embedding-001'); // false
 * ```
 */
export function usesEmbedContent(model: string): boolean {
  return (model.includes('gemini') && !model.endsWith('gemini-embedding-001')) || model.includes('maas');
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Sent<T> {
  body: T;
  requestId?: string;
}

async function post<T>(t: EmbedTransport, d: Deployment, url: string, body: Record<string, unknown>, call: ProviderCall): Promise<Sent<T>> {
  const res = await upstreamBuffered({
    url,
    headers: { accept: 'application/json', ...(await t.headers(d)) },
    body,
    signal: call.signal,
    timeoutMs: d.timeoutMs ?? t.timeoutMs,
    provider: t.id,
  });
  if (res.status < 200 || res.status >= 300) throw geminiError(res, res.text, t.id);
  return { body: parseJson<T>(res.text, t.id), requestId: upstreamRequestIdOf(res.headers) };
}

const broken = (provider: string, what: string) =>
  new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ${what}.`, { publicCode: 'upstream_invalid_response', expose: true });

function answer(vectors: number[][], model: string, tokens: number, requestId: string | undefined) {
  const body: EmbeddingsResponse = {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  return { body, upstreamRequestId: requestId };
}

const taskTypeOf = (request: EmbeddingsRequest) => (typeof request.task_type === 'string' ? request.task_type : undefined);

/**
 * The `embeddings` function of the AI Studio adapter (`batchEmbedContents`).
 *
 * @example
 * ```ts
 * gateway.providers.register({ id: 'gemini', chat, embeddings: studioEmbeddings(transport) });
 * ```
 */
export function studioEmbeddings(t: EmbedTransport) {
  return async (request: EmbeddingsRequest, call: ProviderCall) => {
    const d = call.deployment;
    const texts = embeddingTexts(request, t.id);
    const url = `${await t.modelUrl(d)}:batchEmbedContents`;
    const model = `models/${d.model.replace(/^models\//, '')}`;
    const taskType = taskTypeOf(request);
    type Batch = { embeddings?: Array<{ values?: number[] }>; usageMetadata?: { promptTokenCount?: number } };
    const sent = await Promise.all(
      chunks(texts, STUDIO_BATCH).map((part) =>
        post<Batch>(t, d, url, {
          requests: part.map((text) => ({
            model,
            content: { parts: [{ text }] },
            ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
            ...(taskType ? { taskType } : {}),
          })),
        }, call),
      ),
    );
    const vectors: number[][] = [];
    let tokens = 0;
    sent.forEach((s, i) => {
      const got = s.body?.embeddings;
      if (!Array.isArray(got)) throw broken(t.id, 'answered batchEmbedContents without embeddings');
      for (const e of got) vectors.push(e?.values as number[]);
      const part = texts.slice(i * STUDIO_BATCH, (i + 1) * STUDIO_BATCH);
      tokens += s.body.usageMetadata?.promptTokenCount ?? part.reduce((n, text) => n + estimate(text), 0);
    });
    return answer(vectors, d.model, tokens, sent[0]?.requestId);
  };
}

/**
 * The `embeddings` function of the Vertex AI adapter (`predict`, or `embedContent` for the
 * newer Gemini embedding models).
 *
 * @example
 * ```ts
 * gateway.providers.register({ id: 'vertex_ai', chat, embeddings: vertexEmbeddings(transport) });
 * ```
 */
export function vertexEmbeddings(t: EmbedTransport) {
  return async (request: EmbeddingsRequest, call: ProviderCall) => {
    const d = call.deployment;
    const texts = embeddingTexts(request, t.id);
    const base = await t.modelUrl(d);
    const taskType = taskTypeOf(request);
    const vectors: number[][] = [];
    let tokens = 0;
    let requestId: string | undefined;
    if (usesEmbedContent(d.model)) {
      type One = { embedding?: { values?: number[] }; usageMetadata?: { promptTokenCount?: number } };
      const config = { ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}), ...(taskType ? { taskType } : {}) };
      const sent = await Promise.all(
        texts.map((text) => post<One>(t, d, `${base}:embedContent`, { content: { role: 'user', parts: [{ text }] }, ...(Object.keys(config).length ? { embedContentConfig: config } : {}) }, call)),
      );
      sent.forEach((s, i) => {
        if (!s.body?.embedding) throw broken(t.id, 'answered embedContent without an embedding');
        vectors.push(s.body.embedding.values as number[]);
        tokens += s.body.usageMetadata?.promptTokenCount ?? estimate(texts[i]!);
      });
      requestId = sent[0]?.requestId;
    } else {
      type Predict = { predictions?: Array<{ embeddings?: { values?: number[]; statistics?: { token_count?: number } } }> };
      const size = d.model.endsWith('gemini-embedding-001') ? 1 : VERTEX_BATCH;
      const parts = chunks(texts, size);
      const sent = await Promise.all(
        parts.map((part) =>
          post<Predict>(t, d, `${base}:predict`, {
            instances: part.map((content) => ({ content, ...(taskType ? { task_type: taskType } : {}) })),
            ...(request.dimensions !== undefined ? { parameters: { outputDimensionality: request.dimensions } } : {}),
          }, call),
        ),
      );
      sent.forEach((s, i) => {
        const got = s.body?.predictions;
        if (!Array.isArray(got)) throw broken(t.id, 'answered predict without predictions');
        got.forEach((p, k) => {
          vectors.push(p?.embeddings?.values as number[]);
          tokens += p?.embeddings?.statistics?.token_count ?? estimate(parts[i]![k] ?? '');
        });
      });
      requestId = sent[0]?.requestId;
    }
    return answer(vectors, d.model, tokens, requestId);
  };
}
