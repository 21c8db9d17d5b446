/**
 * Validation of Converse request bodies as strict as Bedrock's: the messages the real
 * service answers with a 400 `ValidationException` for, after the Converse API reference.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const BLOCK_KEYS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const TOP_KEYS = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'promptVariables',
  'additionalModelResponseFieldPaths',
  'requestMetadata',
  'performanceConfig',
]);

function blockError(path: string, block: unknown): string | undefined {
  if (!isObj(block)) return `Value at '${path}' failed to satisfy constraint: Member must be an object`;
  const keys = Object.keys(block);
  if (keys.length !== 1 || !BLOCK_KEYS.has(keys[0]!)) return `The content block at ${path} must set exactly one of ${[...BLOCK_KEYS].join(', ')}.`;
  if ('text' in block && (typeof block.text !== 'string' || !block.text.trim())) return `The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`;
  if ('image' in block) {
    const img = block.image as Obj;
    if (!isObj(img) || !IMAGE_FORMATS.has(img.format as string)) return `Value at '${path}.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]`;
    const bytes = (img.source as Obj | undefined)?.bytes;
    if (typeof bytes !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(bytes)) return `Invalid base64 image bytes at ${path}.image.source.bytes.`;
  }
  if ('toolUse' in block) {
    const t = block.toolUse as Obj;
    if (!isObj(t) || typeof t.toolUseId !== 'string' || typeof t.name !== 'string' || !('input' in t)) return `The toolUse block at ${path} needs toolUseId, name and input.`;
  }
  if ('toolResult' in block) {
    const t = block.toolResult as Obj;
    if (!isObj(t) || typeof t.toolUseId !== 'string' || !Array.isArray(t.content)) return `The toolResult block at ${path} needs toolUseId and content.`;
    for (const [i, c] of (t.content as unknown[]).entries()) {
      if (!isObj(c) || Object.keys(c).length !== 1 || !['text', 'json', 'image', 'document'].includes(Object.keys(c)[0]!)) return `The toolResult content at ${path}.toolResult.content.${i} is invalid.`;
    }
  }
  return undefined;
}

function toolConfigError(body: Obj): string | undefined {
  const tc = body.toolConfig;
  if (tc === undefined) return undefined;
  if (!isObj(tc) || !Array.isArray(tc.tools) || tc.tools.length === 0) return "Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
  const names = new Set<string>();
  for (const [i, t] of (tc.tools as unknown[]).entries()) {
    const spec = isObj(t) ? (t.toolSpec as Obj | undefined) : undefined;
    if (!isObj(spec) || typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) return `Value at 'toolConfig.tools.${i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`;
    if (!isObj(spec.inputSchema) || !isObj(spec.inputSchema.json)) return `The toolSpec at toolConfig.tools.${i} needs inputSchema.json.`;
    names.add(spec.name);
  }
  const choice = tc.toolChoice;
  if (choice !== undefined) {
    if (!isObj(choice) || Object.keys(choice).length !== 1 || !['auto', 'any', 'tool'].includes(Object.keys(choice)[0]!)) return 'toolChoice must set exactly one of auto, any, tool.';
    if ('tool' in choice && !names.has((choice.tool as Obj | undefined)?.name as string)) return 'The tool named in toolChoice is not in toolConfig.tools.';
  }
  return undefined;
}

function inferenceError(body: Obj): string | undefined {
  const ic = body.inferenceConfig;
  if (ic === undefined) return undefined;
  if (!isObj(ic)) return 'inferenceConfig must be an object.';
  if (ic.maxTokens !== undefined && (!Number.isInteger(ic.maxTokens) || (ic.maxTokens as number) < 1)) return "Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1";
  if (ic.temperature !== undefined && (typeof ic.temperature !== 'number' || ic.temperature < 0 || ic.temperature > 1)) return "Value at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1";
  if (ic.topP !== undefined && (typeof ic.topP !== 'number' || ic.topP < 0 || ic.topP > 1)) return "Value at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or equal to 1";
  if (ic.stopSequences !== undefined && (!Array.isArray(ic.stopSequences) || ic.stopSequences.some((s) => typeof s !== 'string' || !s))) return "Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must contain non-empty strings";
  return undefined;
}

/**
 * Checks a Converse body; returns the ValidationException message, or undefined when valid.
 *
 * @example
 * ```ts
 * checkConverseRequest({ messages: [] }); // 'A conversation must start with a user message. …'
 * ```
 */
export function checkConverseRequest(body: unknown): string | undefined {
  if (!isObj(body)) return 'Malformed input request, please reformat your input and try again.';
  for (const k of Object.keys(body)) if (!TOP_KEYS.has(k)) return `Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`;
  if (body.messages === undefined || body.messages === null) return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
  if (!Array.isArray(body.messages)) return "Value at 'messages' failed to satisfy constraint: Member must be a list";
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) return "Value at 'system' failed to satisfy constraint: Member must be a list";
    for (const [i, s] of body.system.entries()) {
      if (!isObj(s) || Object.keys(s).length !== 1 || (!('text' in s) && !('cachePoint' in s) && !('guardContent' in s))) return `The system block at system.${i} must set exactly one of text, guardContent, cachePoint.`;
      if ('text' in s && (typeof s.text !== 'string' || !s.text.trim())) return `The text field in the SystemContentBlock object at system.${i} is blank. Add text to the text field, and try again.`;
    }
  }
  const messages = body.messages as unknown[];
  if (messages.length === 0 || !isObj(messages[0]) || messages[0].role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  let usesTools = false;
  let previousToolUses = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) return `Value at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    if (i > 0 && (messages[i - 1] as Obj).role === m.role) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    if (!Array.isArray(m.content) || m.content.length === 0) return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    const toolUses = new Set<string>();
    const toolResults: string[] = [];
    for (const [j, b] of (m.content as unknown[]).entries()) {
      const e = blockError(`messages.${i}.content.${j}`, b);
      if (e) return e;
      const block = b as Obj;
      if ('toolUse' in block) {
        if (m.role !== 'assistant') return `toolUse blocks at messages.${i}.content are only allowed in assistant messages.`;
        toolUses.add((block.toolUse as Obj).toolUseId as string);
        usesTools = true;
      }
      if ('toolResult' in block) {
        if (m.role !== 'user') return `toolResult blocks at messages.${i}.content are only allowed in user messages.`;
        toolResults.push((block.toolResult as Obj).toolUseId as string);
        usesTools = true;
      }
    }
    if (toolResults.length > previousToolUses.size) return `The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`;
    for (const id of toolResults) if (!previousToolUses.has(id)) return `The toolResult block at messages.${i}.content references toolUseId ${id}, which is not a toolUse of the previous turn.`;
    if (m.role === 'user' && previousToolUses.size > 0) {
      const missing = [...previousToolUses].filter((id) => !toolResults.includes(id));
      if (missing.length) return `Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`;
    }
    previousToolUses = toolUses;
  }
  const g = body.guardrailConfig;
  if (g !== undefined && (!isObj(g) || typeof g.guardrailIdentifier !== 'string' || typeof g.guardrailVersion !== 'string')) {
    return "Value at 'guardrailConfig' failed to satisfy constraint: guardrailIdentifier and guardrailVersion are required";
  }
  if (usesTools && body.toolConfig === undefined) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  return toolConfigError(body) ?? inferenceError(body);
}
