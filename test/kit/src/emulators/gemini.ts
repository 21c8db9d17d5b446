/**
 * A loopback emulator of the Gemini `generateContent` wire format, in both URL shapes:
 * Google AI Studio (`/v1beta/models/{model}:generateContent`, `x-goog-api-key`) and Vertex
 * AI (`/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent`,
 * `Authorization: Bearer`), plus an OAuth `POST /token` endpoint for the service-account
 * JWT-bearer grant. Streams with `:streamGenerateContent?alt=sse` (one whole response per
 * `data:`, no `[DONE]`). Embeddings: `embedContent` / `batchEmbedContents` (AI Studio) and
 * `predict` / `embedContent` (Vertex), see gemini-embed.ts.
 *
 * The model echoes the last user text (`echo: …`), calls the first (or only allowed)
 * declared function when tools are offered and the last turn is not a function response,
 * answers JSON that follows `responseJsonSchema` in JSON mode,
 * answers `tool result: …` after function responses, thinks first when `thinkingConfig`
 * has a budget, honours `stopSequences` and `maxOutputTokens` (in words), blocks the
 * answer (finishReason `SAFETY`) when the text contains `safetyTrigger` and the prompt
 * (`promptFeedback.blockReason`) when it contains `blockTrigger`. Function calls carry a
 * `thoughtSignature` when thinking is on or the model is a `gemini-3*` one, and `gemini-3*`
 * models reject replayed calls without it, as the real ones do. Answers are typed with
 * the official `@google/genai` SDK types.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type http from 'node:http';
import type { BlockedReason, Candidate, FinishReason, GenerateContentResponse, GenerateContentResponseUsageMetadata, HarmCategory, HarmProbability, Part, SafetyRating } from '@google/genai';
import { studioEmbed, vertexEmbed } from './gemini-embed.js';
import { tokenGrant } from './gemini-token.js';
import { checkGenerateContentRequest } from './gemini-validate.js';
import { sampleFor } from './sample.js';
import { sendJson, startEmulator, writeSse, type Emulator, type EmulatorExchange, type Fault } from './server.js';

/** Options of the Gemini emulator. */
export interface GeminiEmulatorOptions {
  /** The AI Studio API key it accepts (default `gemini-emulator-key`). */
  apiKey?: string;
  /** Bearer tokens Vertex paths accept besides the ones `/token` issued (default `ya29.emulator`). */
  accessTokens?: string[];
  /** Word that makes the answer SAFETY-blocked (default `forbidden`). */
  safetyTrigger?: string;
  /** Word that makes the prompt blocked (default `jailbreak`). */
  blockTrigger?: string;
  /** Lifetime of issued tokens in seconds (default 3600). */
  tokenTtlSeconds?: number;
  port?: number;
  /** Pause between streamed events, in ms. */
  chunkDelayMs?: number;
}

/** An answer that goes wrong, for the next generateContent call. */
export interface GeminiAnswerFault {
  /** A candidate that ends with this reason and no content (e.g. `MALFORMED_FUNCTION_CALL`, `OTHER`). */
  finishReason?: `${FinishReason}` | (string & {});
  finishMessage?: string;
  /** A response with usage but no candidate and no `promptFeedback`. */
  noCandidates?: boolean;
}

