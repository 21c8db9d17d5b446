/**
 * OpenAI chat request → Gemini `generateContent` body: messages to `contents` and
 * `systemInstruction`, tools to `functionDeclarations`, sampling to `generationConfig`.
 */
import { GatewayError, type ChatContentPart, type ChatMessage, type ChatRequest } from '@switchyard/core';
import { checkParams } from './params.js';
import { FOREIGN_CALL_SIGNATURE, isGeminiCallId, signatureOf } from './response.js';
import { toGeminiJsonSchema, toGeminiSchema } from './schema.js';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequest, GeminiSafetySetting } from './wire.js';

/** Thinking budgets (tokens) per `reasoning_effort`. */
export type ThinkingBudgets = Partial<Record<'none' | 'minimal' | 'low' | 'medium' | 'high', number>>;

/** Default thinking budgets: `none` turns thinking off. */
export const DEFAULT_THINKING_BUDGETS: Required<ThinkingBudgets> = { none: 0, minimal: 128, low: 1024, medium: 2048, high: 4096 };

/** Options of {@link toGeminiRequest}. */
export interface RequestMappingOptions {
  thinkingBudgets?: ThinkingBudgets;
  safetySettings?: GeminiSafetySetting[];
  /** Tool parameters as JSON Schema (`parametersJsonSchema`, default) or as the OpenAPI subset (`parameters`). */
  toolSchemas?: 'jsonSchema' | 'openapi';
}

/** Models that cannot turn thinking off (`thinkingBudget: 0` is refused). */
const THINKING_ONLY = /(^|\/)gemini-(2\.5-pro|3)/;
/** The smallest budget Gemini 2.5 Pro takes: what `reasoning_effort: 'none'` gets on a thinking-only model. */
export const MIN_THINKING_BUDGET = 128;
/** Gemini 3 models check the thought signature of replayed function calls. */
const SIGNS_CALLS = /(^|\/)gemini-3/;

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

/**
 * The mime type of a file URL, guessed from its extension (`image/jpeg` when unknown).
 *
 * @example
 * ```ts
 * mimeTypeOf('https://x.test/cat.png?v=1'); // 'image/png'
 * ```
 */
export function mimeTypeOf(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    /* not absolute: use as is */
  }
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXT[ext]) || 'image/jpeg';
}

const bad = (message: string, param: string) => new GatewayError('GW_ERR_INVALID_REQUEST', message, { param });

function urlPart(url: string, param: string): GeminiPart {
  const data = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1]!, data: data[2]! } };
  if (url.startsWith('data:')) throw bad('Only base64 data URLs are supported.', param);
  return { fileData: { mimeType: mimeTypeOf(url), fileUri: url } };
}

function contentParts(content: ChatMessage['content'], param: string): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part: ChatContentPart, i): GeminiPart[] => {
    const p = part as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    switch (part.type) {
      case 'text': {
        // Gemini refuses an empty text part (its `data` oneof is then unset)
        const text = String(p.text ?? '');
        return text ? [{ text }] : [];
      }
      case 'image_url':
        return [urlPart(String(p.image_url?.url ?? ''), `${param}[${i}].image_url.url`)];
      case 'input_audio':
        return [{ inlineData: { mimeType: `audio/${String(p.input_audio?.format ?? 'wav')}`, data: String(p.input_audio?.data ?? '') } }];
      case 'file':
        if (typeof p.file?.file_data === 'string') return [urlPart(p.file.file_data, `${param}[${i}].file.file_data`)];
        if (typeof p.file?.file_id === 'string') return [{ fileData: { mimeType: mimeTypeOf(p.file.file_id), fileUri: p.file.file_id } }];
        throw bad('A file part needs file_data or file_id.', `${param}[${i}].file`);
      default:
        throw bad(`Content part type '${part.type}' is not supported by Gemini.`, `${param}[${i}].type`);
    }
  });
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => (p.type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');
}

function parseArgs(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    throw bad('Tool call arguments must be a JSON object.', param);
  }
}

function toolResponse(content: ChatMessage['content']): Record<string, unknown> {
  const text = textOf(content);
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* plain text result */
  }
  return { content: text };
}

/**
 * Maps chat messages to Gemini `contents` (consecutive turns of one role merged) and the
 * system/developer messages to a `systemInstruction`.
 *
 * @example
 * ```ts
 * toContents([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }]);
 * // { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], systemInstruction: { parts: [{ text: 'Be brief.' }] } }
 * ```
 */
