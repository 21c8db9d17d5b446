/**
 * Request checks of the Gemini emulator, as strict as the real `generateContent`: unknown
 * fields rejected, `contents` required, roles `user`/`model`, one data field per part,
 * function calls and responses paired, empty text parts refused, function-declaration
 * `parameters` limited to the OpenAPI subset Gemini accepts (string formats, enums, arrays,
 * required names), `parametersJsonSchema` held to Google's documented rules, thinking-only
 * models refusing a zero budget. Each check returns the real API's message (or its style,
 * where Google documents a rule but not its wording) or undefined when the body is fine.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_KEYS = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent', 'labels']);
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const PART_KEYS = new Set([...PART_DATA, 'thought', 'thoughtSignature', 'videoMetadata']);
const GEN_KEYS = new Set([
  'temperature', 'topP', 'topK', 'candidateCount', 'maxOutputTokens', 'stopSequences', 'presencePenalty', 'frequencyPenalty', 'seed',
  'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseLogprobs', 'logprobs', 'thinkingConfig', 'responseModalities', 'mediaResolution',
]);
const SCHEMA_KEYS = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties',
  'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum',
]);
const TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const unknownName = (key: string, at: string) => `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;

const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['int32', 'int64', 'float', 'double']);

/** The OpenAPI-subset `Schema` of `parameters`, with the semantic checks Gemini answers 400 for. */
function checkSchema(s: unknown, at: string): string | undefined {
  if (!isObject(s)) return `Invalid value at '${at}': a schema must be an object.`;
  for (const key of Object.keys(s)) if (!SCHEMA_KEYS.has(key)) return unknownName(key, at);
  if (s.type !== undefined && (typeof s.type !== 'string' || !TYPES.has(s.type.toUpperCase()))) return `Invalid value at '${at}.type': ${JSON.stringify(s.type)}`;
  const type = typeof s.type === 'string' ? s.type.toUpperCase() : undefined;
  const req = `* GenerateContentRequest.${at}`;
  if (type === 'OBJECT' && (!isObject(s.properties) || Object.keys(s.properties).length === 0)) return `${req}.properties: should be non-empty for OBJECT type`;
  if (type === 'ARRAY' && s.items === undefined) return `${req}.items: missing field.`;
  if (s.enum !== undefined) {
    if (type !== 'STRING') return `${req}.enum: only allowed for STRING type`;
    if (!Array.isArray(s.enum) || s.enum.some((v) => typeof v !== 'string')) return `Invalid value at '${at}.enum' (TYPE_STRING)`;
  }
  if (s.format !== undefined) {
    if (type === 'STRING' && !STRING_FORMATS.has(String(s.format))) return `${req}.format: only 'enum' and 'date-time' are supported for STRING type`;
    if ((type === 'INTEGER' || type === 'NUMBER') && !NUMBER_FORMATS.has(String(s.format))) return `${req}.format: only "int32" and "int64" are supported for integer or number type`;
  }
  if (Array.isArray(s.required)) {
    const props = isObject(s.properties) ? s.properties : {};
    for (const [i, name] of s.required.entries()) if (!(String(name) in props)) return `${req}.required[${i}]: property is not defined`;
  }
  if (isObject(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) {
      const p = checkSchema(sub, `${at}.properties[${name}].value`);
      if (p) return p;
    }
  }
  if (s.items !== undefined) return checkSchema(s.items, `${at}.items`);
  if (Array.isArray(s.anyOf)) {
    for (const [i, sub] of s.anyOf.entries()) {
      const p = checkSchema(sub, `${at}.any_of[${i}]`);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * `parametersJsonSchema` takes JSON Schema as it is (unsupported keywords are ignored), with
 * the rules Google documents: the schema describes an object, and a sub-schema with a
 * `$ref` has no other keys but `$…` ones.
 */
function checkJsonSchema(s: unknown, at: string): string | undefined {
  if (!isObject(s)) return `Invalid value at '${at}': the schema must be a JSON object.`;
  if (s.type !== 'object' && s.$ref === undefined) return `* GenerateContentRequest.${at}: the schema must describe an object whose properties are the parameters of the function.`;
  const walk = (v: unknown, path: string): string | undefined => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) {
        const p = walk(x, `${path}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    if (!isObject(v)) return undefined;
    if (typeof v.$ref === 'string') {
      const extra = Object.keys(v).find((k) => !k.startsWith('$'));
      if (extra) return `* GenerateContentRequest.${path}: when $ref is set, no other properties except those starting with '$' may be set (found '${extra}').`;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples' || k === 'required') continue;
      const p = walk(x, `${path}.${k}`);
      if (p) return p;
    }
    return undefined;
  };
  return walk(s, at);
}

function checkParts(parts: unknown, at: string): string | undefined {
  if (!Array.isArray(parts) || parts.length === 0) return `* GenerateContentRequest.${at}.parts: contents.parts must not be empty.`;
  for (const [i, p] of parts.entries()) {
    if (!isObject(p)) return `Invalid value at '${at}.parts[${i}]'`;
    for (const key of Object.keys(p)) if (!PART_KEYS.has(key)) return unknownName(key, `${at}.parts[${i}]`);
    // an empty text is the proto default: the oneof counts it as unset
    const data = PART_DATA.filter((k) => p[k] !== undefined && !(k === 'text' && p[k] === ''));
    if (data.length !== 1) return `* GenerateContentRequest.${at}.parts[${i}].data: required oneof field 'data' must have one initialized field`;
    if (p.inlineData !== undefined && (!isObject(p.inlineData) || typeof p.inlineData.mimeType !== 'string' || typeof p.inlineData.data !== 'string')) {
      return `* GenerateContentRequest.${at}.parts[${i}].inline_data: mimeType and data are required`;
    }
    if (p.fileData !== undefined && (!isObject(p.fileData) || typeof p.fileData.fileUri !== 'string')) return `* GenerateContentRequest.${at}.parts[${i}].file_data.file_uri: required`;
    if (p.functionCall !== undefined && (!isObject(p.functionCall) || typeof p.functionCall.name !== 'string')) return `* GenerateContentRequest.${at}.parts[${i}].function_call.name: required`;
    if (p.functionResponse !== undefined && (!isObject(p.functionResponse) || typeof p.functionResponse.name !== 'string' || !isObject(p.functionResponse.response))) {
      return `* GenerateContentRequest.${at}.parts[${i}].function_response: name and an object response are required`;
    }
  }
  return undefined;
}

const count = (parts: Json[], key: string) => parts.filter((p) => p[key] !== undefined).length;

function checkContents(contents: unknown): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  for (const [i, c] of contents.entries()) {
    const at = `contents[${i}]`;
    if (!isObject(c)) return `Invalid value at '${at}'`;
    for (const key of Object.keys(c)) if (key !== 'role' && key !== 'parts') return unknownName(key, at);
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') return `Please use a valid role: user, model.`;
    const p = checkParts(c.parts, at);
    if (p) return p;
    const parts = c.parts as Json[];
    const prev = i > 0 ? (contents[i - 1] as Json) : undefined;
    const prevParts = (prev?.parts ?? []) as Json[];
    const responses = count(parts, 'functionResponse');
    if (responses > 0) {
      if (prev?.role !== 'model' || count(prevParts, 'functionCall') === 0) {
        return 'Please ensure that function response turn comes immediately after a function call turn.';
      }
      if (responses !== count(prevParts, 'functionCall')) {
        return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
    if (count(parts, 'functionCall') > 0 && (i === 0 || prev?.role === 'model')) {
      return 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    }
  }
  return undefined;
}

function checkTools(tools: unknown, toolConfig: unknown): string | undefined {
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return `Invalid value at 'tools'`;
    for (const [i, t] of tools.entries()) {
      if (!isObject(t)) return `Invalid value at 'tools[${i}]'`;
      for (const key of Object.keys(t)) if (!['functionDeclarations', 'googleSearch', 'codeExecution', 'urlContext'].includes(key)) return unknownName(key, `tools[${i}]`);
      for (const [j, f] of ((t.functionDeclarations ?? []) as unknown[]).entries()) {
        const at = `tools[${i}].function_declarations[${j}]`;
        if (!isObject(f)) return `Invalid value at '${at}'`;
        for (const key of Object.keys(f)) if (!['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'behavior'].includes(key)) return unknownName(key, at);
        if (typeof f.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(f.name)) return `* GenerateContentRequest.${at}.name: Invalid function name.`;
        names.add(f.name);
        if (f.parameters !== undefined && f.parametersJsonSchema !== undefined) return `* GenerateContentRequest.${at}: parameters and parameters_json_schema are mutually exclusive.`;
        if (f.parameters !== undefined) {
          const p = checkSchema(f.parameters, `${at}.parameters`);
          if (p) return p;
        }
        if (f.parametersJsonSchema !== undefined) {
          const p = checkJsonSchema(f.parametersJsonSchema, `${at}.parameters_json_schema`);
          if (p) return p;
        }
      }
    }
  }
  if (toolConfig !== undefined) {
    const fc = isObject(toolConfig) ? toolConfig.functionCallingConfig : undefined;
    if (!isObject(fc)) return `Invalid value at 'tool_config'`;
    if (fc.mode !== undefined && !['AUTO', 'ANY', 'NONE', 'VALIDATED'].includes(String(fc.mode))) return `Invalid value at 'tool_config.function_calling_config.mode' (${String(fc.mode)})`;
    if (fc.allowedFunctionNames !== undefined) {
      if (fc.mode !== 'ANY') return '* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.';
      for (const n of fc.allowedFunctionNames as unknown[]) if (!names.has(String(n))) return `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: ${String(n)} is not declared.`;
    }
  }
  return undefined;
}

function checkGenerationConfig(g: unknown): string | undefined {
  if (g === undefined) return undefined;
  if (!isObject(g)) return `Invalid value at 'generation_config'`;
  for (const key of Object.keys(g)) if (!GEN_KEYS.has(key)) return unknownName(key, 'generation_config');
  const range = (key: string, min: number, max: number) => g[key] !== undefined && (typeof g[key] !== 'number' || (g[key] as number) < min || (g[key] as number) > max);
  if (range('temperature', 0, 2)) return '* GenerateContentRequest.generation_config.temperature: must be between 0 and 2';
  if (range('topP', 0, 1)) return '* GenerateContentRequest.generation_config.top_p: must be between 0 and 1';
  if (range('candidateCount', 1, 8)) return '* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8';
  if (range('maxOutputTokens', 1, 65_536)) return '* GenerateContentRequest.generation_config.max_output_tokens: must be positive';
  if (g.stopSequences !== undefined && (!Array.isArray(g.stopSequences) || g.stopSequences.length > 5)) return '* GenerateContentRequest.generation_config.stop_sequences: at most 5';
  if (g.responseMimeType !== undefined && !['text/plain', 'application/json', 'text/x.enum'].includes(String(g.responseMimeType))) {
    return `* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are text/plain, application/json, text/x.enum.`;
  }
  if ((g.responseJsonSchema !== undefined || g.responseSchema !== undefined) && g.responseMimeType !== 'application/json') {
    return '* GenerateContentRequest.generation_config.response_mime_type: a response schema needs response_mime_type application/json.';
  }
  if (g.responseJsonSchema !== undefined && g.responseSchema !== undefined) return '* GenerateContentRequest.generation_config: responseSchema and responseJsonSchema are mutually exclusive.';
  if (g.thinkingConfig !== undefined) {
    if (!isObject(g.thinkingConfig)) return `Invalid value at 'generation_config.thinking_config'`;
    for (const key of Object.keys(g.thinkingConfig)) if (!['thinkingBudget', 'includeThoughts', 'thinkingLevel'].includes(key)) return unknownName(key, 'generation_config.thinking_config');
  }
  return undefined;
}

/**
 * Checks a `generateContent` body; returns the error message or undefined.
 *
 * @example
 * ```ts
 * checkGenerateContentRequest({ contents: [] }); // '* GenerateContentRequest.contents: contents is not specified'
 * ```
 */
export function checkGenerateContentRequest(body: unknown, model?: string): string | undefined {
  if (!isObject(body)) return 'Invalid JSON payload received.';
  for (const key of Object.keys(body)) if (!TOP_KEYS.has(key)) return unknownName(key, '');
  if (body.systemInstruction !== undefined) {
    if (!isObject(body.systemInstruction)) return `Invalid value at 'system_instruction'`;
    const p = checkParts(body.systemInstruction.parts, 'system_instruction');
    if (p) return p;
  }
  return checkContents(body.contents) ?? checkTools(body.tools, body.toolConfig) ?? checkGenerationConfig(body.generationConfig) ?? checkModelRules(body, model);
}

/** Models that only work in thinking mode. */
const THINKING_ONLY = /^gemini-(2\.5-pro|3)/;

function checkModelRules(body: Json, model: string | undefined): string | undefined {
  const budget = ((body.generationConfig as Json | undefined)?.thinkingConfig as Json | undefined)?.thinkingBudget;
  if (model && THINKING_ONLY.test(model) && budget === 0) return 'Budget 0 is invalid. This model only works in thinking mode.';
  return undefined;
}