/** A running Gemini emulator; `origin` is the `apiBase` of both provider ids. */
export interface GeminiEmulator extends Emulator {
  /** Queues a failed answer for the next generateContent call (streamed or not). */
  answerFault(fault: GeminiAnswerFault): void;
  readonly apiKey: string;
  /** `${origin}/token`, the `token_uri` for service-account JSON files. */
  readonly tokenUri: string;
  /** Tokens `/token` issued, oldest first. */
  readonly issuedTokens: string[];
  /** Registers a service account whose assertions `/token` then verifies with this public key. */
  addServiceAccount(email: string, publicKey: string | KeyObject): void;
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * A Google API error body.
 *
 * @example
 * ```ts
 * emu.fault({ status: 429, body: geminiErrorBody(429, 'Resource has been exhausted (e.g. check quota).') });
 * ```
 */
export function geminiErrorBody(code: number, message: string, details?: Array<Record<string, unknown>>): { error: { code: number; message: string; status: string; details?: unknown[] } } {
  return { error: { code, message, status: STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'), ...(details ? { details } : {}) } };
}

function fail(res: http.ServerResponse, code: number, message: string, details?: Array<Record<string, unknown>>): true {
  sendJson(res, code, geminiErrorBody(code, message, details));
  return true;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The JSON of a `GenerateContentResponse` (the SDK class minus its helper getters). */
type WireResponse = Pick<GenerateContentResponse, 'candidates' | 'promptFeedback' | 'usageMetadata' | 'modelVersion' | 'responseId'>;
// the SDK's string enums, as their wire strings
const finish = (r: `${FinishReason}`) => r as FinishReason;
const rating = (category: `${HarmCategory}`, probability: `${HarmProbability}`): SafetyRating => ({ category: category as HarmCategory, probability: probability as HarmProbability, blocked: true });
const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;
const partText = (p: Json): string => (typeof p.text === 'string' ? p.text : p.functionCall ? `${p.functionCall.name} ${JSON.stringify(p.functionCall.args ?? {})}` : p.functionResponse ? JSON.stringify(p.functionResponse.response) : '');
let counter = 0;

interface Answer {
  parts: Part[];
  finishReason: `${FinishReason}`;
  thought?: string;
  blocked?: boolean;
}

/** Thought signatures the emulator handed out (Gemini 3 models check them on replay). */
const signatures = new Set<string>(['skip_thought_signature_validator']);
const signs = (model: string) => model.startsWith('gemini-3');

/**
 * Gemini 3 rule: in the current turn (after the last user text), the first functionCall
 * part of each model step must carry the thoughtSignature the model gave it.
 */
function checkSignatures(body: Json): string | undefined {
  const contents = body.contents as Json[];
  let start = 0;
  contents.forEach((c, i) => {
    if (c.role !== 'model' && (c.parts as Json[]).some((p) => typeof p.text === 'string')) start = i;
  });
  for (const [i, c] of contents.entries()) {
    if (i < start || c.role !== 'model') continue;
    const at = (c.parts as Json[]).findIndex((p) => p.functionCall);
    if (at < 0) continue;
    const sig = (c.parts as Json[])[at]!.thoughtSignature;
    if (sig === undefined) return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`${(c.parts as Json[])[at]!.functionCall.name}\`, position ${i + 1}.`;
    if (!signatures.has(sig)) return 'Corrupted thought signature.';
  }
  return undefined;
}

function answerFor(body: Json, model: string, opts: Required<Pick<GeminiEmulatorOptions, 'safetyTrigger' | 'blockTrigger'>>): Answer {
  const last = body.contents.at(-1) as Json;
  const lastParts = last.parts as Json[];
  const userText = lastParts.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ').trim();
  const responses = lastParts.filter((p) => p.functionResponse);
  if (opts.blockTrigger && userText.includes(opts.blockTrigger)) return { parts: [], finishReason: 'SAFETY', blocked: true };
  if (opts.safetyTrigger && userText.includes(opts.safetyTrigger)) return { parts: [], finishReason: 'SAFETY' };
  const g = (body.generationConfig ?? {}) as Json;
  const thinking = g.thinkingConfig?.thinkingBudget ? `Considering: ${userText || 'the function result'} (budget ${g.thinkingConfig.thinkingBudget})` : undefined;
  const decls = ((body.tools ?? []) as Json[]).flatMap((t) => (t.functionDeclarations ?? []) as Json[]);
  const fc = body.toolConfig?.functionCallingConfig ?? {};
  if (decls.length && fc.mode !== 'NONE' && responses.length === 0) {
    const name = (fc.allowedFunctionNames as string[] | undefined)?.[0] ?? decls[0]!.name;
    const part: Part = { functionCall: { name, args: { q: userText } } };
    if (signs(model) || thinking) {
      part.thoughtSignature = Buffer.from(`emu-signature:${name}:${++counter}`).toString('base64');
      signatures.add(part.thoughtSignature);
    }
    return { parts: [part], finishReason: 'STOP', thought: thinking };
  }
  let text = responses.length ? `tool result: ${responses.map((p) => JSON.stringify(p.functionResponse.response)).join(' ')}` : `echo: ${userText}`;
  // JSON mode answers a JSON object that follows the schema when there is one (not cut by stop sequences or the token limit here)
  if (g.responseMimeType === 'application/json') {
    const said = responses.length ? text : userText;
    const json = g.responseJsonSchema ?? g.responseSchema;
    return { parts: [{ text: JSON.stringify(json ? sampleFor(json, said) : { echo: said }) }], finishReason: 'STOP', thought: thinking };
  }
  let finishReason: Answer['finishReason'] = 'STOP';
  for (const s of (g.stopSequences ?? []) as string[]) {
    const at = text.indexOf(s);
    if (s && at >= 0) text = text.slice(0, at);
  }
  const words = text.split(' ');
  if (typeof g.maxOutputTokens === 'number' && words.length > g.maxOutputTokens) {
    text = words.slice(0, g.maxOutputTokens).join(' ');
    finishReason = 'MAX_TOKENS';
  }
  return { parts: [{ text }], finishReason, thought: thinking };
}

function promptTokens(body: Json): number {
  const parts = [...((body.systemInstruction?.parts ?? []) as Json[]), ...(body.contents as Json[]).flatMap((c) => c.parts as Json[])];
  return parts.reduce((n, p) => n + (p.inlineData || p.fileData ? 258 : tokens(partText(p))), 0);
}

function generate(body: Json, model: string, opts: Required<Pick<GeminiEmulatorOptions, 'safetyTrigger' | 'blockTrigger'>>): WireResponse {
  const a = answerFor(body, model, opts);
  const prompt = promptTokens(body);
  const g = (body.generationConfig ?? {}) as Json;
  const n = typeof g.candidateCount === 'number' ? g.candidateCount : 1;
  const out = a.parts.reduce((s, p) => s + tokens(partText(p as Json)), 0);
  const thoughts = a.thought ? tokens(a.thought) : 0;
  const includeThoughts = g.thinkingConfig?.includeThoughts === true;
  const usageMetadata: GenerateContentResponseUsageMetadata = { promptTokenCount: prompt, candidatesTokenCount: out * n, totalTokenCount: prompt + out * n + thoughts * n };
  if (thoughts) usageMetadata.thoughtsTokenCount = thoughts * n;
  const response: WireResponse = { usageMetadata, modelVersion: model, responseId: `emu${++counter}${Date.now().toString(36)}` };
  if (a.blocked) {
    response.promptFeedback = { blockReason: 'SAFETY' as BlockedReason, safetyRatings: [rating('HARM_CATEGORY_DANGEROUS_CONTENT', 'HIGH')] };
    response.usageMetadata = { promptTokenCount: prompt, totalTokenCount: prompt };
    return response;
  }
  response.candidates = Array.from({ length: n }, (_, index): Candidate => {
    if (a.finishReason === 'SAFETY') return { finishReason: finish('SAFETY'), index, safetyRatings: [rating('HARM_CATEGORY_HARASSMENT', 'HIGH')] };
    const parts: Part[] = [...(a.thought && includeThoughts ? [{ text: a.thought, thought: true }] : []), ...a.parts];
    return { content: { role: 'model', parts }, finishReason: finish(a.finishReason), index };
  });
  return response;
}

/** The response split into SSE events: thought, text word by word, calls, then the finish. */
function streamEvents(response: WireResponse): WireResponse[] {
  if (!response.candidates || response.candidates.every((c) => !c.content)) return [response];
  const base = { modelVersion: response.modelVersion, responseId: response.responseId };
  const prompt = response.usageMetadata?.promptTokenCount;
  const partial: GenerateContentResponseUsageMetadata = { promptTokenCount: prompt, totalTokenCount: prompt };
  const events: WireResponse[] = [];
  const cands = response.candidates;
  const pieces = cands.map((c) => (c.content?.parts ?? []).flatMap((p): Part[] => (typeof p.text === 'string' && !p.thought ? p.text.split(/(?<= )/).map((t) => ({ text: t })) : [p])));
  const longest = Math.max(...pieces.map((p) => p.length));
  for (let i = 0; i < longest; i++) {
    const candidates = cands.flatMap((c, k): Candidate[] => (pieces[k]![i] ? [{ content: { role: 'model', parts: [pieces[k]![i]!] }, index: c.index }] : []));
    events.push({ candidates, usageMetadata: partial, ...base });
  }
  const last = cands.map((c): Candidate => ({ content: { role: 'model', parts: [{ text: '' }] }, finishReason: c.finishReason, index: c.index, ...(c.safetyRatings ? { safetyRatings: c.safetyRatings } : {}) }));
  events.push({ candidates: last, usageMetadata: response.usageMetadata, ...base });
  return events;
}

const PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;
const VERTEX_PATH = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent|predict|embedContent)$/;

/** The response of a failed answer: a candidate with only a finish reason, or no candidate at all. */
function faultResponse(f: GeminiAnswerFault, body: Json, model: string): WireResponse {
  const prompt = promptTokens(body);
  const response: WireResponse = { usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt }, modelVersion: model, responseId: `emu${++counter}${Date.now().toString(36)}` };
  if (!f.noCandidates) response.candidates = [{ finishReason: (f.finishReason ?? 'OTHER') as FinishReason, ...(f.finishMessage ? { finishMessage: f.finishMessage } : {}), index: 0 }];
  return response;
}

async function serve(x: EmulatorExchange, model: string, method: string, query: URLSearchParams, opts: GeminiEmulatorOptions, answerFaults: GeminiAnswerFault[]): Promise<true> {
  const problem = checkGenerateContentRequest(x.req.body, model) ?? (signs(model) ? checkSignatures(x.req.body as Json) : undefined);
  if (problem) return fail(x.res, 400, problem);
  if (model.startsWith('missing-')) return fail(x.res, 404, `models/${model} is not found for API version v1beta, or is not supported for generateContent.`);
  const af = answerFaults.shift();
  const response = af
    ? faultResponse(af, x.req.body as Json, model)
    : generate(x.req.body as Json, model, { safetyTrigger: opts.safetyTrigger ?? 'forbidden', blockTrigger: opts.blockTrigger ?? 'jailbreak' });
  if (method === 'generateContent') {
    sendJson(x.res, 200, response);
    return true;
  }
  const events = streamEvents(response);
  if (query.get('alt') !== 'sse') {
    sendJson(x.res, 200, events);
    return true;
  }
  await writeSse(x.res, events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`), x.fault, opts.chunkDelayMs ?? 0);
  return true;
}

/**
 * Starts the Gemini emulator.
 *
 * @example
 * ```ts
 * const emu = await startGeminiEmulator();
 * // models: [{ name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash', apiBase: emu.origin, apiKey: emu.apiKey }]
 * emu.fault({ status: 429, headers: { 'retry-after': '7' } }); // RESOURCE_EXHAUSTED
 * emu.fault({ dropAfterEvents: 2 });                            // connection dropped mid-stream
 * ```
 */
export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const apiKey = options.apiKey ?? 'gemini-emulator-key';
  const accepted = new Set(options.accessTokens ?? ['ya29.emulator']);
  const issuedTokens: string[] = [];
  const answerFaults: GeminiAnswerFault[] = [];
  const keys = new Map<string, KeyObject>();
  const issue = () => {
    const t = `ya29.emu-${++counter}-${Date.now().toString(36)}`;
    issuedTokens.push(t);
    accepted.add(t);
    return t;
  };
  const emu = await startEmulator(
    async (x) => {
      const url = new URL(x.req.path, 'http://x');
      if (x.req.method === 'POST' && url.pathname === '/token') return tokenGrant(x, keys, issue, options.tokenTtlSeconds ?? 3600);
      const studio = PATH.exec(url.pathname);
      const vertex = VERTEX_PATH.exec(url.pathname);
      if (x.req.method !== 'POST' || (!studio && !vertex)) return fail(x.res, 404, `The requested URL ${url.pathname} was not found on this server.`);
      if (studio) {
        const key = x.req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
        if (!key) return fail(x.res, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        if (key !== apiKey) return fail(x.res, 400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
        if (studio[3] === 'embedContent' || studio[3] === 'batchEmbedContents') return studioEmbed(x, decodeURIComponent(studio[2]!), studio[3]);
        return serve(x, decodeURIComponent(studio[2]!), studio[3]!, url.searchParams, options, answerFaults);
      }
      const auth = String(x.req.headers.authorization ?? '');
      if (!auth.startsWith('Bearer ')) return fail(x.res, 401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      if (!accepted.has(auth.slice(7))) return fail(x.res, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      if (vertex![2]!.startsWith('forbidden-')) return fail(x.res, 403, `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${vertex![2]}' (or it may not exist).`);
      if (vertex![5] === 'predict' || vertex![5] === 'embedContent') return vertexEmbed(x, decodeURIComponent(vertex![4]!), vertex![5]);
      return serve(x, decodeURIComponent(vertex![4]!), vertex![5]!, url.searchParams, options, answerFaults);
    },
    { port: options.port },
  );
  const { fault, reset } = emu;
  return Object.assign(emu, {
    apiKey,
    tokenUri: `${emu.origin}/token`,
    issuedTokens,
    answerFault: (f: GeminiAnswerFault) => void answerFaults.push(f),
    addServiceAccount(email: string, publicKey: string | KeyObject) {
      keys.set(email, typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey);
    },
    fault(f: Fault) {
      if (f.status && f.body === undefined) fault({ ...f, body: geminiErrorBody(f.status, `emulated ${STATUS[f.status] ?? f.status}`) });
      else fault(f);
    },
    reset() {
      issuedTokens.length = 0;
      answerFaults.length = 0;
      reset();
    },
  });
}