export function toContents(messages: ChatMessage[], opts: { model?: string } = {}): Pick<GeminiRequest, 'contents' | 'systemInstruction'> {
  const signsCalls = opts.model !== undefined && SIGNS_CALLS.test(opts.model);
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content);
        if (text) system.push({ text });
        break;
      }
      case 'user':
        push('user', contentParts(m.content, `${param}.content`));
        break;
      case 'assistant': {
        const parts = contentParts(m.content, `${param}.content`);
        (m.tool_calls ?? []).forEach((tc, j) => {
          toolNames.set(tc.id, tc.function.name);
          let signature = signatureOf(tc);
          // a call Gemini did not make (the conversation moved from another provider) gets the
          // signature Google documents for that; a Gemini call that lost its own is left to
          // the upstream, which names the problem
          if (!signature && signsCalls && j === 0 && !isGeminiCallId(tc.id)) signature = FOREIGN_CALL_SIGNATURE;
          const functionCall = { name: tc.function.name, args: parseArgs(tc.function.arguments, `${param}.tool_calls[${j}].function.arguments`) };
          parts.push(signature ? { functionCall, thoughtSignature: signature } : { functionCall });
        });
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = toolNames.get(m.tool_call_id ?? '');
        if (!name) throw bad(`No earlier assistant tool call has the id '${m.tool_call_id ?? ''}'.`, `${param}.tool_call_id`);
        push('user', [{ functionResponse: { name, response: toolResponse(m.content) } }]);
        break;
      }
      default:
        throw bad(`Unsupported role '${String(m.role)}'.`, `${param}.role`);
    }
  });
  if (contents.length === 0) throw bad('At least one user or assistant message with content is required.', 'messages');
  // a history that opens with the model (a greeting, or a tool call) gets a user turn first:
  // Gemini wants a function call turn to follow a user turn
  if (contents[0]!.role === 'model') contents.unshift({ role: 'user', parts: [{ text: '.' }] });
  return system.length ? { contents, systemInstruction: { parts: system } } : { contents };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Maps sampling, output and reasoning fields to a `generationConfig` (undefined when empty).
 *
 * @example
 * ```ts
 * toGenerationConfig({ model: 'm', messages: [], max_tokens: 5, stop: 'END' });
 * // { maxOutputTokens: 5, stopSequences: ['END'] }
 * ```
 */
export function toGenerationConfig(request: ChatRequest, budgets: ThinkingBudgets = {}): GeminiGenerationConfig | undefined {
  const model = typeof request.model === 'string' ? request.model : '';
  const g: GeminiGenerationConfig = {};
  const set = <K extends keyof GeminiGenerationConfig>(key: K, value: GeminiGenerationConfig[K] | undefined) => {
    if (value !== undefined) g[key] = value;
  };
  set('temperature', num(request.temperature));
  set('topP', num(request.top_p));
  set('topK', num(request.top_k));
  set('maxOutputTokens', num(request.max_completion_tokens) ?? num(request.max_tokens));
  if (typeof request.stop === 'string') g.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length) g.stopSequences = request.stop;
  set('candidateCount', num(request.n));
  set('seed', num(request.seed));
  set('presencePenalty', num(request.presence_penalty));
  set('frequencyPenalty', num(request.frequency_penalty));
  const rf = request.response_format;
  if (rf?.type === 'json_object') g.responseMimeType = 'application/json';
  if (rf?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    const schema = (rf.json_schema as { schema?: unknown } | undefined)?.schema;
    if (schema !== undefined) g.responseJsonSchema = toGeminiJsonSchema(schema as Record<string, unknown>) ?? schema;
  } else if (rf && rf.type !== 'text' && rf.type !== 'json_object') {
    throw bad(`Invalid value for 'response_format.type': '${String(rf.type)}'.`, 'response_format.type');
  }
  const effort = request.reasoning_effort as string | null | undefined;
  if (effort) {
    const table = { ...DEFAULT_THINKING_BUDGETS, ...budgets } as Record<string, number>;
    const budget = table[effort];
    if (budget === undefined) throw bad(`Unsupported reasoning_effort '${effort}'.`, 'reasoning_effort');
    // a model that only works in thinking mode thinks as little as it can, and shows none of it
    if (budget === 0 && THINKING_ONLY.test(model)) g.thinkingConfig = { thinkingBudget: MIN_THINKING_BUDGET, includeThoughts: false };
    else g.thinkingConfig = { thinkingBudget: budget, includeThoughts: budget !== 0 };
  }
  return Object.keys(g).length ? g : undefined;
}

/**
 * Maps a whole OpenAI chat request to a Gemini `generateContent` body.
 *
 * @example
 * ```ts
 * const body = toGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
 * ```
 */
export function toGeminiRequest(request: ChatRequest, options: RequestMappingOptions = {}): GeminiRequest {
  checkParams(request);
  const body: GeminiRequest = { ...toContents(request.messages, { model: request.model }) };
  const tools = request.tools ?? [];
  const openapi = options.toolSchemas === 'openapi';
  if (tools.length) {
    body.tools = [
      {
        functionDeclarations: tools.map((t, i) => {
          const parameters = openapi ? toGeminiSchema(t.function.parameters, `tools[${i}].function.parameters`) : toGeminiJsonSchema(t.function.parameters);
          return {
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            ...(parameters ? (openapi ? { parameters } : { parametersJsonSchema: parameters }) : {}),
          };
        }),
      },
    ];
  }
  const choice = request.tool_choice;
  if (choice !== undefined && tools.length) {
    if (choice === 'none') body.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    else if (choice === 'auto') body.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    else if (choice === 'required') body.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    else if (typeof choice === 'object' && choice.function?.name) {
      if (!tools.some((t) => t.function.name === choice.function.name)) throw bad(`tool_choice names '${choice.function.name}', which is not in tools.`, 'tool_choice');
      body.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
    }
  }
  const generationConfig = toGenerationConfig(request, options.thinkingBudgets);
  if (generationConfig) body.generationConfig = generationConfig;
  if (options.safetySettings?.length) body.safetySettings = options.safetySettings;
  return body;
}
