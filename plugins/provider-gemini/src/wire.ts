/**
 * The Gemini `generateContent` wire shapes (Google AI Studio and Vertex AI share them),
 * after `googleapis/js-genai` `src/types.ts`. Only the fields the gateway reads or writes.
 */

/** One part of a Gemini content turn. */
export interface GeminiPart {
  text?: string;
  /** True on thought-summary parts when `includeThoughts` was requested. */
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
  [key: string]: unknown;
}

/** A content turn. */
export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

/** A function declaration offered to the model. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** The OpenAPI-subset schema (mutually exclusive with `parametersJsonSchema`). */
  parameters?: Record<string, unknown>;
  /** The parameters as JSON Schema. */
  parametersJsonSchema?: Record<string, unknown>;
}

/** `thinkingConfig` of `generationConfig`. */
export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
}

/** `generationConfig`. */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: string;
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
}

/** A safety setting (`category` + `threshold`). */
export interface GeminiSafetySetting {
  category: string;
  threshold: string;
  [key: string]: unknown;
}

/** The body of `generateContent` / `streamGenerateContent`. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: GeminiSafetySetting[];
}

/** `usageMetadata` of a response. */
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/** One candidate answer. */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  /** Gemini's explanation of the finish reason (e.g. of a MALFORMED_FUNCTION_CALL). */
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
}

/** A `GenerateContentResponse` (also each streamed SSE `data:`). */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
}

/** The Google API error envelope. */
export interface GeminiErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> };
}
